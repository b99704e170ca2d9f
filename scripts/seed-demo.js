// Seeds the demo through the public API, as the people in it would: a warehouse with two vans,
// three leaders' pickup points and their approved applications, products stocked by the
// warehouse's staff for leader-1, a live session, a flash sale and a group buy (开团). Skips what exists.
import { io } from 'socket.io-client';
const seedResult = (what, r) => {
  if (r.status === 201) return `seeded ${what}`;
  if (r.status === 409) return `${what} already there`;
  throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
};

export async function seedDemo(base, liveRoomUrl, log = console.log) {
  const login = async (userId) => {
    const r = await fetch(`${base}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    if (!r.ok) throw new Error(`dev login ${userId}: ${r.status}`);
    const { token } = await r.json();
    const call = async (method, path, body) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {} };
    };
    return Object.assign(call, { token });
  };
  const admin = await login('admin-1');
  const leader = await login('leader-1');
  // Staff of wh-1 stock products for the leaders their warehouse serves.
  const staff = await login('warehouse-1');

  const warehouse = await admin('POST', '/api/v1/warehouses', {
    id: 'wh-1',
    name: '杭州仓 Hangzhou DC',
    lat: 30.2741,
    lng: 120.1551,
    timeZone: 'Asia/Shanghai',
    shiftStart: '06:00',
    shiftEnd: '18:00',
    cutoff: '22:00',
    driverIds: ['driver-1', 'driver-2'],
    vehicles: [
      { id: 'van-1', capacity: 60 },
      { id: 'van-2', capacity: 60 },
    ],
  });
  log(seedResult('warehouse wh-1', warehouse));
  const points = [
    ['pp-1', 'leader-1', '西湖小区自提点 West Lake Garden', 30.2592, 120.1305],
    ['pp-2', 'leader-2', '滨江花园自提点 Binjiang Garden', 30.2084, 120.2119],
    ['pp-3', 'leader-3', '拱墅社区自提点 Gongshu Community', 30.3196, 120.1423],
  ];
  for (const [id, leaderId, name, lat, lng] of points) {
    const r = await admin('POST', '/api/v1/pickup-points', { id, warehouseId: 'wh-1', leaderId, name, lat, lng, opensAt: '08:00', closesAt: '20:00' });
    log(seedResult(`pickup point ${id}`, r));
  }
  // The demo leaders arrive approved: each one's application, entered by the operator, approved
  // into the leader they already are (their point above is kept).
  const demoLeaders = [
    ['leader-1', '王团长 (Leader Wang)', '+8613800000001', '西湖小区 West Lake Garden'],
    ['leader-2', '李团长 (Leader Li)', '+8613800000002', '滨江花园 Binjiang Garden'],
    ['leader-3', '张团长 (Leader Zhang)', '+8613800000003', '拱墅社区 Gongshu Community'],
  ];
  for (const [leaderId, name, phone, community] of demoLeaders) {
    const [, , pointName, lat, lng] = points.find((p) => p[1] === leaderId);
    const entered = await admin('POST', '/api/v1/admin/leader-applications', { leaderId, name, phone, community, address: pointName, lat, lng, zone: 'Asia/Shanghai' });
    // A restart finds the application entered before: approved already, or still to approve.
    const pending = entered.status === 201 ? entered.body.id : entered.body.details?.status === 'PENDING' ? entered.body.details.applicationId : undefined;
    if (!pending) {
      log(seedResult(`leader application of ${leaderId}`, entered));
      continue;
    }
    const approved = await admin('POST', `/api/v1/admin/leader-applications/${pending}/approve`, { warehouseId: 'wh-1' });
    if (approved.status !== 200) throw new Error(`approve ${leaderId}: ${approved.status} ${JSON.stringify(approved.body)}`);
    log(`seeded approved leader ${leaderId}`);
  }

  const sessions = await leader('GET', '/api/v1/live-sessions?leaderId=leader-1');
  let session = sessions.body.liveSessions?.find((s) => s.status !== 'ENDED');
  if (!session) {
    const created = await leader('POST', '/api/v1/live-sessions', { title: '王团长的秋季水果专场 Autumn fruit live' });
    if (created.status !== 201) throw new Error(`live session: ${created.status} ${JSON.stringify(created.body)}`);
    session = created.body;
    log(`seeded live session ${session.id}`);
  }
  const existing = await leader('GET', '/api/v1/products');
  if (!existing.body.products?.length) {
    const product = await staff('POST', '/api/v1/products', {
      name: '阳光玫瑰葡萄 Shine Muscat grapes',
      description: '2斤装 2 jin box',
      ownerLeaderId: 'leader-1',
      skus: [{ name: '2斤 2 jin', listPriceFen: 5990, perBuyerLimit: 0, initialStock: 500 }],
    });
    log(seedResult('product Shine Muscat grapes', product));
    log(seedResult('product Gannan navel oranges', await staff('POST', '/api/v1/products', {
      name: '赣南脐橙 Gannan navel oranges',
      description: '5斤装 5 jin box',
      ownerLeaderId: 'leader-1',
      skus: [{ name: '5斤 5 jin', listPriceFen: 3990, perBuyerLimit: 0, initialStock: 300 }],
    })));
    const sale = await leader('POST', '/api/v1/flash-sales', {
      skuId: product.body.skus[0].id,
      warehouseId: 'wh-1',
      liveSessionId: session.id,
      salePriceFen: 2990,
      quantity: 100,
      perBuyerLimit: 2,
      holdSeconds: 900,
      endsAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
    });
    if (sale.status !== 201) throw new Error(`flash sale: ${sale.status} ${JSON.stringify(sale.body)}`);
    // A sale reaches the live room's buyers only once its leader starts it in the session, and the
    // console only starts sales it creates itself: without this the seeded sale is never seen.
    await startSaleInSession(liveRoomUrl, leader.token, session.id, sale.body.id);
    log(`seeded flash sale ${sale.body.id} (100 units at ¥29.90, limit 2), running in the live session`);
  }
  // A group buy on the oranges, open for three days: the buyers' page shows its progress.
  const groupBuys = await leader('GET', '/api/v1/group-buys');
  let groupBuy = groupBuys.body.groupBuys?.find((g) => g.status === 'OPEN');
  const oranges = (await leader('GET', '/api/v1/products')).body.products?.find((p) => p.name.includes('navel'))?.skus[0];
  if (!groupBuy && oranges) {
    const opened = await leader('POST', '/api/v1/group-buys', {
      title: '赣南脐橙拼团 Navel orange group buy',
      skuId: oranges.id,
      warehouseId: 'wh-1',
      priceFen: 2990,
      stockCap: 100,
      minQty: 20,
      perBuyerLimit: 5,
      cutoffAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
    });
    log(seedResult('group buy on the oranges (minimum 20 of 100)', opened));
    groupBuy = opened.body;
  }
  return { sessionId: session.id, groupBuyId: groupBuy?.id ?? '' };
}

/** As the session's leader over the live room's socket: joins the session and starts `flashSaleId` in it. */
async function startSaleInSession(liveRoomUrl, token, sessionId, flashSaleId) {
  const socket = io(liveRoomUrl, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  try {
    for (const [event, payload] of [['session:join', { sessionId }], ['sale:start', { flashSaleId }]]) {
      const ack = await socket.timeout(10_000).emitWithAck(event, payload);
      if (!ack.ok) throw new Error(`${event}: ${ack.code} ${ack.message}`);
    }
  } finally {
    socket.close();
  }
}
