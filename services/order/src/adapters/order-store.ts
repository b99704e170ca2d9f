// Postgres access for orders, their timeline and the buyer-leader binding. Every state
// change writes its event to the outbox in the same transaction.
import { createHash } from 'node:crypto';
import { Batcher, enqueueEvent, inTransaction, outboxValues, type Pool, type PoolClient } from '@lc/kit';
import type { OrderCore, OrderEvent, OrderRefund, OrderRefundedEvent } from '@lc/contracts';
import { allowedFrom, targetOf, type OrderStatus, type Transition } from '../domain/order-status.js';

export interface OrderRow extends OrderCore {
  status: OrderStatus;
  reservationId: string;
  paymentDeadlineMs: number;
  idempotencyKey: string;
  requestHash: string;
  createdAtMs: number;
  timeline: { status: OrderStatus; atMs: number; note: string }[];
}

const SUBJECT: Partial<Record<OrderStatus, string>> = {
  PENDING_PAYMENT: 'order.created',
  PAID: 'order.paid',
  CANCELLED: 'order.cancelled',
  REFUNDED: 'order.refunded',
  PACKED: 'order.status.packed',
  OUT_FOR_DELIVERY: 'order.status.out_for_delivery',
  READY_FOR_PICKUP: 'order.status.ready_for_pickup',
  PICKED_UP: 'order.status.picked_up',
};

/** An order row as written, with its `order.created` outbox values. */
type NewOrderRecord = Omit<OrderRow, 'timeline' | 'createdAtMs' | 'groupBuyId'> & { groupBuyId: string | null; createdMs: number; subject: string; msgId: string; payload: string; trace: string };

// What `toOrder` reads, named: the statements below are prepared once per connection, and a
// prepared `o.*` fails ("cached plan must not change result type") once a migration adds a column
// to orders under a running pod.
const ORDER_COLUMNS = `o.id, o.buyer_id, o.leader_id, o.live_session_id, o.flash_sale_id, o.sku_id, o.warehouse_id, o.qty, o.unit_price_fen,
  o.total_fen, o.pickup_point_id, o.group_buy_id, o.status, o.reservation_id, o.idempotency_key, o.request_hash,
  (extract(epoch from o.payment_deadline) * 1000)::bigint AS deadline_ms, (extract(epoch from o.created_at) * 1000)::bigint AS created_ms`;

const SELECT = `SELECT ${ORDER_COLUMNS} FROM orders o`;

/** An entry of `order_timeline` (aliased `t`) as the JSON `toOrder` reads. */
const TIMELINE_ENTRY = `json_build_object('status', t.status, 'atMs', (extract(epoch from t.at) * 1000)::bigint, 'note', t.note)`;

/** Orders read with their timeline in the same statement, one round trip per read. */
const SELECT_WITH_TIMELINE = `SELECT ${ORDER_COLUMNS},
  (SELECT json_agg(${TIMELINE_ENTRY} ORDER BY t.at) FROM order_timeline t WHERE t.order_id = o.id) AS timeline FROM orders o`;

/** Adds a statement parameter and answers its placeholder (`$n`). */
export type Param = (value: unknown) => string;

/** What a one-statement move adds to the order's own update, timeline entry and event. */
export interface MoveWith {
  /**
   * A query the move waits on: the order moves only if it yields a row. Its locks (FOR UPDATE)
   * are taken before the order's.
   */
  gate?: (param: Param) => string;
  /** Named CTEs (`name AS (…)`) written only if the order moved: each reads `moved`. */
  also?: (param: Param) => string[];
}

export class OrderStore {
  private readonly leaders = new Map<string, string>();

  /**
   * `clock` dates the events of what happens here (a placement, a payment, a refund); a step
   * another service reports keeps the time it reports. Tests walk weeks of business on it.
   */
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The buyer's order under `key`. Every refusal in a flash sale's opening burst asks this (the
   * key's first answer may have been an order), so lookups arriving together share one statement.
   */
  byKey(buyerId: string, key: string): Promise<OrderRow | undefined> {
    return this.keyLookups.add({ buyerId, key });
  }

  private readonly keyLookups = new Batcher<{ buyerId: string; key: string }, OrderRow | undefined>(async (asks) => {
    const { rows } = await this.pool.query({
      name: 'orders-by-key',
      text: `${SELECT_WITH_TIMELINE} JOIN unnest($1::text[], $2::text[]) AS asked(buyer_id, idempotency_key) USING (buyer_id, idempotency_key)`,
      values: [asks.map((a) => a.buyerId), asks.map((a) => a.key)],
    });
    const found = new Map(rows.map((r) => [`${r.buyer_id}\n${r.idempotency_key}`, toOrder(r)]));
    return asks.map((a) => found.get(`${a.buyerId}\n${a.key}`));
  }, { name: 'orders by key' });

  async byId(id: string): Promise<OrderRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.pool.query({ name: 'order-by-id', text: `${SELECT_WITH_TIMELINE} WHERE id = $1`, values: [id] });
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  async ofBuyer(buyerId: string, limit: number): Promise<OrderRow[]> {
    const { rows } = await this.pool.query(`${SELECT_WITH_TIMELINE} WHERE buyer_id = $1 ORDER BY created_at DESC LIMIT $2`, [buyerId, limit]);
    return rows.map(toOrder);
  }

  async unpaidPastDeadline(limit = 200): Promise<OrderRow[]> {
    const { rows } = await this.pool.query(`${SELECT} WHERE status = 'PENDING_PAYMENT' AND payment_deadline < now() ORDER BY payment_deadline LIMIT $1`, [limit]);
    return rows.map(toOrder);
  }

  /**
   * The buyer's leader: their binding, made now with `candidate` if they have none. A binding
   * never changes once made, so it is cached; first orders arriving together are bound together.
   */
  async leaderOf(buyerId: string, candidate: string, orderId: string): Promise<string> {
    const known = this.leaders.get(buyerId);
    if (known !== undefined) return known;
    const leader = await this.bindings.add({ buyerId, candidate, orderId });
    if (leader === '') return '';
    if (this.leaders.size > 100_000) this.leaders.clear();
    this.leaders.set(buyerId, leader);
    return leader;
  }

  /** The leader the buyer is bound to ('' for none), without binding them. */
  async boundLeader(buyerId: string): Promise<string> {
    const known = this.leaders.get(buyerId);
    if (known !== undefined) return known;
    const { rows } = await this.pool.query<{ leader_id: string }>('SELECT leader_id FROM buyer_leader WHERE buyer_id = $1', [buyerId]);
    return rows[0]?.leader_id ?? '';
  }

  /** The buyer's binding as made (undefined for none): for "我的团长". */
  async binding(buyerId: string): Promise<{ leaderId: string; boundAtMs: number; firstOrderId: string } | undefined> {
    const { rows } = await this.pool.query<{ leader_id: string; bound_ms: string; first_order_id: string }>(
      'SELECT leader_id, (extract(epoch from bound_at) * 1000)::bigint AS bound_ms, first_order_id FROM buyer_leader WHERE buyer_id = $1',
      [buyerId],
    );
    const r = rows[0];
    return r ? { leaderId: r.leader_id, boundAtMs: Number(r.bound_ms), firstOrderId: r.first_order_id } : undefined;
  }

  private readonly bindings = new Batcher<{ buyerId: string; candidate: string; orderId: string }, string>(async (asks) => {
    // First-time buyers are the whole of a flash sale's opening burst, so binding and reading
    // back are one statement: the first ask per buyer in the batch makes the binding (ON
    // CONFLICT keeps an older one) and the bindings that already existed are read beside it.
    const { rows } = await this.pool.query<{ buyer_id: string; leader_id: string }>({
      name: 'bind-buyers',
      text: `WITH asked AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("buyerId" text, candidate text, "orderId" uuid)),
         made AS (
           INSERT INTO buyer_leader (buyer_id, leader_id, first_order_id)
           SELECT DISTINCT ON ("buyerId") "buyerId", candidate, "orderId" FROM asked WHERE candidate <> ''
           ORDER BY "buyerId"
           ON CONFLICT (buyer_id) DO NOTHING
           RETURNING buyer_id, leader_id)
       SELECT buyer_id, leader_id FROM made
       UNION ALL
       SELECT buyer_id, leader_id FROM buyer_leader WHERE buyer_id IN (SELECT "buyerId" FROM asked)`,
      values: [JSON.stringify(asks)],
    });
    const bound = new Map(rows.map((r) => [r.buyer_id, r.leader_id]));
    // A binding committed by another batch while this statement ran is invisible to its snapshot
    // (its insert waited and skipped): read those few again.
    const unseen = asks.filter((a) => a.candidate && !bound.has(a.buyerId)).map((a) => a.buyerId);
    if (unseen.length) {
      const again = await this.pool.query<{ buyer_id: string; leader_id: string }>('SELECT buyer_id, leader_id FROM buyer_leader WHERE buyer_id = ANY($1::text[])', [unseen]);
      for (const r of again.rows) bound.set(r.buyer_id, r.leader_id);
    }
    return asks.map((a) => bound.get(a.buyerId) ?? '');
  }, { name: 'bind buyers' });

  /**
   * Writes a new order with its first timeline entry and its `order.created` event; undefined
   * when the buyer's key already has an order (a concurrent twin wrote first). Orders placed
   * together are written together, in one statement.
   */
  async insert(order: Omit<OrderRow, 'timeline' | 'createdAtMs'>): Promise<OrderRow | undefined> {
    const now = Date.now();
    const row: OrderRow = { ...order, createdAtMs: now, timeline: [{ status: 'PENDING_PAYMENT', atMs: now, note: '' }] };
    const [subject, msgId, payload, trace] = outboxValues(SUBJECT.PENDING_PAYMENT!, toEvent(row, this.clock()), `order:${order.id}:PENDING_PAYMENT`);
    const inserted = await this.inserts.add({ ...order, groupBuyId: order.groupBuyId || null, createdMs: now, subject, msgId, payload, trace });
    return inserted ? row : undefined;
  }

  private readonly inserts = new Batcher<NewOrderRecord, boolean>(async (records) => {
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'insert-orders',
      text: `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
           id uuid, "buyerId" text, "leaderId" text, "liveSessionId" text, "flashSaleId" text, "skuId" text, "warehouseId" text,
           qty integer, "unitPriceFen" bigint, "totalFen" bigint, status text, "reservationId" uuid, "paymentDeadlineMs" bigint,
           "idempotencyKey" text, "requestHash" text, "createdMs" bigint, subject text, "msgId" text, payload text, trace text,
           "pickupPointId" text, "groupBuyId" uuid)),
       placed AS (
         INSERT INTO orders (id, buyer_id, leader_id, live_session_id, flash_sale_id, sku_id, warehouse_id, qty, unit_price_fen, total_fen,
                             status, reservation_id, payment_deadline, idempotency_key, request_hash, created_at, pickup_point_id, group_buy_id)
         SELECT id, "buyerId", "leaderId", "liveSessionId", "flashSaleId", "skuId", "warehouseId", qty, "unitPriceFen", "totalFen",
                status, "reservationId", to_timestamp("paymentDeadlineMs" / 1000.0), "idempotencyKey", "requestHash", to_timestamp("createdMs" / 1000.0),
                "pickupPointId", "groupBuyId"
         FROM input
         -- Every batch takes its keys in the same order, so two batches holding a buyer's twin
         -- requests wait for each other instead of deadlocking.
         ORDER BY "buyerId", "idempotencyKey"
         ON CONFLICT DO NOTHING
         RETURNING id),
       noted AS (
         INSERT INTO order_timeline (order_id, status, note, at)
         SELECT id, 'PENDING_PAYMENT', '', to_timestamp("createdMs" / 1000.0) FROM input JOIN placed USING (id)),
       queued AS (
         INSERT INTO outbox (subject, msg_id, payload, trace) SELECT subject, "msgId", payload::jsonb, trace::jsonb FROM input JOIN placed USING (id))
       SELECT id FROM placed`,
      values: [JSON.stringify(records)],
    });
    const placed = new Set(rows.map((r) => r.id));
    return records.map((r) => placed.has(r.id));
  }, { name: 'insert orders' });

  /**
   * Applies a transition if the order is in one of its source states, with timeline entry and
   * event; `extra` runs in the same transaction (returning false aborts). Undefined if refused.
   * `eventFields` add to the event what the order row does not say (e.g. a refund's amount).
   */
  async apply(
    orderId: string,
    t: Transition,
    note = '',
    extra?: (client: PoolClient) => Promise<boolean>,
    atMs?: number,
    eventFields: Partial<OrderRefund> = {},
  ): Promise<OrderRow | undefined> {
    const changed = await inTransaction(this.pool, async (client) => {
      const row = await this.applyWithin(client, orderId, t, note, atMs, eventFields, extra);
      if (row === 'aborted') throw new Abort();
      return row;
    }).catch((e: unknown) => {
      if (e instanceof Abort) return undefined;
      throw e;
    });
    return changed ? this.byId(orderId) : undefined;
  }

  /**
   * `apply` as one statement, for moves whose extra writes are SQL: the order's update, its
   * timeline entry, its event and `w.also` commit together in one round trip, or (the order not
   * in a source state, or `w.gate` empty) nothing is written. `order` is the order as read: only
   * its status ever changes, so its event is built from it. Undefined if refused.
   */
  async move(order: OrderRow, t: Transition, note: string, w: MoveWith = {}, opts: { atMs?: number; eventFields?: Partial<OrderRefund> } = {}): Promise<OrderRow | undefined> {
    const to = targetOf(t);
    const values: unknown[] = [];
    const param: Param = (value) => `$${values.push(value)}`;
    const [subject, msgId, payload, trace] = outboxValues(SUBJECT[to]!, { ...toEvent({ ...order, status: to }, opts.atMs ?? this.clock()), ...opts.eventFields }, `order:${order.id}:${to}`);
    const id = param(order.id);
    const gate = w.gate ? `gate AS (${w.gate(param)}),` : '';
    const text = `WITH ${gate}
       moved AS (
         UPDATE orders o SET status = ${param(to)}, updated_at = now()
         WHERE o.id = ${id} AND o.status = ANY(${param(allowedFrom(t))}::text[])${w.gate ? ' AND EXISTS (SELECT 1 FROM gate)' : ''}
         RETURNING ${ORDER_COLUMNS}),
       noted AS (
         INSERT INTO order_timeline (order_id, status, note, at)
         SELECT id, status, ${param(note)}, COALESCE(to_timestamp(${param(opts.atMs ?? null)}::float8 / 1000.0), clock_timestamp()) FROM moved
         ON CONFLICT DO NOTHING
         RETURNING status, at, note),
       queued AS (
         INSERT INTO outbox (subject, msg_id, payload, trace) SELECT ${param(subject)}, ${param(msgId)}, ${param(payload)}::jsonb, ${param(trace)}::jsonb FROM moved)
       ${(w.also?.(param) ?? []).map((cte) => `, ${cte}`).join('\n')}
       SELECT moved.*, (
         -- The statement's own entry is not in its snapshot of the table, hence the union.
         SELECT json_agg(${TIMELINE_ENTRY} ORDER BY t.at)
         FROM (SELECT status, at, note FROM order_timeline WHERE order_id = ${id} UNION ALL SELECT status, at, note FROM noted) t) AS timeline
       FROM moved`;
    // Prepared once per connection and shape (transition and what comes with it): a burst of
    // payments would otherwise have Postgres parse and plan the same statement for each.
    const name = `move-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    const { rows } = await this.pool.query({ name, text, values });
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  /**
   * `apply` inside a caller's transaction; 'aborted' when `extra` said no (the caller rolls back).
   * The row comes without its timeline.
   */
  async applyWithin(
    client: PoolClient,
    orderId: string,
    t: Transition,
    note: string,
    atMs: number | undefined,
    eventFields: Partial<OrderRefund>,
    extra?: (client: PoolClient) => Promise<boolean>,
  ): Promise<OrderRow | undefined | 'aborted'> {
    const to = targetOf(t);
    const { rows } = await client.query(
      `UPDATE orders SET status = $2, updated_at = now() WHERE id = $1 AND status = ANY($3::text[])
       RETURNING *, (extract(epoch from payment_deadline) * 1000)::bigint AS deadline_ms, (extract(epoch from created_at) * 1000)::bigint AS created_ms`,
      [orderId, to, allowedFrom(t)],
    );
    if (!rows[0]) return undefined;
    if (extra && !(await extra(client))) return 'aborted';
    await this.record(client, orderId, to, note, atMs);
    const row = toOrder(rows[0]);
    await enqueueEvent(client, SUBJECT[to]!, { ...toEvent(row, atMs ?? this.clock()), ...eventFields }, `order:${orderId}:${to}`);
    return row;
  }

  /**
   * `order.partially_refunded`: part of a paid order's money went back; the order keeps its
   * status and its delivery (fulfillment does not consume this subject). One event per refund.
   */
  async enqueuePartialRefund(client: PoolClient, order: OrderRow, fields: OrderRefund & { refundId: string; cause: string }): Promise<void> {
    await enqueueEvent(client, 'order.partially_refunded', { ...toEvent(order, this.clock()), ...fields } satisfies OrderRefundedEvent, `order:${order.id}:partially_refunded:${fields.refundId}`);
  }

  /** A timeline entry; `atMs` is when the step happened, if it was reported by another service. */
  private async record(client: PoolClient, orderId: string, status: OrderStatus, note: string, atMs?: number) {
    await client.query(
      'INSERT INTO order_timeline (order_id, status, note, at) VALUES ($1, $2, $3, COALESCE(to_timestamp($4 / 1000.0), clock_timestamp())) ON CONFLICT DO NOTHING',
      [orderId, status, note, atMs ?? null],
    );
  }
}

class Abort extends Error {}

export function toEvent(o: Omit<OrderRow, 'timeline' | 'createdAtMs'>, atMs: number): OrderEvent {
  return {
    orderId: o.id,
    buyerId: o.buyerId,
    leaderId: o.leaderId,
    liveSessionId: o.liveSessionId,
    flashSaleId: o.flashSaleId,
    skuId: o.skuId,
    warehouseId: o.warehouseId,
    qty: o.qty,
    totalFen: o.totalFen,
    status: o.status,
    pickupPointId: o.pickupPointId,
    atMs,
    ...(o.groupBuyId ? { groupBuyId: o.groupBuyId } : {}),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toOrder(r: any): OrderRow {
  return {
    id: r.id,
    buyerId: r.buyer_id,
    leaderId: r.leader_id,
    liveSessionId: r.live_session_id,
    flashSaleId: r.flash_sale_id,
    skuId: r.sku_id,
    warehouseId: r.warehouse_id,
    qty: r.qty,
    unitPriceFen: Number(r.unit_price_fen),
    totalFen: Number(r.total_fen),
    pickupPointId: r.pickup_point_id,
    groupBuyId: r.group_buy_id ?? '',
    status: r.status,
    reservationId: r.reservation_id,
    paymentDeadlineMs: Number(r.deadline_ms),
    idempotencyKey: r.idempotency_key,
    requestHash: r.request_hash,
    createdAtMs: Number(r.created_ms),
    timeline: ((r.timeline ?? []) as { status: OrderStatus; atMs: number | string; note: string }[]).map((e) => ({ status: e.status, atMs: Number(e.atMs), note: e.note })),
  };
}
