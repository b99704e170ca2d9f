-- Up Migration
-- A buyer's unpaid list-price holds are capped (issue 13): counting them must not scan the table.
CREATE INDEX reservations_open_stock_holds ON reservations (buyer_id) WHERE sku_id IS NOT NULL AND status = 'HELD';

-- Down Migration
DROP INDEX reservations_open_stock_holds;
