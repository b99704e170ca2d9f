// The live room's burst for `npm run bench`: `buyers` sockets joined to a live session tap "buy"
// over order:place when a sale's countdown ends (each within `jitterMs` of the end, as people
// do), on a pool of `quantity` units with one per buyer. Latency runs from each tap's emit to its
// ack; the sockets are opened and joined before the countdown (their opening time is reported).
import { io, type Socket } from 'socket.io-client';
import { Api, stockProduct } from '../test-support/api.js';
import { percentiles } from './cold-burst.js';

export interface SocketTapsResult {
  taps: { ms: number; outcome: string }[];
  connectMs: number[];
}

function ack(socket: Socket, event: string, payload: unknown): Promise<{ ok: boolean; code?: string; data?: Record<string, unknown> }> {
  return socket.timeout(30_000).emitWithAck(event, payload);
}

export async function socketTaps(gatewayUrl: string, liveRoomUrl: string, opts: { buyers: number; quantity: number; countdownSeconds: number; jitterMs: number; firstBuyer: number }): Promise<SocketTapsResult> {
  const leader = await Api.login(gatewayUrl, 'leader-1');
  const session = await leader.post('/api/v1/live-sessions', { title: 'bench socket taps' });
  if (session.status !== 201) throw new Error(`live session: ${session.status} ${JSON.stringify(session.body)}`);
  const started = await leader.post(`/api/v1/live-sessions/${session.body.id}/start`, {});
  if (started.status >= 300) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  const product = await stockProduct(gatewayUrl, 'leader-1', { name: 'bench socket grapes', skus: [{ name: '1 box', listPriceFen: 5990, initialStock: opts.quantity }] });
  const open = async (token: string) => {
    const socket = io(liveRoomUrl, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const joined = await ack(socket, 'session:join', { sessionId: session.body.id });
    if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined)}`);
    return socket;
  };
  const tokens = await Promise.all(Array.from({ length: opts.buyers }, async (_, i) => (await Api.login(gatewayUrl, `buyer-${opts.firstBuyer + i}`)).token));
  const connectMs: number[] = [];
  const buyers = await Promise.all(
    tokens.map(async (token) => {
      const t = performance.now();
      const socket = await open(token);
      connectMs.push(performance.now() - t);
      return socket;
    }),
  );
  const host = await open(leader.token);
  try {
    const sale = await ack(host, 'sale:start', {
      skuId: product.skus[0]!.id,
      warehouseId: 'wh-1',
      salePriceFen: 990,
      quantity: opts.quantity,
      perBuyerLimit: 1,
      countdownSeconds: opts.countdownSeconds,
    });
    if (!sale.ok) throw new Error(`sale:start: ${JSON.stringify(sale)}`);
    const { id: flashSaleId, startsAtMs } = sale.data!.sale as { id: string; startsAtMs: number };
    const taps: SocketTapsResult['taps'] = [];
    await Promise.all(
      buyers.map(async (socket, i) => {
        await new Promise((r) => setTimeout(r, Math.max(0, startsAtMs - Date.now()) + Math.random() * opts.jitterMs));
        const t = performance.now();
        const answer = await ack(socket, 'order:place', { flashSaleId, qty: 1, idempotencyKey: `tap-${i}` }).catch((e: Error) => ({ ok: false, code: `error:${e.message}` }));
        taps.push({ ms: performance.now() - t, outcome: answer.ok ? 'ORDERED' : String(answer.code) });
      }),
    );
    return { taps, connectMs };
  } finally {
    for (const s of [...buyers, host]) s.disconnect();
  }
}

export function socketTapsRow(r: SocketTapsResult) {
  const p = percentiles(r.taps.map((t) => t.ms));
  const outcomes: Record<string, number> = {};
  for (const t of r.taps) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
  const c = percentiles(r.connectMs);
  return {
    path: 'live room order:place',
    taps: p.n,
    'p50 ms': p.p50.toFixed(1),
    'p95 ms': p.p95.toFixed(1),
    'p99 ms': p.p99.toFixed(1),
    'max ms': p.max.toFixed(1),
    outcomes: Object.entries(outcomes).map(([k, v]) => `${k}:${v}`).join(' '),
    'socket open+join p50/max ms': `${c.p50.toFixed(0)} / ${c.max.toFixed(0)}`,
  };
}
