// How much of the catalog one buyer may hold at list price: a SKU without a limit of its own gets
// the configured default (0 used to mean unlimited, so one buyer could hold a whole shelf), and
// unpaid list-price holds are capped per buyer across SKUs. Pure.
export interface BuyerLimits {
  /** Units per buyer for a SKU whose own limit is 0 (unset). */
  skuDefaultPerBuyer: number;
  /** Unpaid list-price holds (orders) one buyer may have open at once, over all SKUs. */
  openListPriceHolds: number;
}

/** The per-buyer limit that applies to a SKU. */
export function skuLimitPerBuyer(skuLimit: number, limits: BuyerLimits): number {
  return skuLimit > 0 ? skuLimit : limits.skuDefaultPerBuyer;
}
