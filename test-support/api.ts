// A small client for the public REST API, as a test (or a person with curl) would use it.
import { Agent, request } from 'node:http';

// One bounded pool of keep-alive connections for every test client: a storm of thousands of
// concurrent attempts queues on it instead of opening a socket each (and running out of files).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export class Api {
  constructor(readonly base: string, public token = '') {}

  static async login(base: string, userId: string): Promise<Api> {
    const api = new Api(base);
    const r = await api.post('/api/v1/auth/dev-login', { userId });
    if (r.status !== 200) throw new Error(`login ${userId}: ${r.status} ${JSON.stringify(r.body)}`);
    api.token = (r.body as { token: string }).token;
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

/** A product with stock at `warehouseId` and a flash-sale pool on it, created as `leader`. */
export async function createFlashSale(
  leader: Api,
  opts: { quantity: number; perBuyerLimit: number; skuPerBuyerLimit?: number; stock?: number; holdSeconds?: number; salePriceFen?: number; warehouseId?: string; startsAt?: string; endsAt?: string },
) {
  const warehouseId = opts.warehouseId ?? 'wh-1';
  const product = await leader.post('/api/v1/products', {
    name: '阳光玫瑰葡萄 Shine Muscat grapes',
    description: '2 jin box',
    warehouseId,
    skus: [{ name: '1 box', listPriceFen: 5990, perBuyerLimit: opts.skuPerBuyerLimit ?? 0, initialStock: opts.stock ?? opts.quantity }],
  });
  if (product.status !== 201) throw new Error(`product: ${product.status} ${JSON.stringify(product.body)}`);
  const skuId = product.body.skus[0].id as string;
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
  return { skuId, flashSaleId: sale.body.id as string, productId: product.body.id as string };
}
