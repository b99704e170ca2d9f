-- Up Migration
-- The binding is made just before the buyer's first order is written (and cached for good), so
-- the order it came with is a note, not a reference.
ALTER TABLE buyer_leader ALTER COLUMN first_order_id DROP NOT NULL;
-- Down Migration
ALTER TABLE buyer_leader ALTER COLUMN first_order_id SET NOT NULL;
