// The platform as `npm start` runs it: every service a process of its own, healthy, traced end to
// end, stopping cleanly on SIGTERM, and refusing bad configuration by name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import pg from 'pg';
import { isolate, DATABASE_URL } from '../test-support/isolation.js';
import { freePort, spawnService, type ServiceProcess } from '../test-support/platform.js';
import { startOtlpReceiver } from '../test-support/otlp-receiver.js';
import { Api, createFlashSale } from '../test-support/api.js';

const HealthClient = makeGenericClientConstructor(healthService as never, 'Health');

function grpcHealth(port: number): Promise<string> {
  const client = new HealthClient(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as {
    check(req: { service: string }, opts: { deadline: number }, cb: (e: Error | null, r: { status: string | number }) => void): void;
    close(): void;
  };
  return new Promise((resolve, reject) =>
    client.check({ service: '' }, { deadline: Date.now() + 3000 }, (e, r) => {
      client.close();
      if (e) reject(e);
      else resolve(String(r.status));
    }),
  );
}

describe('platform', () => {
  const iso = isolate();
  const procs: Record<string, ServiceProcess> = {};
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;

  before(async () => {
    otlp = await startOtlpReceiver();
    const common = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
    const ports = { inventory: await freePort(), order: await freePort(), fulfillment: await freePort(), 'live-room': await freePort() };
    const addrs = {
      INVENTORY_ADDR: `127.0.0.1:${ports.inventory}`,
      ORDER_ADDR: `127.0.0.1:${ports.order}`,
      FULFILLMENT_ADDR: `127.0.0.1:${ports.fulfillment}`,
      LIVE_ROOM_ADDR: `127.0.0.1:${ports['live-room']}`,
    };
    const start = (name: keyof typeof ports | 'gateway', extra: Record<string, string> = {}) =>
      spawnService(name, { ...iso.env(name), ...common, ...addrs, ...(name in ports ? { GRPC_PORT: String(ports[name as keyof typeof ports]) } : {}), ...extra });
    const [inventory, order, fulfillment, liveRoom, gateway] = await Promise.all([
      start('inventory'),
      start('order'),
      start('fulfillment'),
      start('live-room', { MEDIASOUP_RTC_PORT_BASE: String(await freePort()), MEDIASOUP_WORKERS: '1' }),
      start('gateway'),
    ]);
    Object.assign(procs, { inventory, order, fulfillment, 'live-room': liveRoom, gateway });
  });

  after(async () => {
    for (const p of Object.values(procs)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await otlp?.close();
    await iso.cleanup();
  });

  it('health - all five services report SERVING on gRPC and ready on /readyz', async () => {
    for (const [name, p] of Object.entries(procs)) {
      assert.equal(await grpcHealth(p.grpcPort), 'SERVING', name);
      const ready = await fetch(`http://127.0.0.1:${p.httpPort}/readyz`);
      assert.equal(ready.status, 200, name);
      const body = (await ready.json()) as { checks: Record<string, string> };
      assert.ok(Object.values(body.checks).every((c) => c === 'ok'), `${name}: ${JSON.stringify(body)}`);
    }
  });

  it('tracing - one order request is one trace across gateway, order, inventory and a NATS hop', async () => {
    const base = `http://127.0.0.1:${procs.gateway!.httpPort}`;
    const leader = await Api.login(base, 'leader-1');
    const buyer = await Api.login(base, 'buyer-7');
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 1 });
    const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'trace-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));

    // The request's trace: find the gateway's server span for POST /api/v1/orders.
    const deadline = Date.now() + 15_000;
    let chain: string[] = [];
    while (Date.now() < deadline) {
      const placeCall = otlp.spans.find((s) => s.service === 'gateway' && s.name.endsWith('OrderService/PlaceOrders'));
      const candidates = placeCall ? otlp.spans.filter((s) => s.traceId === placeCall.traceId) : [];
      const root = candidates.find((s) => s.service === 'gateway' && s.kind === 2 && !s.parentSpanId);
      const byId = new Map(candidates.map((s) => [s.spanId, s]));
      const reserve = candidates.find((s) => s.service === 'inventory' && s.kind === 2 && s.name.includes('Reserve'));
      const consumed = candidates.find((s) => s.service === 'gateway' && s.kind === 5 && s.name.startsWith('inventory.stock.changed'));
      if (root && reserve && consumed) {
        // Walk each span up to the root: every hop must be a parent/child link in one trace.
        const ancestry = (span: typeof root) => {
          const names: string[] = [];
          for (let s: typeof root | undefined = span; s; s = byId.get(s.parentSpanId)) names.push(`${s.service}:${s.name}`);
          return names;
        };
        const reserveChain = ancestry(reserve);
        const consumedChain = ancestry(consumed);
        // Each service exports its spans in its own batches: wait until every hop has arrived.
        if (reserveChain.at(-1) !== `gateway:${root.name}` || consumedChain.at(-1) !== `gateway:${root.name}`) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        assert.ok(reserveChain.some((n) => n.startsWith('order:') && n.includes('PlaceOrder')), reserveChain.join(' <- '));
        assert.ok(consumedChain.some((n) => n.startsWith('inventory:')), consumedChain.join(' <- '));
        chain = consumedChain;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(chain.length >= 4, `no complete trace; spans seen: ${otlp.spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
  });

  it('shutdown - SIGTERM lets an in-flight reservation finish, then the process exits 0 within 10 s', async () => {
    const base = `http://127.0.0.1:${procs.gateway!.httpPort}`;
    const leader = await Api.login(base, 'leader-1');
    const buyer = await Api.login(base, 'buyer-8');
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 1 });
    // Hold the reservations table so the next reservation is in flight when the signal lands.
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    await db.query('BEGIN');
    await db.query(`LOCK TABLE ${iso.env('inventory').DB_SCHEMA}.reservations IN ACCESS EXCLUSIVE MODE`);
    const inFlight = buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'sigterm-1' });
    await new Promise((r) => setTimeout(r, 500));
    const signalled = Date.now();
    procs.inventory!.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await db.query('COMMIT');
    await db.end();
    const placed = await inFlight;
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const exit = await procs.inventory!.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, procs.inventory!.output().slice(-2000));
    assert.ok(Date.now() - signalled < 10_000);
  });

  it('config - an unparsable DATABASE_URL stops the service at start, naming the variable', async () => {
    await assert.rejects(
      // The allowance is for loading the code on a busy machine; the process exits as soon as it reads its config.
      spawnService('order', { ...iso.env('order'), DATABASE_URL: 'not a url' }, 30_000),
      (e: Error) => /exited during start/.test(e.message) && /DATABASE_URL/.test(e.message),
    );
  });
});
