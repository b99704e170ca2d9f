// The catalog as the gateway returns it (GET /api/v1/products, /api/v1/product-proposals): the
// proto messages, with what a JSON reader needs instead of proto defaults (built by catalog-json).
import type { Product, ProductProposal, Sku } from '../gen/livecommerce/v1/inventory.js';

/** A SKU as listed; for a buyer, `boughtByYou` counts the units they hold or bought at list price. */
export type SkuView = Omit<Sku, 'boughtByBuyer'> & { boughtByYou?: number };

export type ProductView = Omit<Product, 'skus'> & { skus: SkuView[] };

export const PROPOSAL_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED'] as const;

/** A leader's request that staff of their warehouse stock a product. */
export type ProductProposalView = Omit<ProductProposal, 'status' | 'reason' | 'productId'> & {
  status: (typeof PROPOSAL_STATUSES)[number];
  reason: string | null;
  productId: string | null;
  createdAt: string;
  decidedAt: string | null;
};
