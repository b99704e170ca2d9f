-- Up Migration
-- Catalog, stock per warehouse, flash-sale pools and reservations (the system of record;
-- Redis holds the hot counters and is rebuilt from these tables).
CREATE TABLE products (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  image_urls jsonb NOT NULL DEFAULT '[]',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE skus (
  id uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products(id),
  name text NOT NULL,
  list_price_fen bigint NOT NULL CHECK (list_price_fen >= 0),
  per_buyer_limit integer NOT NULL DEFAULT 0 CHECK (per_buyer_limit >= 0)
);
CREATE INDEX skus_product ON skus(product_id);

-- allocated = units promised to flash-sale pools; on_hand - allocated is free stock.
CREATE TABLE stock (
  sku_id uuid NOT NULL REFERENCES skus(id),
  warehouse_id text NOT NULL,
  on_hand integer NOT NULL CHECK (on_hand >= 0),
  allocated integer NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= on_hand),
  PRIMARY KEY (sku_id, warehouse_id)
);

CREATE TABLE flash_sales (
  id uuid PRIMARY KEY,
  sku_id uuid NOT NULL REFERENCES skus(id),
  warehouse_id text NOT NULL,
  leader_id text NOT NULL,
  live_session_id text NOT NULL DEFAULT '',
  sale_price_fen bigint NOT NULL CHECK (sale_price_fen >= 0),
  quantity integer NOT NULL CHECK (quantity > 0),
  per_buyer_limit integer NOT NULL CHECK (per_buyer_limit > 0),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  hold_seconds integer NOT NULL CHECK (hold_seconds > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flash_sales_session ON flash_sales(live_session_id);

CREATE TABLE reservations (
  id uuid PRIMARY KEY,
  flash_sale_id uuid NOT NULL REFERENCES flash_sales(id),
  buyer_id text NOT NULL,
  qty integer NOT NULL CHECK (qty > 0),
  idempotency_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'RELEASED')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz,
  release_reason text,
  UNIQUE (flash_sale_id, idempotency_key)
);
CREATE INDEX reservations_held_expiry ON reservations(expires_at) WHERE status = 'HELD';
CREATE INDEX reservations_pool ON reservations(flash_sale_id, status);
-- Down Migration
DROP TABLE reservations;
DROP TABLE flash_sales;
DROP TABLE stock;
DROP TABLE skus;
DROP TABLE products;
