-- Up Migration
-- Units found missing when a parcel changed hands (driver to leader, or at the leader's receipt):
-- one report per order, the first one wins, and it goes out as fulfillment.handover.shortage.
CREATE TABLE handover_shortages (
  order_id text PRIMARY KEY,
  stop_id uuid NOT NULL,
  bag_id uuid NOT NULL,
  missing_qty integer NOT NULL CHECK (missing_qty > 0),
  reported_by text NOT NULL,
  -- handover (the driver) or receipt (the leader)
  stage text NOT NULL,
  reported_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE handover_shortages;
