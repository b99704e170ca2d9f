-- Up Migration
-- Every evaluated pickup code, so guessing is visible after the fact (the limit itself lives in
-- Redis, shared by every pod). Outcome: PICKED_UP, NO_MATCH, USED or NOT_READY.
CREATE TABLE pickup_code_attempts (
  id bigserial PRIMARY KEY,
  leader_id text NOT NULL,
  pickup_point_id text NOT NULL,
  outcome text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pickup_code_attempts_leader ON pickup_code_attempts (leader_id, at);
-- Down Migration
DROP TABLE pickup_code_attempts;
