// Postgres access for the stock ledger: movements (append-only; their trigger keeps stock.on_hand
// equal to their sum), each SKU's low-stock level, and the warehouse's board.
import { DomainError, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import { adjustmentDelta, adjustmentRefusal, isLow, type AdjustReason } from '../domain/stock-ledger.js';
import { isUuid } from './catalog-store.js';

export type MovementKind = 'OPENING' | 'INITIAL' | 'RECEIPT' | 'DAMAGE' | 'COUNT' | 'SALE';

export interface MovementRow {
  id: number;
  skuId: string;
  skuName: string;
  productName: string;
  warehouseId: string;
  kind: MovementKind;
  qty: number;
  onHandAfter: number;
  batch: string;
  expiresOn: string;
  /** COUNT: the figure counted; -1 otherwise. */
  counted: number;
  note: string;
  actorId: string;
  createdAtMs: number;
}

export interface BoardLevelRow {
  skuId: string;
  skuName: string;
  productName: string;
  warehouseId: string;
  onHand: number;
  allocated: number;
  free: number;
  alertLevel: number;
  alertLevelIsDefault: boolean;
  low: boolean;
}

/** What staff ask for; the service has validated it. */
export type MovementRequest = { skuId: string; warehouseId: string; note: string; actorId: string; clientKey: string } & (
  | { kind: 'RECEIPT'; qty: number; batch: string; expiresOn: string }
  | { kind: AdjustReason; qty: number; counted: number }
);

// The running sum is the ledger itself read back: on_hand after each movement.
const MOVEMENT_SELECT = `SELECT x.*, to_char(x.expires_on, 'YYYY-MM-DD') AS expires_text, k.name AS sku_name, p.name AS product_name FROM (
    SELECT m.*, SUM(m.qty) OVER (PARTITION BY m.sku_id ORDER BY m.id)::int AS on_hand_after
    FROM stock_movements m WHERE m.warehouse_id = $1 AND ($2::text = '' OR m.sku_id = NULLIF($2, '')::uuid)) x
  JOIN skus k ON k.id = x.sku_id JOIN products p ON p.id = k.product_id`;

const BOARD_SELECT = `SELECT s.sku_id, k.name AS sku_name, p.name AS product_name, s.warehouse_id, s.on_hand, s.allocated,
    a.level AS own_level
  FROM stock s JOIN skus k ON k.id = s.sku_id JOIN products p ON p.id = k.product_id
  LEFT JOIN stock_alert_levels a ON a.sku_id = s.sku_id AND a.warehouse_id = s.warehouse_id`;

export class StockLedgerStore {
  constructor(
    private readonly pool: Pool,
    readonly defaultLevel: number,
  ) {}

  async skuExists(skuId: string): Promise<boolean> {
    if (!isUuid(skuId)) return false;
    return (await this.pool.query('SELECT 1 FROM skus WHERE id = $1', [skuId])).rows.length > 0;
  }

  /**
   * Records a receipt or an adjustment, once per client key. The SKU's stock row is locked first,
   * so a count reads the figure it replaces and concurrent movements queue; the key is checked
   * under that lock, so a retried request finds its first movement.
   */
  async record(req: MovementRequest): Promise<{ movement: MovementRow; level: BoardLevelRow; replayed: boolean }> {
    const { id, replayed } = await inTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO stock (sku_id, warehouse_id, on_hand) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [req.skuId, req.warehouseId]);
      const { rows: [level] } = await client.query<{ on_hand: number; allocated: number }>(
        'SELECT on_hand, allocated FROM stock WHERE sku_id = $1 AND warehouse_id = $2 FOR UPDATE',
        [req.skuId, req.warehouseId],
      );
      const first = await this.byKey(client, req.warehouseId, req.clientKey);
      if (first) return { id: first, replayed: true };
      const delta = req.kind === 'RECEIPT' ? req.qty : adjustmentDelta({ reason: req.kind, qty: req.qty, counted: req.counted }, level!.on_hand);
      if (req.kind !== 'RECEIPT') {
        const refusal = adjustmentRefusal({ onHand: level!.on_hand, allocated: level!.allocated }, delta);
        if (refusal) throw new DomainError('CONFLICT', refusal);
      }
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO stock_movements (sku_id, warehouse_id, kind, qty, batch, expires_on, counted, note, actor_id, client_key)
         VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::date, $7, $8, $9, $10)
         ON CONFLICT (warehouse_id, client_key) WHERE client_key IS NOT NULL DO NOTHING RETURNING id`,
        [
          req.skuId,
          req.warehouseId,
          req.kind,
          delta,
          req.kind === 'RECEIPT' ? req.batch : '',
          req.kind === 'RECEIPT' ? req.expiresOn : '',
          req.kind === 'COUNT' ? req.counted : null,
          req.note,
          req.actorId,
          req.clientKey,
        ],
      );
      // The same key raced in for another SKU and won.
      if (!rows[0]) return { id: (await this.byKey(client, req.warehouseId, req.clientKey))!, replayed: true };
      return { id: rows[0].id, replayed: false };
    });
    const movement = (await this.movementById(req.warehouseId, id))!;
    if (replayed && !sameRequest(movement, req)) throw new DomainError('CONFLICT', 'clientKey: already used for a different stock movement');
    return { movement, level: (await this.levelOf(req.warehouseId, movement.skuId))!, replayed };
  }

  private async byKey(client: PoolClient, warehouseId: string, clientKey: string): Promise<string | undefined> {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM stock_movements WHERE warehouse_id = $1 AND client_key = $2', [warehouseId, clientKey]);
    return rows[0]?.id;
  }

  private async movementById(warehouseId: string, id: string): Promise<MovementRow | undefined> {
    const { rows: [sku] } = await this.pool.query<{ sku_id: string }>('SELECT sku_id FROM stock_movements WHERE id = $1', [id]);
    if (!sku) return undefined;
    const { rows } = await this.pool.query(`${MOVEMENT_SELECT} WHERE x.id = $3`, [warehouseId, sku.sku_id, id]);
    return rows[0] ? toMovement(rows[0]) : undefined;
  }

  /** Newest first, `limit` at a time, before the movement `beforeId` (0: from the newest). */
  async movements(warehouseId: string, skuId: string, limit: number, beforeId: number): Promise<MovementRow[]> {
    const { rows } = await this.pool.query(`${MOVEMENT_SELECT} WHERE ($3::bigint = 0 OR x.id < $3) ORDER BY x.id DESC LIMIT $4`, [warehouseId, skuId, beforeId, limit]);
    return rows.map(toMovement);
  }

  async board(warehouseId: string, lowOnly: boolean): Promise<BoardLevelRow[]> {
    const { rows } = await this.pool.query(`${BOARD_SELECT} WHERE s.warehouse_id = $1 ORDER BY p.created_at DESC, k.name`, [warehouseId]);
    const levels = rows.map((r) => this.toLevel(r));
    return lowOnly ? levels.filter((l) => l.low) : levels;
  }

  async levelOf(warehouseId: string, skuId: string): Promise<BoardLevelRow | undefined> {
    const { rows } = await this.pool.query(`${BOARD_SELECT} WHERE s.warehouse_id = $1 AND s.sku_id = $2`, [warehouseId, skuId]);
    return rows[0] ? this.toLevel(rows[0]) : undefined;
  }

  /** Sets (or, with null, forgets) the SKU's own level at the warehouse. */
  async setAlertLevel(warehouseId: string, skuId: string, level: number | null, actorId: string): Promise<BoardLevelRow> {
    await inTransaction(this.pool, async (client) => {
      // A level may be set before the first receipt: the SKU then shows on the board at 0.
      await client.query('INSERT INTO stock (sku_id, warehouse_id, on_hand) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [skuId, warehouseId]);
      if (level === null) await client.query('DELETE FROM stock_alert_levels WHERE sku_id = $1 AND warehouse_id = $2', [skuId, warehouseId]);
      else
        await client.query(
          `INSERT INTO stock_alert_levels (sku_id, warehouse_id, level, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (sku_id, warehouse_id) DO UPDATE SET level = EXCLUDED.level, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [skuId, warehouseId, level, actorId],
        );
    });
    return (await this.levelOf(warehouseId, skuId))!;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private toLevel(r: any): BoardLevelRow {
    const alertLevel = r.own_level ?? this.defaultLevel;
    return {
      skuId: r.sku_id,
      skuName: r.sku_name,
      productName: r.product_name,
      warehouseId: r.warehouse_id,
      onHand: r.on_hand,
      allocated: r.allocated,
      free: r.on_hand - r.allocated,
      alertLevel,
      alertLevelIsDefault: r.own_level === null,
      low: isLow(r.on_hand, alertLevel),
    };
  }
}

function sameRequest(m: MovementRow, req: MovementRequest): boolean {
  if (m.skuId !== req.skuId || m.kind !== req.kind) return false;
  if (req.kind === 'RECEIPT') return m.qty === req.qty && m.batch === req.batch && m.expiresOn === req.expiresOn;
  return req.kind === 'COUNT' ? m.counted === req.counted : m.qty === -req.qty;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toMovement(r: any): MovementRow {
  return {
    id: Number(r.id),
    skuId: r.sku_id,
    skuName: r.sku_name,
    productName: r.product_name,
    warehouseId: r.warehouse_id,
    kind: r.kind,
    qty: r.qty,
    onHandAfter: r.on_hand_after,
    batch: r.batch,
    expiresOn: r.expires_text ?? '',
    counted: r.counted ?? -1,
    note: r.note,
    actorId: r.actor_id,
    createdAtMs: new Date(r.created_at).getTime(),
  };
}
