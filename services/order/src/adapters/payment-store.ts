// Postgres access for payment intents, provider callbacks and refunds. Statements that must
// commit with an order's state change take the transaction's client.
import { inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { MoveWith } from './order-store.js';

export type PaymentStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED' | 'CAPTURED' | 'REFUNDED';
export type RefundStatus = 'REQUESTED' | 'SUCCEEDED' | 'FAILED';

export interface PaymentRow {
  id: string;
  orderId: string;
  provider: string;
  amountFen: number;
  status: PaymentStatus;
}

export interface RefundRow {
  id: string;
  paymentId: string;
  orderId: string;
  amountFen: number;
  reason: string;
  cause: string;
  status: RefundStatus;
}

/** One line of the reconciliation: a payment (or a paid order without one) and its verdict. */
export interface ReconciliationRow {
  paymentId: string;
  orderId: string;
  kind: string;
  paymentStatus: string;
  orderStatus: string;
  amountFen: number;
  refundedFen: number;
  openRefundFen: number;
  sinceMs: number;
}

/**
 * What `toPayment` reads, named: prepared statements return these, and a prepared `*` fails once
 * a migration adds a column under a running pod.
 */
const PAYMENT_COLUMNS = 'id, order_id, provider, amount_fen, status';

/** An id no payment has: "no exception" for the pending intents an order's move closes. */
const NO_PAYMENT = '00000000-0000-0000-0000-000000000000';

/** The order's pending intents but one close, if the order moved (a CTE of OrderStore.move). */
const expirePendingCte = (orderId: string, exceptPaymentId: string) =>
  `expired AS (UPDATE payments SET status = 'EXPIRED', settled_at = now() WHERE order_id = ${orderId}::uuid AND status = 'PENDING' AND id <> ${exceptPaymentId}::uuid AND EXISTS (SELECT 1 FROM moved))`;

/** Order statuses that mean the order counts as paid for. */
const PAID_ORDER_STATUSES = ['PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP'];

export class PaymentStore {
  constructor(private readonly pool: Pool) {}

  inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /**
   * The order's live intent (PENDING or SUCCEEDED), opened now with `id` if it has none and the
   * order still awaits payment. The partial unique index decides between concurrent callers on
   * any replica: exactly one insert wins, the others read the winner's row.
   */
  async openIntent(p: { id: string; orderId: string; provider: string }): Promise<{ payment: PaymentRow; created: boolean } | undefined> {
    const inserted = await this.pool.query({
      name: 'open-intent',
      text: `INSERT INTO payments (id, order_id, provider, amount_fen, status)
       SELECT $1, o.id, $3, o.total_fen, 'PENDING' FROM orders o WHERE o.id = $2 AND o.status = 'PENDING_PAYMENT'
       ON CONFLICT (order_id) WHERE status IN ('PENDING', 'SUCCEEDED') DO NOTHING
       RETURNING ${PAYMENT_COLUMNS}`,
      values: [p.id, p.orderId, p.provider],
    });
    if (inserted.rows[0]) return { payment: toPayment(inserted.rows[0]), created: true };
    const live = await this.liveOf(p.orderId);
    return live ? { payment: live, created: false } : undefined;
  }

  async liveOf(orderId: string): Promise<PaymentRow | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM payments WHERE order_id = $1 AND status IN ('PENDING', 'SUCCEEDED')`, [orderId]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }

  /** A payment, with whether the provider callback `eventId` was recorded before (one round trip). */
  async forCallback(id: string, eventId: string): Promise<{ payment: PaymentRow; seen: boolean } | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.pool.query({
      name: 'payment-for-callback',
      text: `SELECT ${PAYMENT_COLUMNS}, EXISTS (SELECT 1 FROM payment_callbacks WHERE event_id = $2) AS seen FROM payments WHERE id = $1`,
      values: [id, eventId],
    });
    return rows[0] ? { payment: toPayment(rows[0]), seen: rows[0].seen === true } : undefined;
  }

  /** Records a provider callback once; false when it had been recorded before. */
  static async claimCallback(client: PoolClient, eventId: string, paymentId: string, status: string): Promise<boolean> {
    const r = await client.query('INSERT INTO payment_callbacks (event_id, payment_id, status) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [eventId, paymentId, status]);
    return r.rowCount === 1;
  }

  /** Moves a payment to `to` if it is in one of `from`; false when it was not. */
  static async setStatus(client: PoolClient, paymentId: string, to: PaymentStatus, from: PaymentStatus[]): Promise<boolean> {
    const r = await client.query('UPDATE payments SET status = $2, settled_at = now() WHERE id = $1 AND status = ANY($3::text[])', [paymentId, to, from]);
    return r.rowCount === 1;
  }

  /**
   * What an order leaving PENDING_PAYMENT unpaid also writes, in the same statement
   * (OrderStore.move): its pending intents close.
   */
  static closesIntents(orderId: string): MoveWith {
    return { also: (param) => [expirePendingCte(param(orderId), param(NO_PAYMENT))] };
  }

  /**
   * What a capture of `paymentId` writes with the order's move to PAID, in the same statement
   * (OrderStore.move): the callback is recorded once, the payment succeeds and the order's other
   * pending intents close (if they capture later, they are refunded). The move waits on the
   * payment's row lock, taken only while the payment can still pay and the callback is unseen, so
   * nothing can change the payment between the check and the writes; otherwise nothing is written.
   */
  static capturePays(orderId: string, paymentId: string, eventId: string): MoveWith {
    return {
      gate: (param) => `SELECT id FROM payments WHERE id = ${param(paymentId)} AND status = ANY(${param(['PENDING', 'FAILED', 'EXPIRED'])}::text[])
        AND NOT EXISTS (SELECT 1 FROM payment_callbacks WHERE event_id = ${param(eventId)}) FOR UPDATE`,
      also: (param) => {
        const [order, payment, event] = [param(orderId), param(paymentId), param(eventId)];
        return [
          `claimed AS (INSERT INTO payment_callbacks (event_id, payment_id, status) SELECT ${event}, ${payment}, 'SUCCEEDED' FROM moved ON CONFLICT DO NOTHING)`,
          expirePendingCte(order, payment),
          `settled AS (UPDATE payments SET status = 'SUCCEEDED', settled_at = now() WHERE id = ${payment} AND EXISTS (SELECT 1 FROM moved))`,
        ];
      },
    };
  }

  /** Locks the payment (serialising its refunds) and answers what its refunds not failed add up to. */
  static async lockRefundedFen(client: PoolClient, paymentId: string): Promise<number> {
    await client.query('SELECT 1 FROM payments WHERE id = $1 FOR UPDATE', [paymentId]);
    const { rows } = await client.query(`SELECT COALESCE(SUM(amount_fen), 0) AS fen FROM refunds WHERE payment_id = $1 AND status <> 'FAILED'`, [paymentId]);
    return Number(rows[0].fen);
  }

  /** What the order's paying payment took and what of it went (or is going) back. */
  async paidAndRefunded(orderId: string): Promise<{ paidFen: number; refundedFen: number }> {
    const { rows } = await this.pool.query(
      `SELECT p.amount_fen, (SELECT COALESCE(SUM(amount_fen), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status <> 'FAILED') AS refunded
       FROM payments p WHERE p.order_id = $1 AND p.status IN ('SUCCEEDED', 'REFUNDED') AND NOT EXISTS (
         SELECT 1 FROM refunds c WHERE c.payment_id = p.id AND (c.cause LIKE 'late-capture:%' OR c.cause LIKE 'duplicate-capture:%'))
       ORDER BY p.status = 'SUCCEEDED' DESC LIMIT 1`,
      [orderId],
    );
    return rows[0] ? { paidFen: Number(rows[0].amount_fen), refundedFen: Number(rows[0].refunded) } : { paidFen: 0, refundedFen: 0 };
  }

  /**
   * Records that `amountFen` of a payment must go back, once per cause: asking again for the same
   * cause returns the refund already recorded. Refuses (undefined) to refund more than was taken.
   */
  static async requestRefund(
    client: PoolClient,
    r: { id: string; paymentId: string; amountFen: number; reason: string; cause: string },
  ): Promise<RefundRow | undefined> {
    // The payment row lock serialises refunds of one payment, so their sum is checked safely.
    const { rows: paid } = await client.query('SELECT order_id, amount_fen FROM payments WHERE id = $1 FOR UPDATE', [r.paymentId]);
    if (!paid[0]) return undefined;
    const existing = await client.query('SELECT * FROM refunds WHERE cause = $1', [r.cause]);
    if (existing.rows[0]) return toRefund(existing.rows[0]);
    const { rows } = await client.query(
      `INSERT INTO refunds (id, payment_id, order_id, amount_fen, reason, cause)
       SELECT $1::uuid, $2::uuid, $3::uuid, $4::bigint, $5::text, $6::text
       WHERE (SELECT COALESCE(SUM(amount_fen), 0) FROM refunds WHERE payment_id = $2::uuid AND status <> 'FAILED') + $4::bigint <= $7::bigint
       RETURNING *`,
      [r.id, r.paymentId, paid[0].order_id, r.amountFen, r.reason, r.cause, paid[0].amount_fen],
    );
    return rows[0] ? toRefund(rows[0]) : undefined;
  }

  /**
   * Writes the provider's answer to a REQUESTED refund; once the payment's refunds add up to what
   * was taken, the payment is REFUNDED. Undefined if another pod settled it first.
   */
  async settleRefund(refundId: string, outcome: { status: 'SUCCEEDED' | 'FAILED'; providerRefundId: string; failure: string }): Promise<RefundRow | undefined> {
    return this.inTransaction(async (client) => {
      const { rows } = await client.query(
        `UPDATE refunds SET status = $2, provider_refund_id = $3, failure = $4, settled_at = now() WHERE id = $1 AND status = 'REQUESTED' RETURNING *`,
        [refundId, outcome.status, outcome.providerRefundId, outcome.failure],
      );
      if (!rows[0]) return undefined;
      const refund = toRefund(rows[0]);
      if (refund.status === 'SUCCEEDED') {
        await client.query(
          `UPDATE payments p SET status = 'REFUNDED', settled_at = now()
           WHERE p.id = $1 AND p.status IN ('SUCCEEDED', 'CAPTURED')
             AND p.amount_fen <= (SELECT COALESCE(SUM(amount_fen), 0) FROM refunds WHERE payment_id = p.id AND status = 'SUCCEEDED')`,
          [refund.paymentId],
        );
      }
      return refund;
    });
  }

  /**
   * REQUESTED refunds nobody has asked the provider about for `staleMs` (their pod died between
   * recording and asking): claimed for this pod by bumping the attempt time, so replicas share them.
   */
  async claimStaleRefunds(staleMs: number, limit = 50): Promise<RefundRow[]> {
    const { rows } = await this.pool.query(
      `UPDATE refunds SET attempted_at = now() WHERE id IN (
         SELECT id FROM refunds WHERE status = 'REQUESTED' AND attempted_at < now() - $1 * interval '1 millisecond'
         ORDER BY attempted_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [staleMs, limit],
    );
    return rows.map(toRefund);
  }

  /**
   * Payments whose provider state and order state disagree, and payments whose money went back in
   * full (settled). A PENDING payment or REQUESTED refund counts as a disagreement only once it
   * has waited longer than `stuckAfterMs`.
   */
  async reconciliation(stuckAfterMs: number, limit: number): Promise<{ disagreements: ReconciliationRow[]; settled: ReconciliationRow[] }> {
    const { rows } = await this.pool.query(
      `WITH refund_sums AS (
         SELECT payment_id,
                COALESCE(SUM(amount_fen) FILTER (WHERE status = 'SUCCEEDED'), 0) AS refunded_fen,
                COALESCE(SUM(amount_fen) FILTER (WHERE status = 'REQUESTED'), 0) AS open_fen,
                MIN(requested_at) FILTER (WHERE status = 'REQUESTED') AS oldest_open,
                COUNT(*) FILTER (WHERE status = 'FAILED') AS failed
         FROM refunds GROUP BY payment_id),
       judged AS (
         SELECT p.id::text AS payment_id, p.order_id::text AS order_id, p.status AS payment_status, o.status AS order_status,
                p.amount_fen, COALESCE(r.refunded_fen, 0) AS refunded_fen, COALESCE(r.open_fen, 0) AS open_fen,
                (extract(epoch from COALESCE(p.settled_at, p.created_at)) * 1000)::bigint AS since_ms,
                CASE
                  WHEN r.oldest_open < now() - $1 * interval '1 millisecond' THEN 'REFUND_NOT_SETTLED'
                  WHEN p.status = 'PENDING' AND p.created_at < now() - $1 * interval '1 millisecond' THEN 'PAYMENT_PENDING_TOO_LONG'
                  WHEN p.status = 'CAPTURED' AND COALESCE(r.open_fen, 0) = 0 THEN 'CAPTURED_NOT_REFUNDED'
                  WHEN p.status = 'SUCCEEDED' AND o.status IN ('PENDING_PAYMENT', 'CANCELLED') THEN 'SUCCEEDED_BUT_ORDER_NOT_PAID'
                  WHEN p.status = 'SUCCEEDED' AND o.status = 'REFUNDED' AND COALESCE(r.open_fen, 0) = 0 THEN 'ORDER_REFUNDED_BUT_PAYMENT_NOT'
                  WHEN p.status = 'REFUNDED' AND COALESCE(r.refunded_fen, 0) < p.amount_fen THEN 'REFUNDED_WITHOUT_REFUND'
                  WHEN p.status = 'REFUNDED' THEN 'SETTLED_REFUNDED'
                END AS kind
         FROM payments p JOIN orders o ON o.id = p.order_id LEFT JOIN refund_sums r ON r.payment_id = p.id
         WHERE p.status NOT IN ('FAILED', 'EXPIRED') OR r.payment_id IS NOT NULL
         UNION ALL
         SELECT '', o.id::text, '', o.status, o.total_fen, 0, 0, (extract(epoch from o.updated_at) * 1000)::bigint,
                CASE WHEN o.status = 'REFUNDED' THEN 'ORDER_REFUNDED_WITHOUT_REFUND' ELSE 'ORDER_PAID_WITHOUT_PAYMENT' END
         FROM orders o
         WHERE (o.status = ANY($2::text[]) AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status = 'SUCCEEDED'))
            OR (o.status = 'REFUNDED' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id AND p.status IN ('SUCCEEDED', 'REFUNDED'))))
       SELECT * FROM (
         SELECT *, row_number() OVER (PARTITION BY kind = 'SETTLED_REFUNDED' ORDER BY since_ms DESC) AS n FROM judged WHERE kind IS NOT NULL) x
       WHERE n <= $3 ORDER BY since_ms DESC`,
      [stuckAfterMs, PAID_ORDER_STATUSES, limit],
    );
    const all = rows.map(
      (r): ReconciliationRow => ({
        paymentId: r.payment_id,
        orderId: r.order_id,
        kind: r.kind,
        paymentStatus: r.payment_status,
        orderStatus: r.order_status,
        amountFen: Number(r.amount_fen),
        refundedFen: Number(r.refunded_fen),
        openRefundFen: Number(r.open_fen),
        sinceMs: Number(r.since_ms),
      }),
    );
    return {
      disagreements: all.filter((r) => r.kind !== 'SETTLED_REFUNDED'),
      settled: all.filter((r) => r.kind === 'SETTLED_REFUNDED'),
    };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toPayment(r: any): PaymentRow {
  return { id: r.id, orderId: r.order_id, provider: r.provider, amountFen: Number(r.amount_fen), status: r.status };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toRefund(r: any): RefundRow {
  return {
    id: r.id,
    paymentId: r.payment_id,
    orderId: r.order_id,
    amountFen: Number(r.amount_fen),
    reason: r.reason,
    cause: r.cause,
    status: r.status,
  };
}
