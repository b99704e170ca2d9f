-- Up Migration
-- A pickup point's daily parcel capacity, the point each paid order is bound for (the buyer's
-- choice, fixed at placement), and each wave's parcels per point, counted as orders join so the
-- capacity holds under concurrent joins. An order a full point cannot take that day joins a later
-- day's wave and remembers the day it was first meant for.
ALTER TABLE pickup_points ADD COLUMN daily_capacity integer NOT NULL DEFAULT 200 CHECK (daily_capacity >= 1);
CREATE INDEX pickup_points_warehouse ON pickup_points (warehouse_id);

ALTER TABLE wave_orders
  ADD COLUMN pickup_point_id text,
  ADD COLUMN deferred_from date;
-- Orders paid before this change went to their leader's point.
UPDATE wave_orders o SET pickup_point_id = p.id FROM pickup_points p WHERE p.leader_id = o.leader_id AND o.pickup_point_id IS NULL;

CREATE TABLE wave_point_loads (
  wave_id uuid NOT NULL REFERENCES waves(id),
  pickup_point_id text NOT NULL,
  parcels integer NOT NULL DEFAULT 0 CHECK (parcels >= 0),
  PRIMARY KEY (wave_id, pickup_point_id)
);
INSERT INTO wave_point_loads (wave_id, pickup_point_id, parcels)
  SELECT wave_id, pickup_point_id, count(*) FROM wave_orders
  WHERE wave_id IS NOT NULL AND pickup_point_id IS NOT NULL AND status IN ('IN_WAVE', 'BAGGED')
  GROUP BY wave_id, pickup_point_id;
-- Down Migration
DROP TABLE wave_point_loads;
ALTER TABLE wave_orders DROP COLUMN pickup_point_id, DROP COLUMN deferred_from;
DROP INDEX pickup_points_warehouse;
ALTER TABLE pickup_points DROP COLUMN daily_capacity;
