-- Up Migration
-- The gateway's identity schema: users with their roles, one-time sign-in codes (only an HMAC of
-- each code is kept), sessions with their rotating refresh tokens (only a SHA-256 of each token is
-- kept), and the development SMS inbox.
CREATE TABLE users (
  id text PRIMARY KEY,
  -- E.164 (+86...). NULL once a phone moved to another user (a buyer who became a leader).
  phone text UNIQUE,
  role text NOT NULL CHECK (role IN ('buyer', 'leader', 'warehouse', 'driver', 'admin')),
  name text NOT NULL,
  warehouse_id text,
  pickup_point_id text,
  -- Raised by "sign out everywhere": access tokens carry the generation they were issued in, and
  -- older ones are refused.
  token_generation integer NOT NULL DEFAULT 0,
  source text NOT NULL CHECK (source IN ('sign-up', 'admin', 'onboarding', 'demo')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'warehouse' OR warehouse_id IS NOT NULL)
);

CREATE TABLE sign_in_codes (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  consumed_at timestamptz
);
CREATE INDEX sign_in_codes_phone ON sign_in_codes (phone, id DESC);

-- One session per sign-in: its refresh tokens form one family, and reusing a rotated token
-- revokes the family.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_because text
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions(id),
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- What the development SMS sender "sent": the tests and the demo's sign-in hint read it.
CREATE TABLE dev_sms_inbox (
  id bigserial PRIMARY KEY,
  phone text NOT NULL,
  body text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dev_sms_inbox_phone ON dev_sms_inbox (phone, id DESC);
-- Down Migration
DROP TABLE dev_sms_inbox;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE sign_in_codes;
DROP TABLE users;
