// Money in and out of an order against the real services: one intent and one charge per order,
// provider refunds whenever money must go back (late capture, duplicate capture, cancellation of
// a paid order), and an admin reconciliation of provider and order states.
//
// The sandbox provider posts its callbacks through a relay in this test, standing in for the
// network between provider and webhook: it counts every callback (one per charge) and can hold
// them back to make them arrive late.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import pg from 'pg';
import { connect } from 'nats';
import { parseConfig } from '@lc/kit';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { spawnService, startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { configShape as orderShape } from '../src/config.js';
import { startOrder } from '../src/service.js';
import { signBody } from '../src/domain/payment-signature.js';

interface Callback {
  body: string;
  signature: string;
  paymentId: string;
  orderId: string;
}

/** The provider's side of the network: every callback passes here, held back while `holding`. */
class CallbackRelay {
  readonly seen: Callback[] = [];
  readonly held: Callback[] = [];
  holding = false;
  /** Held callbacks are answered 503 instead, as if the network between us had failed. */
  failing = false;
  target = '';
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { paymentId: string; orderId: string };
        const callback = { body, signature: String(req.headers['x-sandbox-signature']), paymentId: parsed.paymentId, orderId: parsed.orderId };
        this.seen.push(callback);
        if (this.holding) {
          this.held.push(callback);
          res.writeHead(this.failing ? 503 : 200).end('{}');
          return;
        }
        this.forward(callback).then(
          (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body)),
          (err: Error) => res.writeHead(502).end(err.message),
        );
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/webhook`;
  }

  async forward(c: Pick<Callback, 'body' | 'signature'>): Promise<{ status: number; body: { orderId?: string; status?: string; duplicate?: boolean; code?: string } }> {
    const r = await fetch(this.target, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': c.signature }, body: c.body });
    return { status: r.status, body: (await r.json()) as { duplicate?: boolean } };
  }

  charges(orderId: string): number {
    return this.seen.filter((c) => c.orderId === orderId).length;
  }

  async stop() {
    this.server?.close();
  }
}

describe('payments', () => {
  const iso = isolate();
  const relay = new CallbackRelay();
  let core: Awaited<ReturnType<typeof startCore>>;
  let db: pg.Pool;
  let schema: string;
  let leader: Api;
  let admin: Api;
  let buyers: Api[];
  let relayUrl: string;

  before(async () => {
    relayUrl = await relay.start();
    core = await startCore(iso, { order: { PAYMENT_WEBHOOK_URL: relayUrl, EXPIRY_INTERVAL_MS: '200', REFUND_RETRY_AFTER_MS: '1000' } });
    relay.target = `http://127.0.0.1:${core.order.runtime.httpPort}/payments/sandbox/webhook`;
    schema = iso.env('order').DB_SCHEMA!;
    db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    leader = await Api.login(core.url, 'leader-1');
    admin = await Api.login(core.url, 'admin-1');
    buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => Api.login(core.url, `buyer-${601 + i}`)));
  });
  after(async () => {
    await core?.stop();
    await relay.stop();
    await db?.end();
    await iso.cleanup();
  });

  const rows = async (sql: string, values: unknown[] = []) => (await db.query(sql.replaceAll('$schema', schema), values)).rows;
  const paymentsOf = (orderId: string) => rows('SELECT id, status FROM $schema.payments WHERE order_id = $1 ORDER BY created_at', [orderId]);
  const refundsOf = (orderId: string) => rows('SELECT payment_id, amount_fen, cause, status, provider_refund_id FROM $schema.refunds WHERE order_id = $1', [orderId]);
  const reconciliation = async () => {
    const r = await admin.get('/api/v1/admin/payments/reconciliation');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { disagreements: { paymentId: string; orderId: string; kind: string }[]; settled: { paymentId: string; orderId: string; kind: string; refundedFen: number }[] };
  };

  async function placeOrder(buyer: Api, key: string, qty = 1) {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 5 });
    const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty }, { 'idempotency-key': key });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return { flashSaleId, order: placed.body as { id: string; totalFen: number } };
  }

  it('payments - 20 concurrent pays on two order replicas make one intent and one charge', async () => {
    const buyer = buyers[0]!;
    const { order } = await placeOrder(buyer, 'storm');
    // A second order-service replica on the same database: the guard must hold across pods.
    const replica = await startOrder(
      parseConfig(orderShape, {
        ...iso.env('order'),
        INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
        PAYMENT_WEBHOOK_URL: relayUrl,
      }),
    );
    try {
      const buyerId = (await core.order.orders.get(order.id, '')).buyerId;
      const viaGateway = Array.from({ length: 10 }, () => buyer.post(`/api/v1/orders/${order.id}/pay`).then((r) => ({ status: r.status, paymentId: r.body.paymentId as string })));
      const viaReplica = Array.from({ length: 10 }, () => replica.orders.pay(order.id, buyerId).then((r) => ({ status: 200, paymentId: r.paymentId })));
      const answers = await Promise.all([...viaGateway, ...viaReplica]);
      assert.deepEqual(answers.map((a) => a.status), Array(20).fill(200));
      const ids = new Set(answers.map((a) => a.paymentId));
      assert.equal(ids.size, 1, `paymentIds: ${[...ids].join(', ')}`);
      const payments = await paymentsOf(order.id);
      assert.deepEqual(payments.map((p) => [p.id, p.status]), [[[...ids][0], 'SUCCEEDED']]);
      assert.equal(relay.charges(order.id), 1);
      assert.equal((await rows('SELECT count(*)::int AS n FROM $schema.payment_callbacks WHERE payment_id = $1', [[...ids][0]]))[0].n, 1);
      assert.equal((await buyer.get(`/api/v1/orders/${order.id}`)).body.status, 'PAID');
    } finally {
      await replica.runtime.stop();
    }
  });

  it('payments - paying again returns the same intent, while pending and once paid', async () => {
    const buyer = buyers[1]!;
    const { order } = await placeOrder(buyer, 'twice');
    relay.holding = true;
    let first: { status: number; body: { status: string; paymentId: string } };
    let second: typeof first;
    try {
      first = await buyer.post(`/api/v1/orders/${order.id}/pay`);
      second = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    } finally {
      relay.holding = false;
    }
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'PENDING_PAYMENT');
    assert.ok(first.body.paymentId);
    assert.equal(second.body.paymentId, first.body.paymentId);
    assert.equal(relay.charges(order.id), 1);
    const held = relay.held.splice(0).find((c) => c.orderId === order.id)!;
    assert.equal((await relay.forward(held)).body.status, 'PAID');
    const third = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    assert.deepEqual([third.body.status, third.body.paymentId], ['PAID', first.body.paymentId]);
    assert.equal((await paymentsOf(order.id)).length, 1);
  });

  it('payments - a capture arriving after the order was cancelled is refunded through the provider and reconciles as settled', async () => {
    const buyer = buyers[2]!;
    const { order, flashSaleId } = await placeOrder(buyer, 'late', 2);
    relay.holding = true;
    let pending: { status: number; body: { status: string; paymentId: string } };
    try {
      pending = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    } finally {
      relay.holding = false;
    }
    assert.equal(pending.body.status, 'PENDING_PAYMENT');
    const cancelled = await buyer.post(`/api/v1/orders/${order.id}/cancel`);
    assert.equal(cancelled.body.status, 'CANCELLED', JSON.stringify(cancelled.body));
    assert.deepEqual((await paymentsOf(order.id)).map((p) => p.status), ['EXPIRED']);

    const late = relay.held.splice(0).find((c) => c.orderId === order.id)!;
    const applied = await relay.forward(late);
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.deepEqual([applied.body.status, applied.body.duplicate], ['CANCELLED', false]);
    const refunds = await refundsOf(order.id);
    assert.equal(refunds.length, 1);
    assert.deepEqual(
      [refunds[0].payment_id, Number(refunds[0].amount_fen), refunds[0].cause, refunds[0].status],
      [pending.body.paymentId, order.totalFen, `late-capture:${pending.body.paymentId}`, 'SUCCEEDED'],
    );
    assert.match(refunds[0].provider_refund_id, /^sandbox-refund-/);
    assert.deepEqual((await paymentsOf(order.id)).map((p) => p.status), ['REFUNDED']);

    // Delivered again (the provider retrying): nothing more goes back.
    const again = await relay.forward(late);
    assert.equal(again.body.duplicate, true);
    assert.equal((await refundsOf(order.id)).length, 1);

    const report = await reconciliation();
    assert.ok(report.settled.some((s) => s.paymentId === pending.body.paymentId && s.kind === 'SETTLED_REFUNDED' && s.refundedFen === order.totalFen));
    assert.ok(!report.disagreements.some((d) => d.orderId === order.id), JSON.stringify(report.disagreements));
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.sold, stats.body.available], [0, 0, 5]);
  });

  it('payments - a capture arriving after the payment deadline expired the order is refunded too', async () => {
    const buyer = buyers[2]!;
    const { order, flashSaleId } = await placeOrder(buyer, 'late-expiry');
    relay.holding = true;
    let pending: { body: { status: string; paymentId: string } };
    try {
      pending = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    } finally {
      relay.holding = false;
    }
    assert.equal(pending.body.status, 'PENDING_PAYMENT');
    // The deadline passes (moved, not waited for): the expiry loop cancels the order and
    // releases the hold, and the pending intent closes with it.
    await rows(`UPDATE $schema.orders SET payment_deadline = now() - interval '1 second' WHERE id = $1`, [order.id]);
    await poll('the order to expire', async () => ((await buyer.get(`/api/v1/orders/${order.id}`)).body.status === 'CANCELLED' ? true : undefined));
    assert.deepEqual((await paymentsOf(order.id)).map((p) => p.status), ['EXPIRED']);

    const late = relay.held.splice(0).find((c) => c.orderId === order.id)!;
    assert.equal((await relay.forward(late)).body.duplicate, false);
    assert.deepEqual((await refundsOf(order.id)).map((r) => [r.cause, r.status]), [[`late-capture:${pending.body.paymentId}`, 'SUCCEEDED']]);
    assert.deepEqual((await paymentsOf(order.id)).map((p) => p.status), ['REFUNDED']);
    const report = await reconciliation();
    assert.ok(report.settled.some((s) => s.paymentId === pending.body.paymentId));
    assert.ok(!report.disagreements.some((d) => d.orderId === order.id));
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.sold], [0, 0]);
  });

  it('payments - a replayed provider callback changes nothing', async () => {
    const buyer = buyers[3]!;
    const { order, flashSaleId } = await placeOrder(buyer, 'replay');
    const paid = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    assert.equal(paid.body.status, 'PAID');
    const original = relay.seen.find((c) => c.orderId === order.id)!;
    const before = { order: await buyer.get(`/api/v1/orders/${order.id}`), payments: await paymentsOf(order.id) };

    const replay = await relay.forward(original);
    assert.deepEqual([replay.status, replay.body.duplicate], [200, true]);
    // The same capture under a new event id (a provider re-notifying): still one charge, no refund.
    const renotified = JSON.stringify({ ...JSON.parse(original.body), eventId: 'renotify-1', atMs: Date.now() });
    const second = await relay.forward({ body: renotified, signature: signBody(renotified, 'sandbox-webhook-secret-dev-only') });
    assert.deepEqual([second.status, second.body.duplicate], [200, true]);

    // A signed body that is not a callback is refused by name.
    const malformed = JSON.stringify({ ...JSON.parse(original.body), eventId: 'malformed-1', status: 'MAYBE' });
    const refused = await relay.forward({ body: malformed, signature: signBody(malformed, 'sandbox-webhook-secret-dev-only') });
    assert.equal(refused.status, 400);
    assert.match(String((refused.body as { message?: string }).message), /status/);

    const afterOrder = await buyer.get(`/api/v1/orders/${order.id}`);
    assert.deepEqual(afterOrder.body.timeline, before.order.body.timeline);
    assert.deepEqual(await paymentsOf(order.id), before.payments);
    assert.deepEqual(await refundsOf(order.id), []);
    assert.equal((await rows(`SELECT count(*)::int AS n FROM $schema.payments WHERE order_id = $1 AND status = 'PENDING'`, [order.id]))[0].n, 0);
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.sold, stats.body.available], [1, 4]);
  });

  it('payments - a failed charge request can be retried; if the first charge went through after all it is refunded as a duplicate', async () => {
    const buyer = buyers[4]!;
    const { order } = await placeOrder(buyer, 'dup');
    // The charge request fails on its way (outcome unknown to us): the intent is closed and the
    // buyer may try again, which opens and captures a second intent.
    relay.holding = true;
    relay.failing = true;
    let failed: { status: number; body: { code: string } };
    try {
      failed = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    } finally {
      relay.holding = false;
      relay.failing = false;
    }
    assert.equal(failed.status, 503, JSON.stringify(failed.body));
    const [closed] = await paymentsOf(order.id);
    assert.equal(closed.status, 'EXPIRED');
    const stale = { body: { paymentId: closed.id as string } };
    const paid = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    assert.equal(paid.body.status, 'PAID');
    assert.notEqual(paid.body.paymentId, stale.body.paymentId);

    const duplicate = relay.held.splice(0).find((c) => c.orderId === order.id)!;
    const applied = await relay.forward(duplicate);
    assert.deepEqual([applied.status, applied.body.status, applied.body.duplicate], [200, 'PAID', false]);
    const refunds = await refundsOf(order.id);
    assert.deepEqual(refunds.map((r) => [r.payment_id, r.cause, r.status]), [[stale.body.paymentId, `duplicate-capture:${stale.body.paymentId}`, 'SUCCEEDED']]);
    const payments = Object.fromEntries((await paymentsOf(order.id)).map((p) => [p.id, p.status]));
    assert.deepEqual(payments, { [stale.body.paymentId]: 'REFUNDED', [paid.body.paymentId]: 'SUCCEEDED' });
    assert.ok(!(await reconciliation()).disagreements.some((d) => d.orderId === order.id));
  });

  it('payments - cancelling a paid order refunds it once and publishes order.refunded once', async () => {
    const buyer = buyers[5]!;
    const { order } = await placeOrder(buyer, 'refund-me', 2);
    const paid = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    assert.equal(paid.body.status, 'PAID');
    const cancels = await Promise.all(Array.from({ length: 4 }, () => buyer.post(`/api/v1/orders/${order.id}/cancel`)));
    assert.deepEqual(cancels.map((c) => c.status).sort(), [200, 409, 409, 409], JSON.stringify(cancels.map((c) => c.body)));
    assert.equal(cancels.find((c) => c.status === 200)!.body.status, 'REFUNDED');
    const refunds = await refundsOf(order.id);
    assert.deepEqual(refunds.map((r) => [r.payment_id, Number(r.amount_fen), r.cause, r.status]), [[paid.body.paymentId, order.totalFen, `order-cancelled:${order.id}`, 'SUCCEEDED']]);
    assert.deepEqual((await paymentsOf(order.id)).map((p) => p.status), ['REFUNDED']);
    assert.equal((await buyer.post(`/api/v1/orders/${order.id}/pay`)).status, 409);
    const timeline = (await buyer.get(`/api/v1/orders/${order.id}`)).body.timeline.map((t: { status: string }) => t.status);
    assert.deepEqual(timeline, ['PENDING_PAYMENT', 'PAID', 'REFUNDED']);

    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = `${iso.id.toUpperCase()}_ORDER`;
      const subject = `${iso.id}.order.refunded`;
      const event = await poll('order.refunded', async () => {
        try {
          const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
          const payload = m.json<{ orderId: string; refundFen: number; totalFen: number; paymentId: string }>();
          return payload.orderId === order.id ? payload : undefined;
        } catch {
          return undefined;
        }
      });
      assert.deepEqual([event.refundFen, event.totalFen, event.paymentId], [order.totalFen, order.totalFen, paid.body.paymentId]);
      // Give the outbox relay a few passes to send anything more.
      await new Promise((r) => setTimeout(r, 1500));
      const info = await jsm.streams.info(stream, { subjects_filter: subject });
      assert.equal(info.state.subjects?.[subject], 1);
    } finally {
      await nc.close();
    }
    assert.ok(!(await reconciliation()).disagreements.some((d) => d.orderId === order.id));
  });

  it('refunds - a refund left REQUESTED by a pod that died is asked for again and settles', async () => {
    const buyer = buyers[6]!;
    const { order } = await placeOrder(buyer, 'orphan');
    const paid = await buyer.post(`/api/v1/orders/${order.id}/pay`);
    // What a pod leaves when it dies between recording the refund and asking the provider.
    await rows(`UPDATE $schema.orders SET status = 'REFUNDED' WHERE id = $1`, [order.id]);
    await rows(
      `INSERT INTO $schema.refunds (id, payment_id, order_id, amount_fen, reason, cause, attempted_at)
       VALUES (gen_random_uuid(), $1, $2, $3, 'cancelled by buyer', $4, now() - interval '1 minute')`,
      [paid.body.paymentId, order.id, order.totalFen, `order-cancelled:${order.id}`],
    );
    await poll('the refund to settle', async () => ((await refundsOf(order.id))[0]?.status === 'SUCCEEDED' ? true : undefined));
    assert.deepEqual((await paymentsOf(order.id)).map((p) => p.status), ['REFUNDED']);
  });

  it('reconciliation - forced disagreements between payment and order are listed', async () => {
    const [a, b, c, d] = [buyers[7]!, buyers[0]!, buyers[1]!, buyers[3]!];
    const captured = await placeOrder(a, 'forced-1');
    const capturedPay = await a.post(`/api/v1/orders/${captured.order.id}/pay`);
    const unpaid = await placeOrder(b, 'forced-2');
    const unpaidPay = await b.post(`/api/v1/orders/${unpaid.order.id}/pay`);
    const stuck = await placeOrder(c, 'forced-3');
    const stuckPay = await c.post(`/api/v1/orders/${stuck.order.id}/pay`);
    assert.deepEqual([capturedPay.body.status, unpaidPay.body.status, stuckPay.body.status], ['PAID', 'PAID', 'PAID']);
    const waiting = await placeOrder(d, 'forced-4');
    relay.holding = true;
    let waitingPay: { body: { paymentId: string } };
    try {
      waitingPay = await d.post(`/api/v1/orders/${waiting.order.id}/pay`);
    } finally {
      relay.holding = false;
    }
    const clean = await reconciliation();
    assert.ok(!clean.disagreements.some((x) => [captured, unpaid, stuck, waiting].some((o) => o.order.id === x.orderId)), JSON.stringify(clean.disagreements));

    // Money captured, order cancelled, no refund.
    await rows(`UPDATE $schema.orders SET status = 'CANCELLED' WHERE id = $1`, [captured.order.id]);
    // Order paid, but its payment failed.
    await rows(`UPDATE $schema.payments SET status = 'FAILED' WHERE order_id = $1`, [unpaid.order.id]);
    // A refund requested an hour ago that the provider never answered (the retry would settle it
    // eventually: it was attempted just now).
    await rows(`UPDATE $schema.orders SET status = 'REFUNDED' WHERE id = $1`, [stuck.order.id]);
    await rows(
      `INSERT INTO $schema.refunds (id, payment_id, order_id, amount_fen, reason, cause, requested_at, attempted_at)
       VALUES (gen_random_uuid(), $1, $2, $3, 'test', $4, now() - interval '1 hour', now() + interval '1 hour')`,
      [stuckPay.body.paymentId, stuck.order.id, stuck.order.totalFen, `order-cancelled:${stuck.order.id}`],
    );
    // A charge the provider never answered, an hour ago.
    await rows(`UPDATE $schema.payments SET created_at = now() - interval '1 hour' WHERE id = $1`, [waitingPay.body.paymentId]);
    const report = await reconciliation();
    const kindOf = (orderId: string) => report.disagreements.filter((x) => x.orderId === orderId).map((x) => x.kind);
    assert.deepEqual(kindOf(captured.order.id), ['SUCCEEDED_BUT_ORDER_NOT_PAID']);
    assert.deepEqual(kindOf(unpaid.order.id), ['ORDER_PAID_WITHOUT_PAYMENT']);
    assert.deepEqual(kindOf(stuck.order.id), ['REFUND_NOT_SETTLED']);
    assert.deepEqual(kindOf(waiting.order.id), ['PAYMENT_PENDING_TOO_LONG']);
  });

  it('authorization - only admins read the payment reconciliation', async () => {
    for (const userId of ['buyer-601', 'leader-1', 'warehouse-1', 'driver-1']) {
      const r = await (await Api.login(core.url, userId)).get('/api/v1/admin/payments/reconciliation');
      assert.equal(r.status, 403, `${userId}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await new Api(core.url).get('/api/v1/admin/payments/reconciliation')).status, 401);
    const bad = await admin.get('/api/v1/admin/payments/reconciliation?limit=0');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /limit/);
  });

  it('config - a production start without PAYMENT_PROVIDER exits naming it; with sandbox chosen it starts', async () => {
    const own = isolate();
    const env = {
      ...own.env('order'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'jwt-secret-for-this-test-only-0123456789abcdef',
      PAYMENT_WEBHOOK_SECRET: 'webhook-secret-for-this-test-only-0123456789',
      PICKUP_CODE_SECRET: 'pickup-secret-for-this-test-only-0123456789',
      SHARE_LINK_SECRET: 'share-link-secret-for-this-test-only-0123456789',
      INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
    };
    try {
      const refused = await spawnService('order', env).then(
        (p) => {
          p.child.kill('SIGKILL');
          return undefined;
        },
        (e: Error) => e,
      );
      assert.ok(refused instanceof Error, 'the order service started in production without a chosen payment provider');
      assert.match(refused.message, /exited during start/);
      assert.match(refused.message, /PAYMENT_PROVIDER/);

      const chosen = await spawnService('order', { ...env, PAYMENT_PROVIDER: 'sandbox' });
      chosen.child.kill('SIGTERM');
      assert.equal((await chosen.exited).code, 0);
    } finally {
      await own.cleanup();
    }
  });
});
