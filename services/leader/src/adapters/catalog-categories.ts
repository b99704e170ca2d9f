// SKU categories from the catalog (inventory), asked in batches and remembered: a SKU's category
// is read once per process, not once per order.
import { Batcher, BoundedMap, type RpcClient } from '@lc/kit';
import type { InventoryServiceClient } from '@lc/contracts';

export interface CategoryLookup {
  of(skuId: string): Promise<string>;
}

/** Category of SKUs the catalog does not know (deleted, or from before categories). */
export const UNKNOWN_CATEGORY = 'general';

export class CatalogCategories implements CategoryLookup {
  private readonly known = new BoundedMap<string, string>(100_000);
  private readonly asks = new Batcher<string, string>(async (skuIds) => {
    const unique = [...new Set(skuIds)];
    const { categories } = await this.inventory.call((c) => c.getSkuCategories, { skuIds: unique }, { idempotent: true });
    return skuIds.map((id) => categories[id] ?? UNKNOWN_CATEGORY);
  }, { name: 'sku categories', maxBatch: 500 });

  constructor(private readonly inventory: RpcClient<InventoryServiceClient>) {}

  async of(skuId: string): Promise<string> {
    const hit = this.known.get(skuId);
    if (hit !== undefined) return hit;
    const category = await this.asks.add(skuId);
    this.known.set(skuId, category);
    return category;
  }
}
