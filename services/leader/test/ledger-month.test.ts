// A month of a leader's business in fast-forward against the real services (gateway, inventory for
// the catalog's categories, the leader service, Postgres, NATS): order events as the order service
// publishes them, dated across April in Asia/Shanghai; the settlement and tier jobs run each
// simulated midnight on an injected clock; buyers rate after pickup; some refunds land after
// settlement. The ledger, statements (and CSV), withdrawals, reconciliation, repurchase rate, NPS
// and the tier are checked against figures computed here from the plan alone, and replaying every
// event twice changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EventBus, createLogger } from '@lc/kit';
import { Api, stockProduct } from '../../../test-support/api.js';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';

const ZONE_OFFSET_MS = 8 * 3600_000; // Asia/Shanghai, no daylight saving
/** The instant of local time `hh:mm` on local date `date` in Shanghai. */
const at = (date: string, hh: number, mm = 0) => Date.parse(`${date}T00:00:00Z`) - ZONE_OFFSET_MS + (hh * 60 + mm) * 60_000;
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const RATES = { general: { NEW: 500, GROWING: 600, STAR: 800 }, fresh: { NEW: 300, GROWING: 400, STAR: 500 } } as const;
type Tier = 'NEW' | 'GROWING' | 'STAR';

interface PlannedOrder {
  orderId: string;
  buyerId: string;
  skuId: string;
  category: 'general' | 'fresh';
  totalFen: number;
  paidAt: number;
  pickedUpAt?: number;
  /** Partial refunds (after-sales), each with its own id. */
  partial: { refundId: string; refundFen: number; at: number }[];
  /** A full refund. */
  full?: { at: number };
  score?: number;
}

interface Published {
  subject: string;
  payload: Record<string, unknown>;
  msgId: string;
}

describe('leader ledger - a month in fast-forward', { timeout: 280_000 }, () => {
  const iso = isolate();
  const clock = { t: at('2026-04-01', 0, 5), now() { return this.t; } };
  let core: Awaited<ReturnType<typeof startCore>>;
  let bus: EventBus;
  let db: pg.Client;
  const schema = iso.env('leader').DB_SCHEMA!;
  const published: Published[] = [];
  const skus: Record<'general' | 'fresh', string> = { general: '', fresh: '' };
  let leader: Api;
  let admin: Api;

  before(async () => {
    core = await startCore(iso, {}, { leader: { clock } });
    bus = await EventBus.connect(NATS_URL, iso.id, createLogger('test', 'silent'), 'test');
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    skus.general = (await stockProduct(core.url, 'leader-1', { name: '纸巾 tissues', category: 'general', skus: [{ name: 'pack', listPriceFen: 3000, initialStock: 10 }] })).skus[0]!.id;
    skus.fresh = (await stockProduct(core.url, 'leader-1', { name: '草莓 strawberries', category: 'fresh', skus: [{ name: 'box', listPriceFen: 5000, initialStock: 10 }] })).skus[0]!.id;
    leader = await Api.login(core.url, 'leader-1');
    admin = await Api.login(core.url, 'admin-1');
  });
  after(async () => {
    await db?.end();
    await bus?.drain();
    await core?.stop();
    await iso.cleanup();
  });

  const orderEvent = (o: PlannedOrder, status: string, atMs: number) => ({
    orderId: o.orderId, buyerId: o.buyerId, leaderId: 'leader-1', liveSessionId: '', flashSaleId: '', skuId: o.skuId, warehouseId: 'wh-1', qty: 1, totalFen: o.totalFen, status, atMs,
  });

  async function publish(subject: string, payload: Record<string, unknown>, msgId: string) {
    published.push({ subject, payload, msgId });
    await bus.publish(subject, payload, msgId);
  }

  const entryCount = async () => Number((await db.query(`SELECT count(*) AS n FROM ${schema}.ledger_entries`)).rows[0].n);
  const ledgerDigest = async () =>
    (await db.query(`SELECT kind, source_event, debit_account, credit_account, amount_fen, local_date::text FROM ${schema}.ledger_entries ORDER BY id`)).rows.map((r) => JSON.stringify(r)).join('\n');

  /** Waits until the leader service's consumer has taken every published order event. */
  async function drained() {
    const jsm = await bus.nc.jetstreamManager();
    await poll('the ledger consumer to catch up', async () => {
      const info = await jsm.consumers.info(bus.streamName('ORDER'), `${iso.id}_leader-orders`);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    }, 60_000);
  }

  it('ledger month - statements, balances, withdrawals, reconciliation, repurchase, NPS and tier match the plan; replays change nothing', async () => {
    // The plan: 84 orders over April 1–28 from 25 buyers, three a day; most collected the next
    // day (one just after local midnight, a UTC date behind); a few refunded in part after
    // settlement, one refunded in part before pickup, one refunded in full and never collected.
    const orders: PlannedOrder[] = [];
    for (let d = 1; d <= 28; d++) {
      const date = `2026-04-${String(d).padStart(2, '0')}`;
      for (let k = 0; k < 3; k++) {
        const n = orders.length;
        const category = n % 3 === 0 ? 'fresh' : 'general';
        const o: PlannedOrder = {
          orderId: randomUUID(),
          buyerId: `buyer-${100 + ((d * 7 + k * 3) % 25)}`,
          skuId: skus[category],
          category,
          totalFen: 9_000 + ((n * 7919) % 13_000),
          paidAt: at(date, 9 + k * 4, 17),
          partial: [],
        };
        if (n === 10) o.full = { at: at(date, 22) };
        else o.pickedUpAt = k === 2 ? at(addDays(date, 2), 0, 20) : at(addDays(date, 1), 15);
        if (n === 20) o.partial.push({ refundId: randomUUID(), refundFen: 2_500, at: at(date, 21) });
        if (n % 9 === 4 && n < 80) {
          o.partial.push({ refundId: randomUUID(), refundFen: Math.floor(o.totalFen / 3), at: at(addDays(date, 4), 11) });
          o.partial.push({ refundId: randomUUID(), refundFen: o.totalFen - Math.floor(o.totalFen / 3), at: at(addDays(date, 6), 11) });
        }
        if (o.pickedUpAt && n % 4 !== 3 && n < 80) o.score = [10, 9, 10, 8, 9, 10, 6, 10, 9, 7, 10, 3][n % 12];
        orders.push(o);
      }
    }

    // The events in time order, and each local day's midnight job run.
    type Step = { at: number; run: () => Promise<void> };
    const steps: Step[] = [];
    for (const o of orders) {
      steps.push({ at: o.paidAt, run: () => publish('order.paid', orderEvent(o, 'PAID', o.paidAt), `order:${o.orderId}:PAID`) });
      if (o.pickedUpAt) {
        const t = o.pickedUpAt;
        steps.push({ at: t, run: () => publish('order.status.picked_up', orderEvent(o, 'PICKED_UP', t), `order:${o.orderId}:PICKED_UP`) });
      }
      for (const p of o.partial) {
        steps.push({ at: p.at, run: () => publish('order.partially_refunded', { ...orderEvent(o, 'PICKED_UP', p.at), refundId: p.refundId, refundFen: p.refundFen, cause: 'after_sales' }, `order:${o.orderId}:PARTIAL:${p.refundId}`) });
      }
      if (o.full) {
        const t = o.full.at;
        steps.push({ at: t, run: () => publish('order.refunded', { ...orderEvent(o, 'REFUNDED', t), paymentId: randomUUID(), refundFen: o.totalFen }, `order:${o.orderId}:REFUNDED`) });
      }
    }
    steps.sort((a, b) => a.at - b.at);

    for (let day = '2026-04-01'; day <= '2026-05-01'; day = addDays(day, 1)) {
      clock.t = at(day, 0, 5);
      await core.leader!.runJobs();
      const todays = steps.filter((s) => s.at >= at(day, 0) && s.at < at(addDays(day, 1), 0));
      for (const s of todays) await s.run();
      await drained();
      // Buyers rate what they collected that day, at noon.
      clock.t = at(day, 12);
      for (const o of orders.filter((x) => x.score !== undefined && x.pickedUpAt! >= at(day, 0) && x.pickedUpAt! < at(day, 12))) {
        const buyer = await Api.login(core.url, o.buyerId);
        const r = await buyer.post(`/api/v1/orders/${o.orderId}/rating`, { score: o.score });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      clock.t = at(day, 16);
      for (const o of orders.filter((x) => x.score !== undefined && x.pickedUpAt! >= at(day, 12) && x.pickedUpAt! < at(day, 16))) {
        const r = await (await Api.login(core.url, o.buyerId)).post(`/api/v1/orders/${o.orderId}/rating`, { score: o.score });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      // On the 15th the leader withdraws 100.00 of what has settled.
      if (day === '2026-04-15') {
        const w = await leader.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: 10_000, idempotencyKey: 'april-15-first' });
        assert.equal(w.status, 201, JSON.stringify(w.body));
        assert.equal(w.body.status, 'PAID');
        const again = await leader.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: 10_000, idempotencyKey: 'april-15-first' });
        assert.equal(again.body.id, w.body.id, 'the same key is the same withdrawal');
      }
    }

    // --- Expected figures, from the plan alone.
    const commission = new Map(orders.map((o) => [o.orderId, Math.floor((o.totalFen * RATES[o.category].NEW) / 10_000)]));
    const localDate = (ms: number) => new Date(ms + ZONE_OFFSET_MS).toISOString().slice(0, 10);
    const expectedNet = new Map<string, number>();
    const add = (date: string, fen: number) => expectedNet.set(date, (expectedNet.get(date) ?? 0) + fen);
    let pendingFen = 0;
    for (const o of orders) {
      const c = commission.get(o.orderId)!;
      let refunded = 0;
      let clawed = 0;
      const refunds = [...o.partial.map((p) => ({ at: p.at, fen: p.refundFen })), ...(o.full ? [{ at: o.full.at, fen: o.totalFen }] : [])];
      let confirmed = false;
      const events = [...refunds.map((r) => ({ ...r, kind: 'refund' })), ...(o.pickedUpAt ? [{ at: o.pickedUpAt, fen: 0, kind: 'pickup' }] : [])].sort((a, b) => a.at - b.at);
      for (const e of events) {
        if (e.at >= at('2026-05-02', 0)) continue;
        if (e.kind === 'pickup') {
          confirmed = true;
          add(localDate(e.at), c - clawed);
        } else {
          refunded = Math.min(o.totalFen, refunded + e.fen);
          const next = Math.round((c * refunded) / o.totalFen);
          if (confirmed) add(localDate(e.at), -(next - clawed));
          clawed = next;
        }
      }
      if (!confirmed) pendingFen += c - clawed;
    }
    const settledDates = [...expectedNet.keys()].filter((d) => d < '2026-05-01').sort();
    const unsettledFen = expectedNet.get('2026-05-01') ?? 0;

    // Statements: one per local date with confirmations or clawbacks, net as planned.
    const listed = await leader.get('/api/v1/leaders/leader-1/statements?from=2026-04-01&to=2026-04-30&limit=100');
    assert.equal(listed.status, 200);
    const got = new Map<string, number>(listed.body.statements.map((s: { statementDate: string; netFen: number }) => [s.statementDate, s.netFen]));
    assert.deepEqual(new Map([...got].sort()), new Map(settledDates.map((d) => [d, expectedNet.get(d)!])));
    assert.ok(orders.some((o) => o.pickedUpAt && o.partial.some((p) => localDate(p.at) > localDate(o.pickedUpAt!) && localDate(p.at) < '2026-05-01')), 'some refunds land after their commission was settled');

    // CSV of a statement with a clawback: its lines add up to the statement's net.
    const clawDate = orders.flatMap((o) => o.partial.filter((p) => o.pickedUpAt && p.at > o.pickedUpAt).map((p) => localDate(p.at)))[0]!;
    const csv = await leader.get(`/api/v1/leaders/leader-1/statements/${clawDate}/csv`);
    assert.equal(csv.status, 200);
    const rows = (csv.body as string).trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['statement_date', 'entry_id', 'kind', 'order_id', 'source_event', 'event_date', 'amount_fen', 'amount_yuan']);
    const lineRows = rows.slice(1).filter((r) => r[1] !== '');
    assert.ok(lineRows.some((r) => r[2] === 'CLAWBACK' && Number(r[6]) < 0));
    assert.equal(lineRows.reduce((s, r) => s + Number(r[6]), 0), expectedNet.get(clawDate));
    assert.equal(Number(rows.at(-1)![6]), expectedNet.get(clawDate));

    // Balances derived from the entries.
    const settledTotal = settledDates.reduce((s, d) => s + expectedNet.get(d)!, 0);
    const ledger = await leader.get('/api/v1/leaders/leader-1/ledger?limit=5');
    assert.equal(ledger.status, 200);
    assert.deepEqual(ledger.body.balances, { pendingFen, confirmedFen: unsettledFen, availableFen: settledTotal - 10_000, withdrawingFen: 0 });
    assert.ok(ledger.body.entries.every((e: { sourceEvent: string }) => e.sourceEvent.length > 0), 'every entry names its source');

    // Refusals: above the balance, and two at once that together exceed it.
    const before = await ledgerDigest();
    const tooMuch = await leader.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: settledTotal, idempotencyKey: 'too-much-01' });
    assert.equal(tooMuch.status, 409);
    assert.match(tooMuch.body.message, /available balance/);
    assert.equal(await ledgerDigest(), before, 'a refused withdrawal changes nothing');
    const available = settledTotal - 10_000;
    const share = Math.floor(available * 0.6);
    const both = await Promise.all(['race-a-0001', 'race-b-0001'].map((k) => leader.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: share, idempotencyKey: k })));
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409], 'one of two concurrent withdrawals wins');
    const afterRace = await leader.get('/api/v1/leaders/leader-1/ledger?limit=1');
    assert.equal(afterRace.body.balances.availableFen, available - share);

    // Reconciliation: ledger vs statements vs payouts, to the fen.
    const rec = await admin.get('/api/v1/admin/leader-ledger/reconciliation');
    assert.equal(rec.status, 200, JSON.stringify(rec.body));
    assert.equal(rec.body.balanced, true, JSON.stringify(rec.body));
    assert.equal(rec.body.ledgerSumFen, 0);
    const mine = rec.body.leaders.find((l: { leaderId: string }) => l.leaderId === 'leader-1');
    assert.equal(mine.statementsNetFen, settledTotal);
    assert.equal(mine.providerPaidFen, 10_000 + share);
    assert.equal(rec.body.providerPaidFen, 10_000 + share);

    // The tier evaluated for April on May 1, from figures computed here.
    const april = orders.filter((o) => localDate(o.paidAt) <= '2026-04-30');
    // Sales net of the refunds known when the job ran (May 1, 00:05).
    const known = (t: number) => t < at('2026-05-01', 0, 5);
    const salesFen = april.reduce(
      (s, o) => s + o.totalFen - Math.min(o.totalFen, o.partial.filter((p) => known(p.at)).reduce((a, p) => a + p.refundFen, 0) + (o.full && known(o.full.at) ? o.totalFen : 0)),
      0,
    );
    const buyers = new Set(april.map((o) => o.buyerId));
    const perBuyer = new Map<string, number>();
    for (const o of april) perBuyer.set(o.buyerId, (perBuyer.get(o.buyerId) ?? 0) + 1);
    const repeat = [...buyers].filter((b) => perBuyer.get(b)! >= 2).length;
    const scores = orders.filter((o) => o.score !== undefined && localDate(o.pickedUpAt!) <= '2026-04-30').map((o) => o.score!);
    const npsValue = scores.length < 20 ? null : ((scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length) * 100) / scores.length;
    const expectedTier: Tier =
      salesFen > 2_000_000 && npsValue !== null && npsValue > 80 ? 'STAR' : salesFen >= 500_000 && repeat / buyers.size > 0.4 ? 'GROWING' : 'NEW';
    const tier = await leader.get('/api/v1/leaders/leader-1/tier');
    assert.equal(tier.status, 200);
    const evaluation = tier.body.evaluations.find((e: { month: string; trigger: string }) => e.month === '2026-04' && e.trigger === 'monthly');
    assert.ok(evaluation, JSON.stringify(tier.body));
    const figures = JSON.parse(evaluation.figuresJson);
    assert.equal(figures.salesFen, salesFen);
    assert.equal(figures.buyers, buyers.size);
    assert.equal(figures.repeatBuyers, repeat);
    assert.equal(figures.repurchaseRate, repeat / buyers.size);
    assert.equal(figures.ratings, scores.length);
    assert.equal(figures.nps, npsValue);
    assert.equal(evaluation.tierAfter, expectedTier);
    assert.equal(evaluation.effectiveDate, '2026-05-02', 'a new tier applies from the next day');
    assert.equal(expectedTier, 'GROWING', 'the plan makes a GROWING month');
    assert.equal(tier.body.tier, 'NEW', 'still NEW on May 1');

    // Its rate applies from May 2: an order paid late on May 1 earns NEW, one on May 2 GROWING.
    const may = [at('2026-05-01', 23, 50), at('2026-05-02', 0, 10)].map((paidAt): PlannedOrder => ({ orderId: randomUUID(), buyerId: 'buyer-100', skuId: skus.general, category: 'general', totalFen: 10_000, paidAt, partial: [] }));
    for (const o of may) await publish('order.paid', orderEvent(o, 'PAID', o.paidAt), `order:${o.orderId}:PAID`);
    await drained();
    const rates = await db.query(`SELECT order_id, tier, rate_bp FROM ${schema}.order_commissions WHERE order_id = ANY($1)`, [may.map((o) => o.orderId)]);
    const rateOf = new Map(rates.rows.map((r) => [r.order_id, [r.tier, r.rate_bp]]));
    assert.deepEqual(rateOf.get(may[0]!.orderId), ['NEW', 500]);
    assert.deepEqual(rateOf.get(may[1]!.orderId), ['GROWING', 600]);

    // A rating is given once per order, and only for a collected order of one's own.
    const rated = orders.find((o) => o.score !== undefined)!;
    const twice = await (await Api.login(core.url, rated.buyerId)).post(`/api/v1/orders/${rated.orderId}/rating`, { score: 5 });
    assert.equal(twice.status, 409);
    const notMine = await (await Api.login(core.url, 'buyer-999')).post(`/api/v1/orders/${rated.orderId}/rating`, { score: 5 });
    assert.equal(notMine.status, 404);
    const uncollected = orders.find((o) => o.full)!;
    assert.equal((await (await Api.login(core.url, uncollected.buyerId)).post(`/api/v1/orders/${uncollected.orderId}/rating`, { score: 5 })).status, 409);

    // Replaying every event twice (new message ids, so JetStream delivers them) changes nothing.
    const count = await entryCount();
    const digest = await ledgerDigest();
    for (const round of [1, 2]) for (const p of [...published]) await bus.publish(p.subject, p.payload, `${p.msgId}:replay-${round}`);
    await drained();
    assert.equal(await entryCount(), count);
    assert.equal(await ledgerDigest(), digest);
    clock.t = at('2026-05-03', 0, 5);
    await core.leader!.runJobs();
    const finalRec = await admin.get('/api/v1/admin/leader-ledger/reconciliation');
    assert.equal(finalRec.body.balanced, true, JSON.stringify(finalRec.body));
    assert.equal(finalRec.body.ledgerSumFen, 0);

    // A quiet May demotes the leader on June 1, with the reason and figures recorded.
    clock.t = at('2026-06-01', 0, 5);
    const { evaluations } = await core.leader!.runJobs();
    const demotion = evaluations.find((e) => e.leaderId === 'leader-1' && e.month === '2026-05')!;
    assert.equal(demotion.tierBefore, 'GROWING');
    assert.equal(demotion.tierAfter, 'NEW');
    assert.match(demotion.reason, /GROWING → NEW: monthly sales ¥200\.00 < ¥5,000\.00/);
    assert.equal((await core.leader!.runJobs()).evaluations.length, 0, 'one monthly evaluation per leader and month');
  });
});
