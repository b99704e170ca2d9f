-- Up Migration
-- Buyers' notices moved to the inbox live-room keeps for every user (all kinds, read state, live
-- push); fulfillment no longer writes them. Notices stored here before are not carried over.
DROP TABLE notifications;
-- Down Migration
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
