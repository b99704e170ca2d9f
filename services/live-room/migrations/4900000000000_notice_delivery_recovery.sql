-- Up Migration
-- Deliveries are recoverable: a claim ('sending') older than the lease was left by a pod that died
-- and is taken again by exactly one pod (the claim's `attempt` goes up; only the holder of the
-- current attempt records the outcome), and notices that no pod claimed (recorded, then the pod
-- died before sending) are found by the recovery sweep, which looks back over recent notices only.
ALTER TABLE notice_deliveries ADD COLUMN attempt integer NOT NULL DEFAULT 1;
CREATE INDEX notices_created ON notices (created_at);
-- Down Migration
DROP INDEX notices_created;
ALTER TABLE notice_deliveries DROP COLUMN attempt;
