// The catalog as the gateway returns it (GET /api/v1/products, services/gateway/src/routes/catalog-routes.ts).

export interface Sku {
  id: string;
  name: string;
  listPriceFen: number;
  /** 0 means no per-buyer limit. */
  perBuyerLimit: number;
  /** Free units over all warehouses: what can still be ordered at list price. */
  available: number;
  /** For a buyer: units they hold or bought at list price, counted against the limit. */
  boughtByYou?: number;
}

export interface Product {
  id: string;
  name: string;
  description: string;
  imageUrls: string[];
  skus: Sku[];
  /** The leader who sells it: only they pin it or make pools of it. */
  ownerLeaderId: string;
}

/** A leader's request that staff of their warehouse stock a product (GET /api/v1/product-proposals). */
export interface ProductProposal {
  id: string;
  leaderId: string;
  warehouseId: string;
  name: string;
  skus: { name: string; listPriceFen: number; perBuyerLimit: number; initialStock: number }[];
  status: 'PENDING' | 'ACCEPTED' | 'REJECTED';
  reason: string | null;
  productId: string | null;
  createdAt: string;
}

export const PROPOSAL_STATUS: Record<ProductProposal['status'], string> = {
  PENDING: '待审核 pending',
  ACCEPTED: '已上架 accepted',
  REJECTED: '已拒绝 rejected',
};

/** "29.9" → 2990, exactly (no float multiplication). */
export function toFen(yuanText: string): number {
  const m = /^\s*(\d+)(?:\.(\d{0,2}))?\s*$/.exec(yuanText);
  if (!m) throw new Error(`价格格式不对 Not a price: ${yuanText}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
