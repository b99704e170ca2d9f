// A small client for the public REST API, as a test (or a person with curl) would use it.
import { Agent, request } from 'node:http';

// One bounded pool of keep-alive connections for every test client: a storm of thousands of
// concurrent attempts queues on it instead of opening a socket each (and running out of files).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export class Api {
  /** Who signed in (empty until `login`). */
  userId = '';

  constructor(readonly base: string, public token = '') {}

  static async login(base: string, userId: string): Promise<Api> {
    const api = new Api(base);
    const r = await api.post('/api/v1/auth/dev-login', { userId });
    if (r.status !== 200) throw new Error(`login ${userId}: ${r.status} ${JSON.stringify(r.body)}`);
    api.token = (r.body as { token: string }).token;
    api.userId = userId;
    return api;
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', path, body, headers);
  }

   
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${this.base}${path}`, { method, headers: h, agent, timeout: 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status, body: parsed };
  }
}

/** The dev login's staff member of each demo warehouse. */
export const STAFF_OF: Record<string, string> = { 'wh-1': 'warehouse-1', 'wh-2': 'warehouse-2' };

/**
 * The demo warehouse (when it does not exist yet) and the leader's pickup point served by it (when
 * the leader has none yet): what staff need before they stock a product for that leader.
 */
export async function servedLeader(base: string, leaderId: string, warehouseId = 'wh-1'): Promise<void> {
  const staff = await Api.login(base, STAFF_OF[warehouseId]!);
  if ((await staff.get(`/api/v1/warehouses/${warehouseId}`)).status === 404) {
    const w = await staff.post('/api/v1/warehouses', { id: warehouseId, name: `${warehouseId} 仓`, lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', driverIds: ['driver-1', 'driver-2'], vehicles: [{ id: `${warehouseId}-van`, capacity: 50 }] });
    if (w.status !== 201 && w.status !== 409) throw new Error(`warehouse: ${w.status} ${JSON.stringify(w.body)}`);
  }
  const leader = await Api.login(base, leaderId);
  const p = await leader.post('/api/v1/pickup-points', { id: `pp-${leaderId}`, warehouseId, name: `${leaderId} 自提点`, lat: 31.2397, lng: 121.4998 });
  if (p.status !== 201 && p.status !== 409) throw new Error(`pickup point: ${p.status} ${JSON.stringify(p.body)}`);
}

/** A product owned by `ownerLeaderId`, stocked at `warehouseId` by that warehouse's staff. */
export async function stockProduct(
  base: string,
  ownerLeaderId: string,
  product: { name: string; description?: string; category?: string; skus: { name: string; listPriceFen: number; perBuyerLimit?: number; initialStock?: number }[] },
  warehouseId = 'wh-1',
): Promise<{ id: string; skus: { id: string; listPriceFen: number }[] }> {
  await servedLeader(base, ownerLeaderId, warehouseId);
  const staff = await Api.login(base, STAFF_OF[warehouseId]!);
  const r = await staff.post('/api/v1/products', { ...product, warehouseId, ownerLeaderId });
  if (r.status !== 201) throw new Error(`product: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A product owned by `leader` with stock at `warehouseId`, and a flash-sale pool on it created by `leader`. */
export async function createFlashSale(
  leader: Api,
  opts: { quantity: number; perBuyerLimit: number; skuPerBuyerLimit?: number; stock?: number; holdSeconds?: number; salePriceFen?: number; warehouseId?: string; startsAt?: string; endsAt?: string },
) {
  const warehouseId = opts.warehouseId ?? 'wh-1';
  const product = await stockProduct(leader.base, leader.userId, {
    name: '阳光玫瑰葡萄 Shine Muscat grapes',
    description: '2 jin box',
    skus: [{ name: '1 box', listPriceFen: 5990, perBuyerLimit: opts.skuPerBuyerLimit ?? 0, initialStock: opts.stock ?? opts.quantity }],
  }, warehouseId);
  const skuId = product.skus[0]!.id;
  const sale = await leader.post('/api/v1/flash-sales', {
    skuId,
    warehouseId,
    salePriceFen: opts.salePriceFen ?? 2990,
    quantity: opts.quantity,
    perBuyerLimit: opts.perBuyerLimit,
    holdSeconds: opts.holdSeconds ?? 600,
    ...(opts.startsAt ? { startsAt: opts.startsAt } : {}),
    endsAt: opts.endsAt ?? new Date(Date.now() + 3600_000).toISOString(),
  });
  if (sale.status !== 201) throw new Error(`flash sale: ${sale.status} ${JSON.stringify(sale.body)}`);
  return { skuId, flashSaleId: sale.body.id as string, productId: product.id };
}

/**
 * A buyer signed in who has chosen a pickup point (default: leader-1's demo point, served by wh-1),
 * as every buyer must before ordering unless bound to a leader with one.
 */
export async function shopper(base: string, userId: string, pickupPointId = 'pp-leader-1'): Promise<Api> {
  const buyer = await Api.login(base, userId);
  const r = await buyer.request('PUT', '/api/v1/me/pickup-point', { pickupPointId });
  if (r.status !== 200) throw new Error(`choose pickup point ${pickupPointId}: ${r.status} ${JSON.stringify(r.body)}`);
  return buyer;
}

/**
 * A leader's signed share link token, made by the leader through the API: what an order carries
 * to credit that leader (a buyer cannot name a leader themself).
 */
export async function shareToken(base: string, leaderId: string, scope: { liveSessionId?: string; skuId?: string } = {}): Promise<string> {
  const leader = await Api.login(base, leaderId);
  const r = await leader.post('/api/v1/leader/share-links', scope);
  if (r.status !== 201) throw new Error(`share link of ${leaderId}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body as { token: string }).token;
}
