-- Up Migration
-- Where each order's parcel goes, fixed at placement (the buyer's choice or their leader's point),
-- and the point each buyer chose for their orders.
ALTER TABLE orders ADD COLUMN pickup_point_id text NOT NULL DEFAULT '';

CREATE TABLE buyer_pickup_points (
  buyer_id text PRIMARY KEY,
  pickup_point_id text NOT NULL,
  chosen_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE buyer_pickup_points;
ALTER TABLE orders DROP COLUMN pickup_point_id;
