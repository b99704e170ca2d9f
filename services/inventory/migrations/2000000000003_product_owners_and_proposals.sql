-- Up Migration
-- Every product is sold by one leader (only they may pin it or make pools of it); staff create
-- products for a leader, or accept a leader's proposal. Products made before owners existed
-- belong to whoever created them (until now only leaders and operators could).
ALTER TABLE products ADD COLUMN owner_leader_id text;
UPDATE products SET owner_leader_id = created_by;
ALTER TABLE products ALTER COLUMN owner_leader_id SET NOT NULL;
CREATE INDEX products_owner ON products(owner_leader_id);

-- A pool is sold above zero and never above its SKU's list price.
ALTER TABLE flash_sales ADD CONSTRAINT flash_sales_price_positive CHECK (sale_price_fen > 0) NOT VALID;

CREATE TABLE product_proposals (
  id uuid PRIMARY KEY,
  leader_id text NOT NULL,
  warehouse_id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  image_urls jsonb NOT NULL DEFAULT '[]',
  -- [{name, listPriceFen, perBuyerLimit, initialStock}]
  skus jsonb NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACCEPTED', 'REJECTED')),
  reason text NOT NULL DEFAULT '',
  product_id uuid REFERENCES products(id),
  decided_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  CHECK ((status = 'ACCEPTED') = (product_id IS NOT NULL))
);
CREATE INDEX product_proposals_warehouse ON product_proposals(warehouse_id, status, created_at);
CREATE INDEX product_proposals_leader ON product_proposals(leader_id, created_at);

-- Down Migration
DROP TABLE product_proposals;
ALTER TABLE flash_sales DROP CONSTRAINT flash_sales_price_positive;
DROP INDEX products_owner;
ALTER TABLE products DROP COLUMN owner_leader_id;
