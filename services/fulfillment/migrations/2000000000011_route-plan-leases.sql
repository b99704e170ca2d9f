-- Up Migration
-- A plan in PLANNING belongs to the pod that holds its lease; once the lease runs out (the pod
-- died), the next plan request for the wave abandons it and plans again.
ALTER TABLE route_plans
  ADD COLUMN owner text NOT NULL DEFAULT '',
  ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now();
-- A plan PLANNING during the upgrade may still be solving on an old pod: it keeps a lease longer
-- than any solve (60 s limit plus grace); only one live plan per wave is kept.
UPDATE route_plans SET lease_until = now() + interval '2 minutes' WHERE status = 'PLANNING';
UPDATE route_plans p SET status = 'ABANDONED', finished_at = now(), error = 'a newer plan for the wave was already running'
  WHERE p.status = 'PLANNING'
    AND EXISTS (SELECT 1 FROM route_plans q WHERE q.wave_id = p.wave_id AND q.status = 'PLANNING' AND (q.created_at, q.id) > (p.created_at, p.id));
-- At most one live plan per wave, so two requests racing to take over start one solver.
CREATE UNIQUE INDEX route_plans_one_planning ON route_plans (wave_id) WHERE status = 'PLANNING';
-- Down Migration
DROP INDEX route_plans_one_planning;
ALTER TABLE route_plans DROP COLUMN owner, DROP COLUMN lease_until;
