-- Up Migration
-- Shifts, cut-offs and receiving hours; the delivery-day waves with their orders and bags; planned
-- routes with their stops; buyer notifications. Times are UTC; local HH:MM values are in the
-- warehouse's zone.
ALTER TABLE warehouses
  ADD COLUMN shift_start text NOT NULL DEFAULT '06:00',
  ADD COLUMN shift_end text NOT NULL DEFAULT '18:00',
  ADD COLUMN cutoff text NOT NULL DEFAULT '22:00',
  ADD COLUMN driver_ids text[] NOT NULL DEFAULT '{}';

CREATE TABLE vehicles (
  warehouse_id text NOT NULL REFERENCES warehouses(id),
  id text NOT NULL,
  shift_start text NOT NULL,
  shift_end text NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 0),
  driver_id text NOT NULL DEFAULT '',
  PRIMARY KEY (warehouse_id, id, shift_start)
);

ALTER TABLE pickup_points
  ADD COLUMN opens_at text NOT NULL DEFAULT '08:00',
  ADD COLUMN closes_at text NOT NULL DEFAULT '20:00',
  ADD COLUMN service_minutes integer NOT NULL DEFAULT 10 CHECK (service_minutes >= 0);

CREATE TABLE waves (
  id uuid PRIMARY KEY,
  warehouse_id text NOT NULL REFERENCES warehouses(id),
  delivery_date date NOT NULL,
  status text NOT NULL DEFAULT 'OPEN',
  cutoff_at timestamptz NOT NULL,
  closed_at timestamptz,
  UNIQUE (warehouse_id, delivery_date)
);

-- One row per paid order ever seen: the primary key makes order.paid consumption idempotent, and a
-- REMOVED row left by an early cancel/refund keeps a late order.paid from adding it again.
CREATE TABLE wave_orders (
  order_id text PRIMARY KEY,
  wave_id uuid REFERENCES waves(id),
  warehouse_id text NOT NULL,
  buyer_id text NOT NULL,
  leader_id text NOT NULL,
  sku_id text NOT NULL,
  qty integer NOT NULL,
  paid_at timestamptz,
  status text NOT NULL,
  removed_at timestamptz,
  removed_reason text
);
CREATE INDEX wave_orders_wave ON wave_orders (wave_id);
CREATE INDEX wave_orders_waiting ON wave_orders (warehouse_id) WHERE status = 'NO_WAREHOUSE';

CREATE TABLE bags (
  id uuid PRIMARY KEY,
  order_id text NOT NULL UNIQUE REFERENCES wave_orders(order_id),
  wave_id uuid NOT NULL REFERENCES waves(id),
  pickup_point_id text NOT NULL REFERENCES pickup_points(id),
  delivery_date date NOT NULL,
  buyer_id text NOT NULL,
  sku_id text NOT NULL,
  qty integer NOT NULL,
  label text NOT NULL,
  -- The code itself is never stored: it is derived from a secret, the bag and a nonce.
  code_nonce integer NOT NULL,
  code_hash text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING',
  route_id uuid,
  stop_id uuid,
  packed_at timestamptz,
  dispatched_at timestamptz,
  arrived_at timestamptz,
  picked_up_at timestamptz,
  cancelled_at timestamptz,
  UNIQUE (pickup_point_id, delivery_date, code_hash)
);
CREATE INDEX bags_wave ON bags (wave_id);
CREATE INDEX bags_point_code ON bags (pickup_point_id, code_hash);
CREATE INDEX bags_stop ON bags (stop_id);

CREATE TABLE route_plans (
  id uuid PRIMARY KEY,
  wave_id uuid NOT NULL REFERENCES waves(id),
  status text NOT NULL,
  seed integer NOT NULL,
  time_limit_ms integer NOT NULL,
  travel_times text NOT NULL,
  progress jsonb NOT NULL DEFAULT '{}',
  unserved jsonb NOT NULL DEFAULT '[]',
  error text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE TABLE routes (
  id uuid PRIMARY KEY,
  plan_id uuid NOT NULL REFERENCES route_plans(id),
  wave_id uuid NOT NULL REFERENCES waves(id),
  warehouse_id text NOT NULL,
  vehicle_id text NOT NULL,
  driver_id text NOT NULL,
  status text NOT NULL DEFAULT 'PLANNED',
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  distance_m double precision NOT NULL,
  load integer NOT NULL,
  position_lat double precision,
  position_lng double precision,
  position_at timestamptz,
  dispatched_at timestamptz,
  completed_at timestamptz,
  superseded boolean NOT NULL DEFAULT false
);
CREATE INDEX routes_driver ON routes (driver_id, status);

CREATE TABLE stops (
  id uuid PRIMARY KEY,
  route_id uuid NOT NULL REFERENCES routes(id),
  sequence integer NOT NULL,
  pickup_point_id text NOT NULL REFERENCES pickup_points(id),
  planned_arrival_at timestamptz NOT NULL,
  eta_at timestamptz NOT NULL,
  window_start_at timestamptz NOT NULL,
  window_end_at timestamptz NOT NULL,
  service_seconds integer NOT NULL,
  bag_count integer NOT NULL,
  status text NOT NULL DEFAULT 'PENDING',
  arrived_at timestamptz,
  handed_over_at timestamptz,
  received_at timestamptz,
  UNIQUE (route_id, sequence)
);

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  buyer_id text NOT NULL,
  order_id text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, kind)
);
CREATE INDEX notifications_buyer ON notifications (buyer_id, created_at DESC);
-- Down Migration
DROP TABLE notifications;
DROP TABLE stops;
DROP TABLE routes;
DROP TABLE route_plans;
DROP TABLE bags;
DROP TABLE wave_orders;
DROP TABLE waves;
ALTER TABLE pickup_points DROP COLUMN opens_at, DROP COLUMN closes_at, DROP COLUMN service_minutes;
DROP TABLE vehicles;
ALTER TABLE warehouses DROP COLUMN shift_start, DROP COLUMN shift_end, DROP COLUMN cutoff, DROP COLUMN driver_ids;
