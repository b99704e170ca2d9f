// Notices outlive the pod sending them: a live-room pod (its own process) records a failed group
// buy's notices, claims the first sends and is killed (SIGKILL) before any reaches the SMS relay;
// two surviving pods then send every buyer's text exactly once (the claims the dead pod left are
// taken over after the lease, the unclaimed notices are found by the recovery sweep, the event's
// redelivery adds nothing), while a notice older than the recovery window is not texted. The relay
// is a local HTTP server (outside our system); the dead pod's gateway is a socket that never
// answers, so it dies holding claims without having sent them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket as TcpSocket } from 'node:net';
import type { EventBus, Pool } from '@lc/kit';
import { poll } from '../../../test-support/poll.js';
import { spawnService, type ServiceProcess } from '../../../test-support/platform.js';
import { startPlatform, type Platform } from './harness.js';
import { orderEvent, settled } from './notice-events.js';

const RELAY_SECRET = 'test-relay-secret-0123456789abcdef-xyz';
const LEASE_MS = 3000;

/** The operator's relay, reduced to what this test counts: which phones got a text; `slowMs` delays the answer to a phone. */
async function startRelay() {
  const to: string[] = [];
  const slowMs = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const phone = (JSON.parse(body) as { to: string }).to;
      to.push(phone);
      setTimeout(() => res.writeHead(202).end(), slowMs.get(phone) ?? 0);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/send`;
  return { url, to, slowMs, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A gateway that takes connections and never answers. */
async function startSilentGateway() {
  const sockets = new Set<TcpSocket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    addr: `127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('notice delivery recovery', { timeout: 300_000 }, () => {
  let p: Platform;
  let bus: EventBus;
  let pool: Pool;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let silent: Awaited<ReturnType<typeof startSilentGateway>>;
  let doomed: ServiceProcess | undefined;
  const env = {
    NOTICE_SMS_RELAY_URL: '',
    NOTICE_SMS_RELAY_SECRET: RELAY_SECRET,
    NOTICE_DELIVERY_LEASE_MS: String(LEASE_MS),
    NOTICE_RECOVERY_INTERVAL_MS: '500',
    NOTICE_RECOVERY_MAX_AGE_MS: '60000',
  };

  before(async () => {
    relay = await startRelay();
    silent = await startSilentGateway();
    env.NOTICE_SMS_RELAY_URL = relay.url;
    // No pod in this process yet: the event must go to the one that dies.
    p = await startPlatform({ pods: 0, env });
    bus = p.core.order.runtime.bus!;
    pool = p.core.order.runtime.pool!;
  });
  after(async () => {
    doomed?.child.kill('SIGKILL');
    await p?.stop();
    await silent?.close();
    await relay?.close();
  });

  const schema = () => p.iso.env('live-room').DB_SCHEMA;

  it('recovery - a pod killed mid-batch: every buyer is texted exactly once by the survivors; an old notice is not', async () => {
    const buyers = Array.from({ length: 12 }, (_, i) => ({ id: `rc-${randomUUID().slice(0, 8)}`, phone: `+86139${String(Date.now() % 1e5).padStart(5, '0')}${String(i).padStart(3, '0')}` }));
    await p.core.gateway.identity.ensureUsers(buyers.map((b) => ({ ...b, role: 'buyer' as const, name: b.id })), 'admin');

    doomed = await spawnService('live-room', { ...(await p.podEnv(1)), GATEWAY_ADDR: silent.addr, NOTICE_DELIVERY_CONCURRENCY: '2', NOTICE_RECOVERY_INTERVAL_MS: '0', LOG_LEVEL: 'warn' });
    const groupBuyId = randomUUID();
    await bus.publish('order.group_buy.failed', { groupBuyId, title: '车厘子 Cherries', orderIds: buyers.map(() => randomUUID()), buyerIds: buyers.map((b) => b.id) }, randomUUID());

    // All 12 recorded, the first 2 claimed (the pod's send budget) and stuck asking the gateway.
    const state = () =>
      pool.query<{ notices: number; sending: number; ended: number }>(
        `SELECT count(*)::int AS notices, count(d.*) FILTER (WHERE d.status = 'sending')::int AS sending, count(d.*) FILTER (WHERE d.status <> 'sending')::int AS ended
           FROM ${schema()}.notices n LEFT JOIN ${schema()}.notice_deliveries d ON d.notice_id = n.id WHERE n.user_id = ANY($1::text[])`,
        [buyers.map((b) => b.id)],
      );
    await poll('the batch recorded and its first sends claimed', async () => {
      const { rows } = await state();
      return rows[0]!.notices === 12 && rows[0]!.sending === 2 ? true : undefined;
    }, 20_000);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    assert.deepEqual((await state()).rows[0], { notices: 12, sending: 2, ended: 0 }, 'died before any send ended');
    assert.deepEqual(relay.to, []);

    // A REFUND_ISSUED older than the window (60 s), never delivered: stays in the inbox only.
    const old = buyers[0]!;
    await pool.query(`INSERT INTO ${schema()}.notices (id, user_id, source_key, kind, title, body, created_at) VALUES ($1, $2, $3, 'REFUND_ISSUED', 't', 'b', now() - interval '2 minutes')`, [randomUUID(), old.id, `test:${randomUUID()}`]);

    // Two survivors, both sweeping.
    await p.addPod();
    await p.addPod();
    await poll('every buyer texted', async () => (buyers.every((b) => relay.to.includes(b.phone)) ? true : undefined), 60_000);
    // The dead pod's message comes back after its ack wait (30 s) to a survivor: nothing more is sent.
    await settled(bus);
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    for (const b of buyers) assert.equal(relay.to.filter((t) => t === b.phone).length, 1, b.id);
    assert.equal(relay.to.length, buyers.length, JSON.stringify(relay.to));
    const { rows } = await pool.query<{ status: string; attempt: number; n: number }>(
      `SELECT d.status, d.attempt, count(*)::int AS n FROM ${schema()}.notice_deliveries d JOIN ${schema()}.notices n ON n.id = d.notice_id
        WHERE n.user_id = ANY($1::text[]) GROUP BY 1, 2 ORDER BY 2`,
      [buyers.map((b) => b.id)],
    );
    // The two the dead pod claimed were taken over once (attempt 2); the rest claimed once.
    assert.deepEqual(rows, [
      { status: 'sent', attempt: 1, n: 10 },
      { status: 'sent', attempt: 2, n: 2 },
    ]);
  });

  it('recovery - a send slower than the lease is not taken over: its living pod renews the claim', async () => {
    const buyer = { id: `rs-${randomUUID().slice(0, 8)}`, phone: `+86136${String(Date.now() % 1e8).padStart(8, '0')}` };
    await p.core.gateway.identity.ensureUsers([{ ...buyer, role: 'buyer', name: buyer.id }], 'admin');
    // Longer than the lease, within the relay client's 5 s timeout.
    relay.slowMs.set(buyer.phone, LEASE_MS + 1000);
    const orderId = randomUUID();
    await bus.publish('order.refunded', orderEvent(orderId, buyer.id, 'REFUNDED', { paymentId: 'pay-slow', refundFen: 800 }), randomUUID());
    const status = async () =>
      (
        await pool.query<{ status: string; attempt: number }>(
          `SELECT d.status, d.attempt FROM ${schema()}.notice_deliveries d JOIN ${schema()}.notices n ON n.id = d.notice_id WHERE n.user_id = $1 AND d.channel = 'sms'`,
          [buyer.id],
        )
      ).rows[0];
    // Both survivors sweep every 500 ms throughout the slow send.
    await poll('the slow text ended', async () => ((await status())?.status ?? 'sending') !== 'sending' || undefined, 30_000);
    assert.deepEqual(await status(), { status: 'sent', attempt: 1 });
    assert.equal(relay.to.filter((t) => t === buyer.phone).length, 1);
  });
});
