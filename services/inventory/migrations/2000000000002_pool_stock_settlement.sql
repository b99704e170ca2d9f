-- Up Migration
-- A pool's units leave the warehouse's stock as they are sold, and what nobody bought returns to
-- free stock once the pool has ended. `returned` counts the units given back so far; `closed_at`
-- marks a pool with nothing left to settle (no hold still waiting for payment).
ALTER TABLE flash_sales ADD COLUMN returned integer NOT NULL DEFAULT 0;
ALTER TABLE flash_sales ADD CONSTRAINT flash_sales_returned CHECK (returned >= 0 AND returned <= quantity);
ALTER TABLE flash_sales ADD COLUMN closed_at timestamptz;
CREATE INDEX flash_sales_unclosed ON flash_sales (ends_at) WHERE closed_at IS NULL;

-- Units sold from pools before this migration come off the shelf now, as later sales will.
UPDATE stock s SET on_hand = s.on_hand - t.sold, allocated = s.allocated - t.sold
FROM (SELECT f.sku_id, f.warehouse_id, SUM(r.qty)::int AS sold
      FROM reservations r JOIN flash_sales f ON f.id = r.flash_sale_id
      WHERE r.status = 'CONFIRMED' GROUP BY 1, 2) t
WHERE s.sku_id = t.sku_id AND s.warehouse_id = t.warehouse_id;

-- Down Migration
-- Sold units stay off the shelf: they were sold.
DROP INDEX flash_sales_unclosed;
ALTER TABLE flash_sales DROP COLUMN closed_at;
ALTER TABLE flash_sales DROP CONSTRAINT flash_sales_returned;
ALTER TABLE flash_sales DROP COLUMN returned;
