-- Up Migration
-- Live sessions hosted by leaders.
CREATE TABLE live_sessions (
  id text PRIMARY KEY,
  leader_id text NOT NULL,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('SCHEDULED', 'LIVE', 'ENDED')),
  scheduled_at timestamptz NOT NULL,
  started_at timestamptz,
  ended_at timestamptz,
  pinned_sku_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_sessions_leader ON live_sessions(leader_id, scheduled_at DESC);
-- Down Migration
DROP TABLE live_sessions;
