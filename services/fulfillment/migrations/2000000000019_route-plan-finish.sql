-- Up Migration
-- Staff may ask a PLANNING plan to finish now; the pod solving it reads the request when it renews
-- its lease and ends the search with the best plan found so far.
ALTER TABLE route_plans ADD COLUMN finish_requested boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE route_plans DROP COLUMN finish_requested;
