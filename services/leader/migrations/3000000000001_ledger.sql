-- Up Migration
-- The commission ledger (double-entry, append-only), the orders it follows, T+1 statements,
-- withdrawals and the sandbox payout provider's own book, buyers' ratings and tiers.

-- Each order's commission as the ledger knows it: what was accrued, refunded and clawed back.
-- Dates are local dates in the leader's zone at the time of the event.
CREATE TABLE order_commissions (
  order_id text PRIMARY KEY,
  leader_id text NOT NULL REFERENCES leaders(id),
  buyer_id text NOT NULL,
  sku_id text NOT NULL,
  category text NOT NULL,
  tier text NOT NULL,
  rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
  total_fen bigint NOT NULL CHECK (total_fen >= 0),
  commission_fen bigint NOT NULL CHECK (commission_fen >= 0),
  paid_at timestamptz NOT NULL,
  paid_date date NOT NULL,
  picked_up_at timestamptz,
  refunded_fen bigint NOT NULL DEFAULT 0 CHECK (refunded_fen BETWEEN 0 AND total_fen),
  clawed_fen bigint NOT NULL DEFAULT 0 CHECK (clawed_fen BETWEEN 0 AND commission_fen)
);
CREATE INDEX order_commissions_leader_date ON order_commissions (leader_id, paid_date);

-- One row per movement: amount_fen leaves debit_account and enters credit_account. Every entry
-- names the event that caused it; (source_event, kind) is unique, so a replay adds nothing.
CREATE TABLE ledger_entries (
  id bigserial PRIMARY KEY,
  leader_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ACCRUE', 'CONFIRM', 'CLAWBACK', 'SETTLE', 'WITHDRAW_HOLD', 'PAYOUT', 'PAYOUT_RETURN')),
  source_event text NOT NULL,
  order_id text,
  debit_account text NOT NULL,
  credit_account text NOT NULL CHECK (credit_account <> debit_account),
  amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
  effective_at timestamptz NOT NULL,
  local_date date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_event, kind)
);
CREATE INDEX ledger_entries_leader ON ledger_entries (leader_id, id);
CREATE INDEX ledger_entries_debit ON ledger_entries (debit_account);
CREATE INDEX ledger_entries_credit ON ledger_entries (credit_account);

-- Append-only: corrections are new entries, never edits.
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- A day's settlement: the confirmed commission of local date T (and every clawback since the
-- last statement), settled on T+1.
CREATE TABLE statements (
  id uuid PRIMARY KEY,
  leader_id text NOT NULL REFERENCES leaders(id),
  statement_date date NOT NULL,
  zone text NOT NULL,
  confirmed_fen bigint NOT NULL,
  clawback_fen bigint NOT NULL,
  net_fen bigint NOT NULL,
  line_count integer NOT NULL,
  settled_at timestamptz NOT NULL,
  UNIQUE (leader_id, statement_date)
);
CREATE TABLE statement_lines (
  entry_id bigint PRIMARY KEY REFERENCES ledger_entries(id),
  statement_id uuid NOT NULL REFERENCES statements(id)
);
CREATE INDEX statement_lines_statement ON statement_lines (statement_id);

CREATE TABLE withdrawals (
  id uuid PRIMARY KEY,
  leader_id text NOT NULL REFERENCES leaders(id),
  idempotency_key text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  status text NOT NULL CHECK (status IN ('REQUESTED', 'PAID', 'FAILED')),
  provider text NOT NULL,
  provider_ref text NOT NULL DEFAULT '',
  failure text NOT NULL DEFAULT '',
  requested_at timestamptz NOT NULL,
  completed_at timestamptz,
  UNIQUE (leader_id, idempotency_key)
);

-- The sandbox payout provider's own record of what it paid (reconciled against the ledger).
CREATE TABLE sandbox_payouts (
  withdrawal_id uuid PRIMARY KEY,
  leader_id text NOT NULL,
  amount_fen bigint NOT NULL,
  reference text NOT NULL,
  paid_at timestamptz NOT NULL DEFAULT now()
);

-- A buyer rates their leader 0–10 once per collected order.
CREATE TABLE ratings (
  order_id text PRIMARY KEY REFERENCES order_commissions(order_id),
  leader_id text NOT NULL,
  buyer_id text NOT NULL,
  score smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
  comment text NOT NULL DEFAULT '',
  rated_at timestamptz NOT NULL,
  rated_date date NOT NULL
);
CREATE INDEX ratings_leader_date ON ratings (leader_id, rated_date);

-- Every evaluation with its figures; a tier row when the tier changes (effective the next day).
CREATE TABLE tier_evaluations (
  id uuid PRIMARY KEY,
  leader_id text NOT NULL REFERENCES leaders(id),
  month text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('monthly', 'admin')),
  evaluated_at timestamptz NOT NULL,
  effective_date date NOT NULL,
  tier_before text NOT NULL,
  tier_after text NOT NULL,
  reason text NOT NULL,
  figures jsonb NOT NULL
);
CREATE UNIQUE INDEX tier_evaluations_monthly ON tier_evaluations (leader_id, month) WHERE trigger = 'monthly';
CREATE TABLE leader_tiers (
  leader_id text NOT NULL REFERENCES leaders(id),
  effective_date date NOT NULL,
  tier text NOT NULL CHECK (tier IN ('NEW', 'GROWING', 'STAR')),
  evaluation_id uuid NOT NULL REFERENCES tier_evaluations(id),
  PRIMARY KEY (leader_id, effective_date)
);
-- Down Migration
DROP TABLE leader_tiers;
DROP TABLE tier_evaluations;
DROP TABLE ratings;
DROP TABLE sandbox_payouts;
DROP TABLE withdrawals;
DROP TABLE statement_lines;
DROP TABLE statements;
DROP TRIGGER ledger_entries_append_only ON ledger_entries;
DROP TABLE ledger_entries;
DROP FUNCTION ledger_entries_append_only();
DROP TABLE order_commissions;
