-- Up Migration
-- Leaders (团长): who they are and the zone every date of theirs is counted in. A leader first seen
-- in an order event is recorded with the service's default zone; onboarding fills in the rest.
CREATE TABLE leaders (
  id text PRIMARY KEY,
  name text NOT NULL DEFAULT '',
  zone text NOT NULL,
  joined_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE leaders;
