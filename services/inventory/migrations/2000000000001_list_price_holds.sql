-- Up Migration
-- Holds at list price: taken from a SKU's free stock in a warehouse rather than from a flash-sale
-- pool. Exactly one of flash_sale_id and sku_id is set.
ALTER TABLE reservations ALTER COLUMN flash_sale_id DROP NOT NULL;
ALTER TABLE reservations ADD COLUMN sku_id uuid REFERENCES skus(id);
ALTER TABLE reservations ADD COLUMN warehouse_id text;
ALTER TABLE reservations ADD CONSTRAINT reservations_one_source
  CHECK ((flash_sale_id IS NULL) <> (sku_id IS NULL) AND (sku_id IS NULL) = (warehouse_id IS NULL));
CREATE UNIQUE INDEX reservations_stock_key ON reservations (sku_id, idempotency_key) WHERE sku_id IS NOT NULL;
CREATE INDEX reservations_stock_buyer ON reservations (sku_id, buyer_id) WHERE sku_id IS NOT NULL AND status <> 'RELEASED';

-- Down Migration
DROP INDEX reservations_stock_buyer;
DROP INDEX reservations_stock_key;
ALTER TABLE reservations DROP CONSTRAINT reservations_one_source;
ALTER TABLE reservations DROP COLUMN warehouse_id;
ALTER TABLE reservations DROP COLUMN sku_id;
ALTER TABLE reservations ALTER COLUMN flash_sale_id SET NOT NULL;
