// A month of a leader's business in fast-forward, through the real services (gateway, order with
// its sandbox payment provider, inventory, fulfillment, the leader service; Postgres, NATS), all
// on one injected clock: buyers bind through the leader's signed share links, order, pay,
// collect at the pickup point with their code after the warehouse delivers the day's wave, rate
// their leader, and some ask for refunds through after-sales (a few after their commission was
// settled) or cancel a paid order. The order events the ledger reads are the order service's own;
// the test publishes none. Statements (and CSV), balances, withdrawals, reconciliation, the tier,
// repurchase rate and NPS are checked against figures computed here from what the test did;
// replaying every order event twice changes nothing; a quiet May demotes the leader.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { EventBus, createLogger } from '@lc/kit';
import { Api, servedLeader, stockProduct } from '../../../test-support/api.js';
import { deliverWave } from '../../../test-support/delivery.js';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { shanghai as at, shanghaiDate as localDate } from '../../../test-support/leader-events.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const RATES = { general: { NEW: 500, GROWING: 600, STAR: 800 }, fresh: { NEW: 300, GROWING: 400, STAR: 500 } } as const;
const PRICES = { general: 2990, fresh: 4990 } as const;
type Category = keyof typeof RATES;
type Tier = 'NEW' | 'GROWING' | 'STAR';

interface Planned {
  n: number;
  buyerId: string;
  category: Category;
  qty: number;
  paidAt: number;
  /** Cancelled after payment (a full refund through the provider), never collected. */
  cancelAt?: number;
  pickedUpAt?: number;
  /** After-sales refunds, each resolved by the leader at once. */
  refunds: { at: number; fen: (totalFen: number, refundedFen: number) => number }[];
  score?: number;
  /** Known once placed. */
  orderId?: string;
  totalFen?: number;
  /** What the refunds really gave back, in order. */
  refunded: { at: number; fen: number }[];
}

describe('leader ledger - a month in fast-forward through the real services', { timeout: 600_000 }, () => {
  const iso = isolate();
  const clock = { t: at('2026-04-01', 0, 5), now() { return this.t; } };
  const now = () => clock.t;
  let core: Awaited<ReturnType<typeof startCore>>;
  let bus: EventBus;
  let db: pg.Client;
  const schema = (s: string) => iso.env(s).DB_SCHEMA!;
  const skus: Record<Category, string> = { general: '', fresh: '' };
  const apis = new Map<string, Api>();
  const as = async (userId: string) => {
    if (!apis.has(userId)) apis.set(userId, await Api.login(core.url, userId));
    return apis.get(userId)!;
  };

  before(async () => {
    const rates = { '*': RATES.general, fresh: RATES.fresh };
    core = await startCore(
      iso,
      { leader: { COMMISSION_RATES: JSON.stringify(rates) }, fulfillment: { PICKUP_CODE_ATTEMPTS: '1000' } },
      { leader: { clock }, orderOptions: { clock: now }, fulfillmentOptions: { clock: now } },
    );
    bus = await EventBus.connect(NATS_URL, iso.id, createLogger('test', 'silent'), 'test');
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    await servedLeader(core.url, 'leader-2');
    for (const category of ['general', 'fresh'] as const) {
      const product = await stockProduct(core.url, 'leader-1', { name: `${category} 货`, category, skus: [{ name: 'box', listPriceFen: PRICES[category], initialStock: 2000, perBuyerLimit: 100 }] });
      skus[category] = product.skus[0]!.id;
    }
  });
  after(async () => {
    await db?.end();
    await bus?.drain();
    await core?.stop();
    await iso.cleanup();
  });

  const consumerIdle = async (stream: 'ORDER' | 'FULFILLMENT', durable: string) => {
    const jsm = await bus.nc.jetstreamManager();
    const info = await jsm.consumers.info(bus.streamName(stream), `${iso.id}_${durable}`);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };
  const outboxEmpty = async (service: string) => Number((await db.query(`SELECT count(*) AS n FROM ${schema(service)}.outbox`)).rows[0].n) === 0;
  /**
   * Waits until every event so far has gone all the way: order → fulfillment (waves), fulfillment
   * → order (delivery steps) → the leader service (ledger, customers). Checked in that causal
   * order, twice in a row, so nothing is in flight between two checks.
   */
  async function settled() {
    let quietPasses = 0;
    await poll('every service to take every event', async () => {
      const quiet =
        (await outboxEmpty('order')) &&
        (await consumerIdle('ORDER', 'fulfillment-orders')) &&
        (await outboxEmpty('fulfillment')) &&
        (await consumerIdle('FULFILLMENT', 'order-delivery-steps')) &&
        (await outboxEmpty('order')) &&
        (await consumerIdle('ORDER', 'leader-orders')) &&
        (await consumerIdle('ORDER', 'leader-customers'));
      quietPasses = quiet ? quietPasses + 1 : 0;
      return quietPasses >= 2 ? true : undefined;
    }, 60_000);
  }
  const ledgerDigest = async () =>
    (await db.query(`SELECT kind, source_event, debit_account, credit_account, amount_fen, local_date::text FROM ${schema('leader')}.ledger_entries ORDER BY id`)).rows.map((r) => JSON.stringify(r)).join('\n');

  it('month - bound by links, paid, delivered, collected, rated and refunded through the services; the ledger, statements, tier, repurchase and NPS match; replays change nothing', async (t) => {
    // The plan: three orders a day over April 1–28 from 25 buyers; collected the next afternoon
    // (or just after the following midnight: a UTC date behind); one cancelled after paying; one
    // never collected; one refunded in part before pickup; some refunded in part, then the rest, days after pickup.
    const plan: Planned[] = [];
    for (let d = 1; d <= 28; d++) {
      const date = `2026-04-${String(d).padStart(2, '0')}`;
      for (let k = 0; k < 3; k++) {
        const n = plan.length;
        // Regulars, and on every fourth day a buyer who orders once.
        const buyerId = k === 1 && d % 4 === 0 ? `buyer-${8200 + d}` : `buyer-${8100 + ((d * 7 + k * 3) % 25)}`;
        const o: Planned = { n, buyerId, category: n % 3 === 0 ? 'fresh' : 'general', qty: 1 + ((n * 5) % 4), paidAt: at(date, 9 + k * 4, 17), refunds: [], refunded: [] };
        if (n === 10) o.cancelAt = at(date, 21);
        // n 82 is delivered but never collected: its commission stays pending.
        else if (n !== 82) o.pickedUpAt = k === 2 ? at(addDays(date, 2), 0, 20) : at(addDays(date, 1), 15);
        if (n === 20) o.refunds.push({ at: at(date, 21), fen: (total) => Math.floor(total / 4) });
        if (n % 9 === 4 && n < 80) {
          o.refunds.push({ at: at(addDays(date, 4), 11), fen: (total) => Math.floor(total / 3) });
          o.refunds.push({ at: at(addDays(date, 6), 11), fen: (total, refunded) => total - refunded });
        }
        if (o.pickedUpAt && n % 4 !== 3 && n < 80) o.score = [10, 9, 10, 8, 9, 10, 6, 10, 9, 7, 10, 3][n % 12];
        plan.push(o);
      }
    }
    // Each buyer's first order comes through a leader-1 link; a few later ones carry leader-2's
    // link, which must not take the buyer over.
    const firstOf = new Map<string, number>();
    for (const o of plan) if (!firstOf.has(o.buyerId)) firstOf.set(o.buyerId, o.n);
    const foreignLink = (o: Planned) => firstOf.get(o.buyerId) !== o.n && o.n % 10 === 7;

    // --- The month, step by step in time order, each step at its instant on the shared clock.
    // `direct`: the step acts only on what its own service already holds (placing and paying,
    // cancelling, a code at the counter), so it need not wait for events between services.
    type Step = { at: number; run: () => Promise<void>; direct?: boolean };
    const steps: Step[] = [];
    const leader1 = await as('leader-1');
    const leader2 = await as('leader-2');
    const link = async (leader: Api) => {
      const r = await leader.post('/api/v1/leader/share-links', { ttlHours: 24 });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.token as string;
    };
    let keys = 0;
    for (const o of plan) {
      steps.push({
        at: o.paidAt,
        direct: true,
        run: async () => {
          const buyer = await as(o.buyerId);
          const first = firstOf.get(o.buyerId) === o.n;
          const shareToken = first ? await link(leader1) : foreignLink(o) ? await link(leader2) : undefined;
          const placed = await buyer.post('/api/v1/orders', { skuId: skus[o.category], qty: o.qty, ...(shareToken ? { shareToken } : {}) }, { 'idempotency-key': `month-${++keys}` });
          assert.equal(placed.status, 201, JSON.stringify(placed.body));
          assert.equal(placed.body.leaderId, 'leader-1', `order ${o.n} credits the buyer's leader`);
          if (first) assert.deepEqual([placed.body.shareLink.status, placed.body.shareLink.applied], ['APPLIED', true]);
          else if (shareToken) assert.deepEqual([placed.body.shareLink.status, placed.body.shareLink.applied], ['ALREADY_BOUND', false]);
          else assert.equal(placed.body.shareLink, undefined);
          const paid = await buyer.post(`/api/v1/orders/${placed.body.id}/pay`);
          assert.equal(paid.body.status, 'PAID', JSON.stringify(paid.body));
          o.orderId = placed.body.id;
          o.totalFen = paid.body.totalFen;
          assert.equal(o.totalFen, o.qty * PRICES[o.category]);
        },
      });
      if (o.cancelAt) {
        steps.push({
          at: o.cancelAt,
          direct: true,
          run: async () => {
            const r = await (await as(o.buyerId)).post(`/api/v1/orders/${o.orderId}/cancel`);
            assert.equal(r.body.status, 'REFUNDED', JSON.stringify(r.body));
            o.refunded.push({ at: o.cancelAt!, fen: o.totalFen! });
          },
        });
      }
      for (const refund of o.refunds) {
        steps.push({
          at: refund.at,
          run: async () => {
            const fen = refund.fen(o.totalFen!, o.refunded.reduce((s, r) => s + r.fen, 0));
            const opened = await (await as(o.buyerId)).post(`/api/v1/orders/${o.orderId}/after-sales`, { kind: 'QUALITY', text: '不新鲜 not fresh' });
            assert.equal(opened.status, 201, JSON.stringify(opened.body));
            const resolved = await leader1.post(`/api/v1/after-sales/${opened.body.id}/resolve`, { refundFen: fen, note: `退 ${fen} fen` });
            assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
            o.refunded.push({ at: refund.at, fen });
          },
        });
      }
      if (o.pickedUpAt) {
        steps.push({
          at: o.pickedUpAt,
          direct: true,
          run: async () => {
            const { codes } = (await (await as(o.buyerId)).get('/api/v1/pickup-codes')).body;
            const code = codes.find((c: { orderId: string }) => c.orderId === o.orderId);
            assert.ok(code, `a pickup code for order ${o.n}`);
            const r = await leader1.post('/api/v1/pickups/verify', { code: code.code });
            assert.equal(r.status, 200, JSON.stringify(r.body));
          },
        });
      }
      if (o.score !== undefined) {
        steps.push({
          at: o.pickedUpAt! + 30 * 60_000,
          run: async () => {
            const r = await (await as(o.buyerId)).post(`/api/v1/orders/${o.orderId}/rating`, { score: o.score });
            assert.equal(r.status, 201, JSON.stringify(r.body));
          },
        });
      }
    }
    for (let day = '2026-04-01'; day <= '2026-05-01'; day = addDays(day, 1)) {
      const date = day;
      // Settlement (T+1) and the monthly tier run just after midnight; the warehouse delivers the
      // day's wave in the morning.
      steps.push({ at: at(date, 0, 5), run: async () => void (await core.leader!.runJobs()) });
      if (date > '2026-04-01' && date <= '2026-04-29') steps.push({ at: at(date, 8), run: async () => void (await deliverWave(core.url, 'wh-1', date)) });
    }
    // On the 15th the leader withdraws 100.00 of what has settled.
    steps.push({
      at: at('2026-04-15', 10),
      run: async () => {
        const w = await leader1.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: 10_000, idempotencyKey: 'april-15-first' });
        assert.equal(w.status, 201, JSON.stringify(w.body));
        assert.equal(w.body.status, 'PAID');
      },
    });
    steps.sort((a, b) => a.at - b.at);
    for (const s of steps) {
      if (!s.direct) await settled();
      clock.t = s.at;
      await s.run();
    }
    await settled();

    // --- Expected figures, from what the test did.
    const commission = (o: Planned) => Math.floor((o.totalFen! * RATES[o.category].NEW) / 10_000);
    const expectedNet = new Map<string, number>();
    const add = (date: string, fen: number) => expectedNet.set(date, (expectedNet.get(date) ?? 0) + fen);
    let pendingFen = 0;
    for (const o of plan) {
      const c = commission(o);
      let refunded = 0;
      let clawed = 0;
      let confirmed = false;
      const events = [...o.refunded.map((r) => ({ ...r, kind: 'refund' })), ...(o.pickedUpAt ? [{ at: o.pickedUpAt, fen: 0, kind: 'pickup' }] : [])].sort((a, b) => a.at - b.at);
      for (const e of events) {
        if (e.kind === 'pickup') {
          confirmed = true;
          add(localDate(e.at), c - clawed);
        } else {
          refunded = Math.min(o.totalFen!, refunded + e.fen);
          const next = Math.round((c * refunded) / o.totalFen!);
          if (confirmed) add(localDate(e.at), -(next - clawed));
          clawed = next;
        }
      }
      if (!confirmed) pendingFen += c - clawed;
    }
    const settledDates = [...expectedNet.keys()].filter((d) => d < '2026-05-01').sort();
    const unsettledFen = [...expectedNet].filter(([d]) => d >= '2026-05-01').reduce((s, [, fen]) => s + fen, 0);
    const settledTotal = settledDates.reduce((s, d) => s + expectedNet.get(d)!, 0);

    // Statements: one per local date with confirmations or clawbacks, net as computed.
    const listed = await leader1.get('/api/v1/leaders/leader-1/statements?from=2026-04-01&to=2026-04-30&limit=100');
    assert.equal(listed.status, 200);
    const got = new Map<string, number>(listed.body.statements.map((s: { statementDate: string; netFen: number }) => [s.statementDate, s.netFen]));
    assert.deepEqual(new Map([...got].sort()), new Map(settledDates.map((d) => [d, expectedNet.get(d)!])));
    const late = plan.filter((o) => o.pickedUpAt && o.refunded.some((r) => localDate(r.at) > localDate(o.pickedUpAt!) && localDate(r.at) < '2026-05-01'));
    assert.ok(late.length >= 5, 'refunds land after their commission was settled');

    // A statement with a clawback: its CSV lines add up to its net.
    const clawDate = localDate(late[0]!.refunded.at(-1)!.at);
    const csv = await leader1.get(`/api/v1/leaders/leader-1/statements/${clawDate}/csv`);
    assert.equal(csv.status, 200);
    const rows = (csv.body as string).trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['statement_date', 'entry_id', 'kind', 'order_id', 'source_event', 'event_date', 'amount_fen', 'amount_yuan']);
    const lineRows = rows.slice(1).filter((r) => r[1] !== '');
    assert.ok(lineRows.some((r) => r[2] === 'CLAWBACK' && Number(r[6]) < 0));
    assert.equal(lineRows.reduce((s, r) => s + Number(r[6]), 0), expectedNet.get(clawDate));
    assert.equal(Number(rows.at(-1)![6]), expectedNet.get(clawDate));

    // Balances derived from the entries.
    const ledger = await leader1.get('/api/v1/leaders/leader-1/ledger?limit=5');
    assert.deepEqual(ledger.body.balances, { pendingFen, confirmedFen: unsettledFen, availableFen: settledTotal - 10_000, withdrawingFen: 0 });
    assert.ok(ledger.body.entries.every((e: { sourceEvent: string }) => e.sourceEvent.length > 0), 'every entry names its source');

    // Withdrawals refused: above the balance, and the second of two at once that together exceed it.
    const beforeRefusals = await ledgerDigest();
    const again = await leader1.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: 10_000, idempotencyKey: 'april-15-first' });
    assert.equal(again.body.status, 'PAID', 'the same key is the same withdrawal');
    const tooMuch = await leader1.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: settledTotal, idempotencyKey: 'too-much-01' });
    assert.equal(tooMuch.status, 409);
    assert.match(tooMuch.body.message, /available balance/);
    assert.equal(await ledgerDigest(), beforeRefusals, 'a refused withdrawal changes nothing');
    const available = settledTotal - 10_000;
    const share = Math.floor(available * 0.6);
    const both = await Promise.all(['race-a-0001', 'race-b-0001'].map((k) => leader1.post('/api/v1/leaders/leader-1/withdrawals', { amountFen: share, idempotencyKey: k })));
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409], 'one of two concurrent withdrawals wins');
    assert.equal((await leader1.get('/api/v1/leaders/leader-1/ledger?limit=1')).body.balances.availableFen, available - share);

    // Reconciliation: ledger vs statements vs payouts, to the fen.
    const admin = await as('admin-1');
    const rec = await admin.get('/api/v1/admin/leader-ledger/reconciliation');
    assert.equal(rec.body.balanced, true, JSON.stringify(rec.body));
    assert.equal(rec.body.ledgerSumFen, 0);
    const mine = rec.body.leaders.find((l: { leaderId: string }) => l.leaderId === 'leader-1');
    assert.equal(mine.statementsNetFen, settledTotal);
    assert.equal(mine.providerPaidFen, 10_000 + share);
    assert.equal(rec.body.providerPaidFen, 10_000 + share);

    // The tier evaluated for April on May 1 at 00:05, from figures computed here.
    const april = plan.filter((o) => localDate(o.paidAt) <= '2026-04-30');
    const known = (t: number) => t < at('2026-05-01', 0, 5);
    const salesFen = april.reduce((s, o) => s + o.totalFen! - Math.min(o.totalFen!, o.refunded.filter((r) => known(r.at)).reduce((a, r) => a + r.fen, 0)), 0);
    const perBuyer = new Map<string, number>();
    for (const o of april) perBuyer.set(o.buyerId, (perBuyer.get(o.buyerId) ?? 0) + 1);
    const repeat = [...perBuyer.values()].filter((count) => count >= 2).length;
    const scores = plan.filter((o) => o.score !== undefined && localDate(o.pickedUpAt! + 30 * 60_000) <= '2026-04-30').map((o) => o.score!);
    const npsValue = scores.length < 20 ? null : ((scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length) * 100) / scores.length;
    const expectedTier: Tier = salesFen > 2_000_000 && npsValue !== null && npsValue > 80 ? 'STAR' : salesFen >= 500_000 && repeat / perBuyer.size > 0.4 ? 'GROWING' : 'NEW';
    t.diagnostic(`${plan.length} orders; ${settledDates.length} statements netting ${settledTotal} fen; ${pendingFen} fen pending; April sales ${salesFen} fen from ${perBuyer.size} buyers (${repeat} repeat); ${scores.length} ratings, NPS ${npsValue}`);
    const tier = await leader1.get('/api/v1/leaders/leader-1/tier');
    const evaluation = tier.body.evaluations.find((e: { month: string; trigger: string }) => e.month === '2026-04' && e.trigger === 'monthly');
    assert.ok(evaluation, JSON.stringify(tier.body));
    const figures = JSON.parse(evaluation.figuresJson);
    assert.deepEqual(
      { salesFen: figures.salesFen, buyers: figures.buyers, repeatBuyers: figures.repeatBuyers, repurchaseRate: figures.repurchaseRate, ratings: figures.ratings, nps: figures.nps },
      { salesFen, buyers: perBuyer.size, repeatBuyers: repeat, repurchaseRate: repeat / perBuyer.size, ratings: scores.length, nps: npsValue },
    );
    assert.equal(evaluation.tierAfter, expectedTier);
    assert.equal(expectedTier, 'GROWING', 'the plan makes a GROWING month');
    assert.equal(evaluation.effectiveDate, '2026-05-02', 'a new tier applies from the next day');
    clock.t = at('2026-05-01', 23, 59);
    assert.equal((await leader1.get('/api/v1/leaders/leader-1/tier')).body.tier, 'NEW', 'still NEW on May 1');
    clock.t = at('2026-05-02', 0, 1);
    assert.equal((await leader1.get('/api/v1/leaders/leader-1/tier')).body.tier, expectedTier, 'the new tier on May 2');

    // Its rate applies from May 2: an order paid late on May 1 earns NEW, one on May 2 GROWING.
    const may: string[] = [];
    for (const paidAt of [at('2026-05-01', 23, 50), at('2026-05-02', 0, 10)]) {
      clock.t = paidAt;
      const buyer = await as('buyer-8100');
      const placed = await buyer.post('/api/v1/orders', { skuId: skus.general, qty: 2 }, { 'idempotency-key': `may-${paidAt}` });
      assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
      may.push(placed.body.id);
    }
    await settled();
    const rates = await db.query(`SELECT order_id, tier, rate_bp FROM ${schema('leader')}.order_commissions WHERE order_id = ANY($1)`, [may]);
    const rateOf = new Map(rates.rows.map((r) => [r.order_id, [r.tier, r.rate_bp]]));
    assert.deepEqual(rateOf.get(may[0]!), ['NEW', 500]);
    assert.deepEqual(rateOf.get(may[1]!), ['GROWING', 600]);

    // A rating is given once per order, and only for a collected order of one's own.
    const rated = plan.find((o) => o.score !== undefined)!;
    assert.equal((await (await as(rated.buyerId)).post(`/api/v1/orders/${rated.orderId}/rating`, { score: 5 })).status, 409);
    assert.equal((await (await as('buyer-8999')).post(`/api/v1/orders/${rated.orderId}/rating`, { score: 5 })).status, 404);
    const uncollected = plan.find((o) => o.cancelAt)!;
    assert.equal((await (await as(uncollected.buyerId)).post(`/api/v1/orders/${uncollected.orderId}/rating`, { score: 5 })).status, 409);

    // Replaying every order event the services published, twice (new message ids, so JetStream
    // takes them), changes nothing.
    const count = Number((await db.query(`SELECT count(*) AS n FROM ${schema('leader')}.ledger_entries`)).rows[0].n);
    const digest = await ledgerDigest();
    const jsm = await bus.nc.jetstreamManager();
    const { state } = await jsm.streams.info(bus.streamName('ORDER'));
    const published = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) published.push(await jsm.streams.getMessage(bus.streamName('ORDER'), { seq }));
    assert.ok(published.some((m) => m.subject.endsWith('order.status.picked_up')) && published.some((m) => m.subject.endsWith('order.partially_refunded')));
    for (const round of [1, 2]) {
      for (const m of published) await bus.publish(m.subject.slice(iso.id.length + 1), m.json(), `replay-${round}-${m.seq}`);
    }
    await settled();
    assert.equal(Number((await db.query(`SELECT count(*) AS n FROM ${schema('leader')}.ledger_entries`)).rows[0].n), count);
    assert.equal(await ledgerDigest(), digest);
    clock.t = at('2026-05-03', 0, 5);
    await core.leader!.runJobs();
    const finalRec = await admin.get('/api/v1/admin/leader-ledger/reconciliation');
    assert.equal(finalRec.body.balanced, true, JSON.stringify(finalRec.body));
    assert.equal(finalRec.body.ledgerSumFen, 0);

    // A quiet May (the two orders above) demotes the leader on June 1, with reason and figures.
    clock.t = at('2026-06-01', 0, 5);
    const { evaluations } = await core.leader!.runJobs();
    const demotion = evaluations.find((e) => e.leaderId === 'leader-1' && e.month === '2026-05')!;
    assert.deepEqual([demotion.tierBefore, demotion.tierAfter], ['GROWING', 'NEW']);
    const maySales = ((2 * 2 * PRICES.general) / 100).toFixed(2);
    assert.ok(demotion.reason.startsWith(`GROWING → NEW: monthly sales ¥${maySales} < ¥5,000.00`), demotion.reason);
    assert.equal((await core.leader!.runJobs()).evaluations.length, 0, 'one monthly evaluation per leader and month');
  });
});
