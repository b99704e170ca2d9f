// For tests about stock: a SKU's warehouse stock read from inventory's schema, what the catalog
// shows buyers, and the core services set up around them.
import { after, before } from 'node:test';
import pg from 'pg';
import { DATABASE_URL, isolate, type Isolation } from './isolation.js';
import { Api } from './api.js';
import { startCore } from './platform.js';

export class StockReader {
  private readonly db = new pg.Client({ connectionString: DATABASE_URL });

  private constructor(private readonly schema: string) {}

  static async open(iso: Isolation): Promise<StockReader> {
    const reader = new StockReader(iso.env('inventory').DB_SCHEMA!);
    await reader.db.connect();
    return reader;
  }

  /** [on hand, allocated] of the SKU's one stock row. */
  async of(skuId: string): Promise<[number, number]> {
    const { rows } = await this.db.query<{ on_hand: number; allocated: number }>(`SELECT on_hand, allocated FROM ${this.schema}.stock WHERE sku_id = $1`, [skuId]);
    return [rows[0]!.on_hand, rows[0]!.allocated];
  }

  async query<R extends pg.QueryResultRow>(sql: (schema: string) => string, values: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql(this.schema), values)).rows;
  }

  close(): Promise<void> {
    return this.db.end();
  }
}

/** A SKU as `who` sees it in the catalog (a buyer also sees how much of its limit they used). */
export async function shownSku(who: Api, skuId: string): Promise<{ id: string; productId: string; available: number; boughtByYou?: number } | undefined> {
  const { body } = await who.get('/api/v1/products');
  return (body.products as { skus: { id: string; productId: string; available: number; boughtByYou?: number }[] }[]).flatMap((p) => p.skus).find((s) => s.id === skuId);
}

/** What a buyer sees as orderable at list price. */
export async function shownAvailable(buyer: Api, skuId: string): Promise<number | undefined> {
  return (await shownSku(buyer, skuId))?.available;
}

/**
 * The core services with a leader signed in and a stock reader, started before the suite's tests
 * and stopped after them; the fields are set once `before` has run.
 */
export function coreWithStock(overrides: Parameters<typeof startCore>[1]) {
  const iso = isolate();
  const ctx = { iso } as { iso: Isolation; core: Awaited<ReturnType<typeof startCore>>; leader: Api; stocks: StockReader };
  before(async () => {
    ctx.core = await startCore(iso, overrides);
    ctx.leader = await Api.login(ctx.core.url, 'leader-1');
    ctx.stocks = await StockReader.open(iso);
  });
  after(async () => {
    await ctx.stocks?.close();
    await ctx.core?.stop();
    await iso.cleanup();
  });
  return ctx;
}
