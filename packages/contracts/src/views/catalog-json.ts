// Catalog messages turned into their public JSON views (views/catalog.ts).
import type { Product, ProductProposal } from '../gen/livecommerce/v1/inventory.js';
import type { ProductProposalView, ProductView } from './catalog.js';

export function productJson(p: Product): ProductView {
  return { ...p, skus: p.skus.map(({ boughtByBuyer, ...sku }) => (boughtByBuyer === undefined ? sku : { ...sku, boughtByYou: boughtByBuyer })) };
}

export function proposalJson(p: ProductProposal): ProductProposalView {
  return {
    ...p,
    status: p.status as ProductProposalView['status'],
    productId: p.productId || null,
    reason: p.reason || null,
    createdAt: new Date(p.createdAtMs).toISOString(),
    decidedAt: p.decidedAtMs ? new Date(p.decidedAtMs).toISOString() : null,
  };
}
