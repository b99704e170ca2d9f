-- Up Migration
-- Each user's notification inbox. One notice per user and source event (source_key names the
-- event, e.g. `order.paid:<orderId>`), so a redelivered or replayed event adds nothing. `seq`
-- orders the inbox and is the page cursor. Pickup codes are never stored here.
CREATE TABLE notices (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  user_id text NOT NULL,
  source_key text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  order_id text,
  refund_fen bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  UNIQUE (user_id, source_key)
);
CREATE INDEX notices_user ON notices (user_id, seq DESC);
CREATE INDEX notices_unread ON notices (user_id) WHERE read_at IS NULL;
-- Down Migration
DROP TABLE notices;
