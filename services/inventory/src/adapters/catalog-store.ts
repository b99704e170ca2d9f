// Postgres access for the catalog: products, SKUs, stock and flash-sale pools.
import { randomUUID } from 'node:crypto';
import { DomainError, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { FlashSaleTerms } from '../domain/flash-sale.js';

export interface SkuRow {
  id: string;
  productId: string;
  name: string;
  listPriceFen: number;
  perBuyerLimit: number;
  /** Free units over all warehouses: what can still be ordered at list price. */
  available: number;
  /** Units the asking buyer holds or bought at list price (when a buyer asked). */
  boughtByBuyer?: number;
}

const SKU_SELECT = `SELECT s.*, COALESCE((SELECT SUM(on_hand - allocated) FROM stock WHERE sku_id = s.id), 0)::int AS available FROM skus s`;

export interface NewSkuRow {
  name: string;
  listPriceFen: number;
  perBuyerLimit: number;
  initialStock: number;
}

export interface ProductRow {
  id: string;
  name: string;
  description: string;
  imageUrls: string[];
  createdBy: string;
  ownerLeaderId: string;
  category: string;
  skus: SkuRow[];
}

export interface FlashSaleRow extends FlashSaleTerms {
  id: string;
}

/** One SKU's stock in one warehouse; onHand = inPools + heldAtListPrice + free. */
export interface StockLevelRow {
  skuId: string;
  skuName: string;
  productId: string;
  productName: string;
  warehouseId: string;
  onHand: number;
  inPools: number;
  heldAtListPrice: number;
  free: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);

export class CatalogStore {
  constructor(private readonly pool: Pool) {}

  async createProduct(input: {
    name: string;
    description: string;
    imageUrls: string[];
    createdBy: string;
    ownerLeaderId: string;
    category: string;
    warehouseId: string;
    skus: NewSkuRow[];
  }, inside?: PoolClient): Promise<ProductRow> {
    const productId = randomUUID();
    const write = async (client: PoolClient) => {
      await client.query('INSERT INTO products (id, name, description, image_urls, created_by, owner_leader_id, category) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        productId,
        input.name,
        input.description,
        JSON.stringify(input.imageUrls),
        input.createdBy,
        input.ownerLeaderId,
        input.category,
      ]);
      const skus: SkuRow[] = [];
      for (const sku of input.skus) {
        const id = randomUUID();
        await client.query('INSERT INTO skus (id, product_id, name, list_price_fen, per_buyer_limit) VALUES ($1, $2, $3, $4, $5)', [
          id,
          productId,
          sku.name,
          sku.listPriceFen,
          sku.perBuyerLimit,
        ]);
        if (input.warehouseId && sku.initialStock > 0) {
          // The ledger's trigger creates the stock row (on_hand is derived from movements).
          await client.query(`INSERT INTO stock_movements (sku_id, warehouse_id, kind, qty, actor_id, note) VALUES ($1, $2, 'INITIAL', $3, $4, 'stock given with the new product')`, [
            id,
            input.warehouseId,
            sku.initialStock,
            input.createdBy,
          ]);
        }
        skus.push({ id, productId, name: sku.name, listPriceFen: sku.listPriceFen, perBuyerLimit: sku.perBuyerLimit, available: input.warehouseId ? sku.initialStock : 0 });
      }
      return { id: productId, name: input.name, description: input.description, imageUrls: input.imageUrls, createdBy: input.createdBy, ownerLeaderId: input.ownerLeaderId, category: input.category, skus };
    };
    return inside ? write(inside) : inTransaction(this.pool, write);
  }

  /** Products with their SKUs; naming a buyer counts what they hold or bought of each SKU. */
  async products(ids?: string[], limit = 100, buyerId = ''): Promise<ProductRow[]> {
    const { rows } = await this.pool.query<{ id: string; name: string; description: string; image_urls: string[]; created_by: string; owner_leader_id: string; category: string }>(
      ids
        ? 'SELECT * FROM products WHERE id = ANY($1::uuid[])'
        : 'SELECT * FROM products ORDER BY created_at DESC LIMIT $1',
      [ids ?? limit],
    );
    if (!rows.length) return [];
    // The same count the per-buyer limit is checked against when a list-price hold is taken.
    const skus = await this.pool.query(
      `SELECT b.*, CASE WHEN $2::text = '' THEN NULL ELSE COALESCE((SELECT SUM(qty) FROM reservations r
         WHERE r.sku_id = b.id AND r.buyer_id = $2 AND r.status <> 'RELEASED'), 0)::int END AS bought
       FROM (${SKU_SELECT} WHERE s.product_id = ANY($1::uuid[])) b ORDER BY b.name`,
      [rows.map((r) => r.id), buyerId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      imageUrls: r.image_urls,
      createdBy: r.created_by,
      ownerLeaderId: r.owner_leader_id,
      category: r.category,
      skus: skus.rows.filter((s) => s.product_id === r.id).map(toSku),
    }));
  }

  /** The leader who owns the SKU's product; undefined for an unknown SKU. */
  async ownerOfSku(skuId: string): Promise<string | undefined> {
    if (!isUuid(skuId)) return undefined;
    const { rows } = await this.pool.query<{ owner_leader_id: string }>('SELECT p.owner_leader_id FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = $1', [skuId]);
    return rows[0]?.owner_leader_id;
  }

  async sku(id: string): Promise<SkuRow | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query(`${SKU_SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toSku(rows[0]) : undefined;
  }

  /**
   * Creates a pool of an existing SKU (the caller has looked it up, to check the pool's limit
   * against it), allocating its units from the warehouse's free stock.
   */
  async createFlashSale(terms: FlashSaleTerms): Promise<FlashSaleRow> {
    const id = randomUUID();
    return inTransaction(this.pool, async (client) => {
      const allocated = await client.query(
        'UPDATE stock SET allocated = allocated + $3 WHERE sku_id = $1 AND warehouse_id = $2 AND on_hand - allocated >= $3',
        [terms.skuId, terms.warehouseId, terms.quantity],
      );
      if (allocated.rowCount !== 1) {
        const { rows } = await client.query<{ free: number }>('SELECT on_hand - allocated AS free FROM stock WHERE sku_id = $1 AND warehouse_id = $2', [
          terms.skuId,
          terms.warehouseId,
        ]);
        throw new DomainError('CONFLICT', `quantity: warehouse ${terms.warehouseId} has ${rows[0]?.free ?? 0} free units of this SKU`);
      }
      await client.query(
        `INSERT INTO flash_sales (id, sku_id, warehouse_id, leader_id, live_session_id, sale_price_fen, quantity, per_buyer_limit, starts_at, ends_at, hold_seconds)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0), to_timestamp($10 / 1000.0), $11)`,
        [id, terms.skuId, terms.warehouseId, terms.leaderId, terms.liveSessionId, terms.salePriceFen, terms.quantity, terms.perBuyerLimit, terms.startsAtMs, terms.endsAtMs, terms.holdSeconds],
      );
      return { id, ...terms };
    });
  }

  /** A warehouse's stock per SKU: what is set aside for pools, held at list price, and free. */
  /** Each known SKU's product category. */
  async skuCategories(skuIds: string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; category: string }>(
      'SELECT s.id, p.category FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = ANY($1::uuid[])',
      [skuIds.filter(isUuid)],
    );
    return new Map(rows.map((r) => [r.id, r.category]));
  }

  async stockLevels(warehouseId: string, ownerLeaderId = ''): Promise<StockLevelRow[]> {
    const { rows } = await this.pool.query(
      `SELECT s.sku_id, k.name AS sku_name, p.id AS product_id, p.name AS product_name, s.warehouse_id, s.on_hand, s.allocated,
              COALESCE((SELECT SUM(r.qty) FROM reservations r
                        WHERE r.sku_id = s.sku_id AND r.warehouse_id = s.warehouse_id AND r.status = 'HELD'), 0)::int AS held
       FROM stock s JOIN skus k ON k.id = s.sku_id JOIN products p ON p.id = k.product_id
       WHERE s.warehouse_id = $1 AND ($2::text = '' OR p.owner_leader_id = $2) ORDER BY p.created_at DESC, k.name`,
      [warehouseId, ownerLeaderId],
    );
    return rows.map((r) => ({
      skuId: r.sku_id,
      skuName: r.sku_name,
      productId: r.product_id,
      productName: r.product_name,
      warehouseId: r.warehouse_id,
      onHand: r.on_hand,
      inPools: r.allocated - r.held,
      heldAtListPrice: r.held,
      free: r.on_hand - r.allocated,
    }));
  }

  async flashSale(id: string): Promise<FlashSaleRow | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.pool.query(`${FLASH_SALE_SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toFlashSale(rows[0]) : undefined;
  }

  /** Moves the end of a running sale to now; undefined when it had already ended. */
  async endFlashSale(id: string, nowMs: number): Promise<FlashSaleRow | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE flash_sales SET ends_at = GREATEST(starts_at + interval '1 millisecond', to_timestamp($2 / 1000.0))
       WHERE id = $1 AND ends_at > to_timestamp($2 / 1000.0) RETURNING id`,
      [id, nowMs],
    );
    return rows[0] ? this.flashSale(id) : undefined;
  }

  async flashSalesOfSession(liveSessionId: string): Promise<FlashSaleRow[]> {
    const { rows } = await this.pool.query(`${FLASH_SALE_SELECT} WHERE live_session_id = $1 ORDER BY starts_at`, [liveSessionId]);
    return rows.map(toFlashSale);
  }
}

const FLASH_SALE_SELECT = `SELECT id, sku_id, warehouse_id, leader_id, live_session_id, sale_price_fen, quantity, per_buyer_limit,
  (extract(epoch from starts_at) * 1000)::bigint AS starts_ms, (extract(epoch from ends_at) * 1000)::bigint AS ends_ms, hold_seconds
  FROM flash_sales`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toFlashSale(r: any): FlashSaleRow {
  return {
    id: r.id,
    skuId: r.sku_id,
    warehouseId: r.warehouse_id,
    leaderId: r.leader_id,
    liveSessionId: r.live_session_id,
    salePriceFen: Number(r.sale_price_fen),
    quantity: r.quantity,
    perBuyerLimit: r.per_buyer_limit,
    startsAtMs: Number(r.starts_ms),
    endsAtMs: Number(r.ends_ms),
    holdSeconds: r.hold_seconds,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toSku(r: any): SkuRow {
  return {
    id: r.id,
    productId: r.product_id,
    name: r.name,
    listPriceFen: Number(r.list_price_fen),
    perBuyerLimit: r.per_buyer_limit,
    available: r.available,
    ...(r.bought != null ? { boughtByBuyer: r.bought } : {}),
  };
}
