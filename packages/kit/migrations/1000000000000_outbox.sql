-- Up Migration
-- Transactional outbox: events written in the same transaction as the state they describe,
-- published to JetStream afterwards by the relay (message id = msg_id, so a re-send is dropped).
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  subject text NOT NULL,
  msg_id text NOT NULL,
  payload jsonb NOT NULL,
  trace jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE outbox;
