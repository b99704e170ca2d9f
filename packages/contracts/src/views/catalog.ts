// The catalog as the gateway returns it (GET /api/v1/products, /api/v1/product-proposals).

export interface SkuView {
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

export interface ProductView {
  id: string;
  name: string;
  description: string;
  imageUrls: string[];
  skus: SkuView[];
  /** The leader who sells it: only they pin it or make pools of it. */
  ownerLeaderId: string;
}

/** A leader's request that staff of their warehouse stock a product. */
export interface ProductProposalView {
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
