// The pickup point each buyer chose. Placements read it through a short-lived cache filled in
// batches (orders arriving together cost one query); a choice made on another replica reaches
// this one within `cacheMs`, and a refusal always looks again uncached first.
import { Batcher, BoundedMap, type Pool } from '@lc/kit';

export class PickupChoiceStore {
  private readonly cache = new BoundedMap<string, { pointId: string; atMs: number }>(100_000);

  constructor(
    private readonly pool: Pool,
    private readonly cacheMs: number,
  ) {}

  /** The buyer's chosen point id, '' for none. */
  async of(buyerId: string): Promise<string> {
    const cached = this.cache.get(buyerId);
    if (cached && Date.now() - cached.atMs < this.cacheMs) return cached.pointId;
    return this.remember(buyerId, await this.reads.add(buyerId));
  }

  /** The same, read from Postgres now. */
  async fresh(buyerId: string): Promise<string> {
    return this.remember(buyerId, (await this.readMany([buyerId]))[0]!);
  }

  async choose(buyerId: string, pointId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO buyer_pickup_points (buyer_id, pickup_point_id) VALUES ($1, $2)
       ON CONFLICT (buyer_id) DO UPDATE SET pickup_point_id = $2, chosen_at = now()`,
      [buyerId, pointId],
    );
    this.remember(buyerId, pointId);
  }

  private remember(buyerId: string, pointId: string): string {
    this.cache.set(buyerId, { pointId, atMs: Date.now() });
    return pointId;
  }

  private readonly reads = new Batcher<string, string>((buyerIds) => this.readMany(buyerIds), { name: 'read pickup choices' });

  private async readMany(buyerIds: string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ buyer_id: string; pickup_point_id: string }>(
      'SELECT buyer_id, pickup_point_id FROM buyer_pickup_points WHERE buyer_id = ANY($1::text[])',
      [buyerIds],
    );
    const chosen = new Map(rows.map((r) => [r.buyer_id, r.pickup_point_id]));
    return buyerIds.map((id) => chosen.get(id) ?? '');
  }
}
