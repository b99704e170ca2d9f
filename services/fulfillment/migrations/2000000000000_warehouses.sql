-- Up Migration
-- Warehouses and pickup points: where parcels leave from and where buyers collect them.
CREATE TABLE warehouses (
  id text PRIMARY KEY,
  name text NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  time_zone text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pickup_points (
  id text PRIMARY KEY,
  leader_id text NOT NULL UNIQUE,
  warehouse_id text NOT NULL REFERENCES warehouses(id),
  name text NOT NULL,
  address text NOT NULL DEFAULT '',
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE pickup_points;
DROP TABLE warehouses;
