// Postgres access for group buys: their terms, their progress (summed from their orders), the
// cut-off's one decision, and the once-per-order release to fulfillment. Each decision, reminder
// and release commits with its event (outbox), so a replica dying between the two leaves neither.
import { enqueueEvent, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { GroupBuyDecidedEvent, GroupBuyFailedEvent, GroupBuyReminderEvent, GroupBuyStatus } from '@lc/contracts';
import { verdictAtCutoff, type GroupBuyTerms, type GroupBuyVerdict } from '../domain/group-buy.js';
import { toEvent, type OrderRow } from './order-store.js';

export interface GroupBuyRow extends Omit<GroupBuyTerms, 'holdSeconds'> {
  id: string;
  flashSaleId: string;
  status: GroupBuyStatus;
  decidedAtMs: number;
  joinedQty: number;
  pendingQty: number;
  buyers: number;
  createdAtMs: number;
}

/** The group-level events (stream ORDER); `order.released` is per order. */
export const GROUP_BUY_EVENTS = {
  succeeded: 'order.group_buy.succeeded',
  failed: 'order.group_buy.failed',
  reminder: 'order.group_buy.reminder',
  released: 'order.released',
} as const;

/** Order statuses that count as joined: paid, whatever happened to the parcel since. */
const PAID = `('PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP')`;
const PAID_OR_UNPAID = `('PENDING_PAYMENT', 'PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP')`;

// Once decided, the units that decided it stand (refunds of a failed one would read as 0).
const SELECT = `SELECT g.*, (extract(epoch from g.starts_at) * 1000)::bigint AS starts_ms, (extract(epoch from g.cutoff_at) * 1000)::bigint AS cutoff_ms,
    COALESCE((extract(epoch from g.decided_at) * 1000)::bigint, 0) AS decided_ms, (extract(epoch from g.created_at) * 1000)::bigint AS created_ms,
    COALESCE(g.decided_qty, p.joined) AS joined, p.pending, p.buyers
  FROM group_buys g
  CROSS JOIN LATERAL (
    SELECT COALESCE(sum(o.qty) FILTER (WHERE o.status IN ${PAID}), 0)::int AS joined,
           COALESCE(sum(o.qty) FILTER (WHERE o.status = 'PENDING_PAYMENT'), 0)::int AS pending,
           count(DISTINCT o.buyer_id) FILTER (WHERE o.status IN ${PAID} OR (g.status = 'FAILED' AND o.status = 'REFUNDED'))::int AS buyers
    FROM orders o WHERE o.group_buy_id = g.id) p`;

export class GroupBuyStore {
  constructor(private readonly pool: Pool) {}

  async insert(g: { id: string; flashSaleId: string } & Omit<GroupBuyTerms, 'holdSeconds'>): Promise<void> {
    await this.pool.query(
      `INSERT INTO group_buys (id, leader_id, title, sku_id, warehouse_id, flash_sale_id, price_fen, stock_cap, min_qty, per_buyer_limit, starts_at, cutoff_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0), to_timestamp($12 / 1000.0))`,
      [g.id, g.leaderId, g.title, g.skuId, g.warehouseId, g.flashSaleId, g.priceFen, g.stockCap, g.minQty, g.perBuyerLimit, g.startsAtMs, g.cutoffAtMs],
    );
  }

  async byId(id: string): Promise<GroupBuyRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.pool.query(`${SELECT} WHERE g.id = $1`, [id]);
    return rows[0] ? toGroupBuy(rows[0]) : undefined;
  }

  async ofLeader(leaderId: string, limit: number): Promise<GroupBuyRow[]> {
    const { rows } = await this.pool.query(`${SELECT} WHERE g.leader_id = $1 ORDER BY g.created_at DESC LIMIT $2`, [leaderId, limit]);
    return rows.map(toGroupBuy);
  }

  /** Open group buys whose cut-off has passed at `nowMs`. */
  async dueForDecision(nowMs: number, limit = 50): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT id FROM group_buys WHERE status = 'OPEN' AND cutoff_at <= to_timestamp($1 / 1000.0) ORDER BY cutoff_at LIMIT $2`, [nowMs, limit]);
    return rows.map((r) => r.id);
  }

  /**
   * The cut-off's decision, made once whichever replica gets here first: the row lock orders
   * them, and the later ones find it decided. Undefined when it was already decided.
   */
  async decide(id: string, nowMs: number): Promise<{ verdict: GroupBuyVerdict; group: GroupBuyRow } | undefined> {
    return inTransaction(this.pool, async (client) => {
      const locked = await client.query(`SELECT 1 FROM group_buys WHERE id = $1 AND status = 'OPEN' AND cutoff_at <= to_timestamp($2 / 1000.0) FOR UPDATE`, [id, nowMs]);
      if (!locked.rowCount) return undefined;
      const group = toGroupBuy((await client.query(`${SELECT} WHERE g.id = $1`, [id])).rows[0]);
      const verdict = verdictAtCutoff(group.joinedQty, group.minQty);
      await client.query(`UPDATE group_buys SET status = $2, decided_qty = $3, decided_at = to_timestamp($4 / 1000.0) WHERE id = $1`, [id, verdict, group.joinedQty, nowMs]);
      const summary: GroupBuyDecidedEvent = { groupBuyId: id, leaderId: group.leaderId, skuId: group.skuId, title: group.title, joinedQty: group.joinedQty, minQty: group.minQty, atMs: nowMs };
      if (verdict === 'SUCCEEDED') {
        await enqueueEvent(client, GROUP_BUY_EVENTS.succeeded, summary, `group_buy:${id}:SUCCEEDED`);
      } else {
        // Everyone with an order in it hears, paid (refunded next) or still holding units (released).
        const { rows } = await client.query<{ id: string; buyer_id: string }>(
          `SELECT id, buyer_id FROM orders WHERE group_buy_id = $1 AND status IN ${PAID_OR_UNPAID} ORDER BY created_at`,
          [id],
        );
        await enqueueEvent(client, GROUP_BUY_EVENTS.failed, { ...summary, orderIds: rows.map((r) => r.id), buyerIds: rows.map((r) => r.buyer_id) } satisfies GroupBuyFailedEvent, `group_buy:${id}:FAILED`);
      }
      return { verdict, group: { ...group, status: verdict, decidedAtMs: nowMs } };
    });
  }

  /** Decided group buys with orders still to deal with. */
  async unfinished(limit = 50): Promise<GroupBuyRow[]> {
    const { rows } = await this.pool.query(`${SELECT} WHERE g.status <> 'OPEN' AND g.finished_at IS NULL ORDER BY g.decided_at LIMIT $1`, [limit]);
    return rows.map(toGroupBuy);
  }

  /**
   * The group buy's orders the decision has not dealt with yet: unpaid ones (their holds go
   * back), and paid ones not yet released (succeeded) or refunded (failed).
   */
  async outstandingOrders(g: Pick<GroupBuyRow, 'id' | 'status'>): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT o.id FROM orders o WHERE o.group_buy_id = $1
         AND (o.status = 'PENDING_PAYMENT'
              OR (o.status = 'PAID' AND ($2 = 'FAILED' OR NOT EXISTS (SELECT 1 FROM group_buy_releases r WHERE r.order_id = o.id))))
       ORDER BY o.created_at`,
      [g.id, g.status],
    );
    return rows.map((r) => r.id);
  }

  /** Marks the group buy finished if nothing is outstanding; false otherwise. */
  async finishIfDone(g: Pick<GroupBuyRow, 'id' | 'status'>): Promise<boolean> {
    if ((await this.outstandingOrders(g)).length) return false;
    await this.pool.query('UPDATE group_buys SET finished_at = now() WHERE id = $1 AND finished_at IS NULL', [g.id]);
    return true;
  }

  /**
   * Hands a paid order of a succeeded group buy to fulfillment: `order.released`, carrying the
   * order as `order.paid` did and the time of release (its delivery day follows the release).
   * Once per order, whoever calls. True when this call released it.
   */
  async release(order: OrderRow, nowMs: number): Promise<boolean> {
    return inTransaction(this.pool, async (client: PoolClient) => {
      const { rowCount } = await client.query(
        `INSERT INTO group_buy_releases (order_id, group_buy_id, released_at)
         SELECT id, group_buy_id, to_timestamp($2 / 1000.0) FROM orders WHERE id = $1 AND status = 'PAID' AND group_buy_id IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [order.id, nowMs],
      );
      if (!rowCount) return false;
      await enqueueEvent(client, GROUP_BUY_EVENTS.released, toEvent(order, nowMs), `order:${order.id}:RELEASED`);
      return true;
    });
  }

  /**
   * Claims the reminders due at `nowMs` (open group buys whose cut-off is within `beforeMs`) and
   * writes each one's event; a group buy is reminded once, by whichever replica claims it.
   */
  async remind(nowMs: number, beforeMs: number, limit = 50): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `UPDATE group_buys SET reminded_at = to_timestamp($1 / 1000.0)
          WHERE id IN (SELECT id FROM group_buys WHERE status = 'OPEN' AND reminded_at IS NULL
                         AND cutoff_at > to_timestamp($1 / 1000.0) AND cutoff_at <= to_timestamp(($1 + $2) / 1000.0)
                       ORDER BY cutoff_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [nowMs, beforeMs, limit],
      );
      for (const { id } of rows) {
        const g = toGroupBuy((await client.query(`${SELECT} WHERE g.id = $1`, [id])).rows[0]);
        await enqueueEvent(
          client,
          GROUP_BUY_EVENTS.reminder,
          { groupBuyId: g.id, leaderId: g.leaderId, title: g.title, cutoffAtMs: g.cutoffAtMs, joinedQty: g.joinedQty, minQty: g.minQty, atMs: nowMs } satisfies GroupBuyReminderEvent,
          `group_buy:${g.id}:REMINDER`,
        );
      }
      return rows.length;
    });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toGroupBuy(r: any): GroupBuyRow {
  return {
    id: r.id,
    leaderId: r.leader_id,
    title: r.title,
    skuId: r.sku_id,
    warehouseId: r.warehouse_id,
    flashSaleId: r.flash_sale_id,
    priceFen: Number(r.price_fen),
    stockCap: r.stock_cap,
    minQty: r.min_qty,
    perBuyerLimit: r.per_buyer_limit,
    startsAtMs: Number(r.starts_ms),
    cutoffAtMs: Number(r.cutoff_ms),
    status: r.status,
    decidedAtMs: Number(r.decided_ms),
    joinedQty: Number(r.joined),
    pendingQty: Number(r.pending),
    buyers: Number(r.buyers),
    createdAtMs: Number(r.created_ms),
  };
}
