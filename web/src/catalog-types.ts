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
}
