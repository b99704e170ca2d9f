// Share links against the real gateway, order, inventory, fulfillment and leader services: a signed
// link binds a first-time buyer for good, a forged, expired or foreign one binds nobody, "我的团长"
// shows the binding, and a leader's customers (theirs only) are counted from paid orders.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '@lc/kit';
import { isolate } from '../../../test-support/isolation.js';
import { startCoreWithInbox } from '../../../test-support/live-room-browser.js';
import { Api, servedLeader, stockProduct } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { nowSeconds, signToken } from '../../../test-support/tokens.js';
import { configShape as orderShape } from '../../order/src/config.js';

describe('share links', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let leader1: Api;
  let leader2: Api;
  let eggs: string;
  let milk: string;
  let shareSecret: string;

  before(async () => {
    // Live sessions are the live room's: a link for a session checks whose it is there.
    core = await startCoreWithInbox(iso, {}, { leader: true });
    for (const l of ['leader-1', 'leader-2']) await servedLeader(core.url, l);
    leader1 = await Api.login(core.url, 'leader-1');
    leader2 = await Api.login(core.url, 'leader-2');
    const product = await stockProduct(core.url, 'leader-1', {
      name: '土鸡蛋 Free-range eggs',
      skus: [
        { name: '10 eggs', listPriceFen: 1290, initialStock: 200, perBuyerLimit: 100 },
        { name: '30 eggs', listPriceFen: 3590, initialStock: 200, perBuyerLimit: 100 },
      ],
    });
    [eggs, milk] = [product.skus[0]!.id, product.skus[1]!.id];
    shareSecret = parseConfig(orderShape, iso.env('order')).SHARE_LINK_SECRET;
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  const link = async (leader: Api, body: Record<string, unknown> = {}) => {
    const r = await leader.post('/api/v1/leader/share-links', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { token: string; url: string; expiresAt: string; leaderId: string };
  };
  let keys = 0;
  const order = (buyer: Api, body: Record<string, unknown>) => buyer.post('/api/v1/orders', { skuId: eggs, qty: 1, ...body }, { 'idempotency-key': `k-${++keys}` });

  it('share link - made by a leader for themself only, for their own session and a known SKU', async () => {
    const made = await link(leader2, { ttlHours: 48 });
    assert.equal(made.leaderId, 'leader-2');
    assert.match(made.url, /^\/shop\.html\?share=/);
    const ttl = Date.parse(made.expiresAt) - Date.now();
    assert.ok(ttl > 47 * 3600_000 && ttl <= 48 * 3600_000, made.expiresAt);
    const buyer = await Api.login(core.url, 'buyer-700');
    assert.equal((await buyer.post('/api/v1/leader/share-links', {})).status, 403);
    const foreign = await leader1.post('/api/v1/leader/share-links', { leaderId: 'leader-2' });
    assert.deepEqual([foreign.status, foreign.body.code], [403, 'FORBIDDEN']);
    const session = await leader2.post('/api/v1/live-sessions', { title: 'leader-2 live' });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    assert.equal((await leader1.post('/api/v1/leader/share-links', { liveSessionId: session.body.id })).status, 403);
    const own = await link(leader2, { liveSessionId: session.body.id });
    assert.match(own.url, new RegExp(`^/live\\.html\\?session=${session.body.id}&leader=leader-2&share=`));
    for (const [body, field] of [[{ ttlHours: 0 }, 'ttlHours'], [{ ttlHours: 721 }, 'ttlHours'], [{ skuId: '00000000-0000-4000-8000-000000000000' }, 'skuId']] as const) {
      const r = await leader1.post('/api/v1/leader/share-links', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.message, new RegExp(field));
    }
  });

  it('binding - the first order through a valid link binds the buyer; later direct orders and other links credit that leader', async () => {
    const buyer = await Api.login(core.url, 'buyer-701');
    assert.deepEqual((await buyer.get('/api/v1/me/leader')).body, { leader: null, boundAt: null, pickupPoint: null });
    const first = await order(buyer, { shareToken: (await link(leader2)).token });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.leaderId, 'leader-2');
    assert.equal(first.body.pickupPointId, 'pp-leader-2');
    assert.deepEqual([first.body.shareLink.status, first.body.shareLink.applied], ['APPLIED', true]);
    const direct = await order(buyer, {});
    assert.equal(direct.body.leaderId, 'leader-2');
    assert.equal(direct.body.shareLink, undefined);
    const other = await order(buyer, { shareToken: (await link(leader1)).token });
    assert.deepEqual([other.body.leaderId, other.body.shareLink.status, other.body.shareLink.applied], ['leader-2', 'ALREADY_BOUND', false]);
    const mine = (await buyer.get('/api/v1/me/leader')).body;
    assert.equal(mine.leader.id, 'leader-2');
    assert.equal(mine.pickupPoint.id, 'pp-leader-2');
    assert.ok(Date.parse(mine.boundAt) <= Date.now());
    // A buyer may not name a leader: that would be a link anyone can forge.
    const named = await buyer.post('/api/v1/orders', { skuId: eggs, qty: 1, leaderId: 'leader-1' }, { 'idempotency-key': 'named' });
    assert.deepEqual([named.status, named.body.code], [400, 'INVALID_ARGUMENT']);
    assert.match(named.body.message, /leaderId.*shareToken/);
  });

  it('binding - forged, tampered, expired and foreign tokens bind nobody; the order proceeds and says why', async () => {
    const buyer = await Api.login(core.url, 'buyer-702');
    // Somewhere to deliver without a leader: the buyer's own chosen point.
    assert.equal((await buyer.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-leader-1' })).status, 200);
    const genuine = (await link(leader2)).token;
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const exp = nowSeconds() + 3600;
    const refused: [string, string, string][] = [
      ['not a token', 'INVALID', 'hello-leader-2'],
      ['tampered payload (another leader, same signature)', 'INVALID', `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'leader-1' })).toString('base64url')}.${signature}`],
      ['signed with another key', 'INVALID', await signToken('some-other-secret-of-32-characters-long!', { sub: 'leader-2', aud: 'share-link', iat: nowSeconds(), exp })],
      ['an access token (not a share link)', 'INVALID', leader2.token],
      ['right key, no audience', 'INVALID', await signToken(shareSecret, { sub: 'leader-2', iat: nowSeconds(), exp })],
      ['expired', 'EXPIRED', await signToken(shareSecret, { sub: 'leader-2', aud: 'share-link', iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })],
      ['for another SKU', 'FOREIGN', (await link(leader2, { skuId: milk })).token],
    ];
    for (const [what, status, token] of refused) {
      const r = await order(buyer, { shareToken: token });
      assert.equal(r.status, 201, `${what}: ${JSON.stringify(r.body)}`);
      assert.deepEqual([r.body.leaderId, r.body.shareLink.status, r.body.shareLink.applied], ['', status, false], what);
      assert.equal(r.body.pickupPointId, 'pp-leader-1', what);
      assert.deepEqual((await buyer.get('/api/v1/me/leader')).body.leader, null, what);
      // Unpaid list-price holds are capped per buyer: let this one go.
      assert.equal((await buyer.post(`/api/v1/orders/${r.body.id}/cancel`)).status, 200);
    }
    // Bound to nobody until now: the SKU-scoped link binds on its own SKU.
    const scoped = await order(buyer, { skuId: milk, shareToken: (await link(leader2, { skuId: milk })).token });
    assert.deepEqual([scoped.body.leaderId, scoped.body.shareLink.status], ['leader-2', 'APPLIED']);
    assert.equal((await buyer.get('/api/v1/me/leader')).body.leader.id, 'leader-2');
  });

  it('customers - a leader sees their paid customers, paginated, with counts, spend and repurchase; never another leader\'s', async () => {
    const token = (await link(leader1)).token;
    // Expected figures computed here from what the buyers paid.
    const expected = new Map<string, { orders: number; spendFen: number; paidAt: number[] }>();
    const buyers = ['buyer-711', 'buyer-712', 'buyer-713', 'buyer-714', 'buyer-715'];
    const plan: [string, string, number][] = [
      ['buyer-711', eggs, 1], ['buyer-712', milk, 2], ['buyer-713', eggs, 3], ['buyer-711', milk, 1], ['buyer-714', eggs, 1],
      ['buyer-715', eggs, 2], ['buyer-713', eggs, 1], ['buyer-711', eggs, 2],
    ];
    const apis = new Map(await Promise.all(buyers.map(async (b) => [b, await Api.login(core.url, b)] as const)));
    for (const [b, skuId, qty] of plan) {
      const placed = await order(apis.get(b)!, { skuId, qty, shareToken: token });
      assert.equal(placed.body.leaderId, 'leader-1', JSON.stringify(placed.body));
      const paid = await apis.get(b)!.post(`/api/v1/orders/${placed.body.id}/pay`);
      assert.equal(paid.body.status, 'PAID');
      const e = expected.get(b) ?? { orders: 0, spendFen: 0, paidAt: [] };
      e.orders += 1;
      e.spendFen += paid.body.totalFen;
      e.paidAt.push(Date.parse(paid.body.timeline.find((t: { status: string }) => t.status === 'PAID').at));
      expected.set(b, e);
    }
    // An unpaid order through the link binds but is no purchase.
    const unpaid = await Api.login(core.url, 'buyer-716');
    assert.equal((await order(unpaid, { shareToken: token })).body.leaderId, 'leader-1');

    const settled = await poll('the customers read model', async () => {
      const r = await leader1.get('/api/v1/leader/customers?pageSize=100');
      const total = r.body.customers.reduce((s: number, c: { orders: number }) => s + c.orders, 0);
      return r.body.total === buyers.length && total === plan.length ? r.body : undefined;
    });
    assert.equal(settled.repurchased, 2);
    for (const c of settled.customers) {
      const e = expected.get(c.buyerId)!;
      assert.deepEqual([c.orders, c.spendFen, c.repurchased], [e.orders, e.spendFen, e.orders >= 2], c.buyerId);
      // The event's time is taken beside the timeline's (not the same instant): within a moment.
      assert.ok(Math.abs(Date.parse(c.firstOrderAt) - Math.min(...e.paidAt)) < 250, `${c.buyerId} first ${c.firstOrderAt}`);
      assert.ok(Math.abs(Date.parse(c.lastOrderAt) - Math.max(...e.paidAt)) < 250, `${c.buyerId} last ${c.lastOrderAt}`);
      assert.equal(c.firstOrderAt < c.lastOrderAt, e.orders > 1, c.buyerId);
    }

    // Pages of 2: most recent last order first, every customer exactly once.
    const pages = [];
    for (let page = 1; page <= 3; page++) pages.push((await leader1.get(`/api/v1/leaders/leader-1/customers?page=${page}&pageSize=2`)).body);
    assert.deepEqual(pages.map((p) => p.customers.length), [2, 2, 1]);
    const seen = pages.flatMap((p) => p.customers.map((c: { buyerId: string }) => c.buyerId));
    assert.deepEqual([...seen].sort(), [...buyers].sort());
    const byRecency = [...expected].sort((a, b) => Math.max(...b[1].paidAt) - Math.max(...a[1].paidAt) || a[0].localeCompare(b[0])).map(([b]) => b);
    assert.deepEqual(seen, byRecency);
    assert.deepEqual(pages.map((p) => p.total), [5, 5, 5]);
    assert.equal((await leader1.get('/api/v1/leader/customers?page=4&pageSize=2')).body.customers.length, 0);
    assert.equal((await leader1.get('/api/v1/leader/customers?pageSize=101')).status, 400);

    // Replaying a paid order's event changes nothing.
    const [b, e] = [...expected][0]!;
    const replayed = { orderId: 'none', buyerId: b, leaderId: 'leader-1', skuId: eggs, warehouseId: 'wh-1', qty: 1, totalFen: 1290, status: 'PAID' as const, atMs: Date.now() };
    const anOrder = (await apis.get(b)!.get('/api/v1/orders')).body.orders.find((o: { status: string }) => o.status === 'PAID');
    await core.leader!.customers.onOrderEvent({ ...replayed, orderId: anOrder.id, totalFen: anOrder.totalFen }, 'order.paid');
    const again = (await leader1.get('/api/v1/leader/customers?pageSize=100')).body.customers.find((c: { buyerId: string }) => c.buyerId === b);
    assert.deepEqual([again.orders, again.spendFen], [e.orders, e.spendFen]);

    // Another leader's customers: refused, and their own list is theirs.
    const refused = await leader2.get('/api/v1/leaders/leader-1/customers');
    assert.deepEqual([refused.status, refused.body.code], [403, 'FORBIDDEN']);
    assert.equal((await apis.get('buyer-711')!.get('/api/v1/leaders/leader-1/customers')).status, 403);
    assert.ok(!(await leader2.get('/api/v1/leader/customers?pageSize=100')).body.customers.some((c: { buyerId: string }) => buyers.includes(c.buyerId)));
    const admin = await Api.login(core.url, 'admin-1');
    assert.equal((await admin.get('/api/v1/leaders/leader-1/customers')).body.total, 5);
  });
});
