-- Up Migration
-- The leader dashboard's read model (issue 15 point 7), fed by order events and nothing else: one
-- row per paid order (with its SKU and units, which the commission ledger does not keep) and one
-- per refund event. Both are keyed by their source, so a replayed event adds nothing. Times are
-- instants; the dashboard groups them by the leader's local date when it reads.
CREATE TABLE dashboard_orders (
  order_id text PRIMARY KEY,
  leader_id text NOT NULL,
  buyer_id text NOT NULL,
  sku_id text NOT NULL,
  qty integer NOT NULL CHECK (qty > 0),
  total_fen bigint NOT NULL CHECK (total_fen >= 0),
  paid_at timestamptz NOT NULL
);
CREATE INDEX dashboard_orders_leader_paid ON dashboard_orders (leader_id, paid_at);
CREATE INDEX dashboard_orders_leader_buyer ON dashboard_orders (leader_id, buyer_id, paid_at);

CREATE TABLE dashboard_refunds (
  source_event text PRIMARY KEY,
  order_id text NOT NULL,
  leader_id text NOT NULL,
  refund_fen bigint NOT NULL CHECK (refund_fen >= 0),
  refunded_at timestamptz NOT NULL
);
CREATE INDEX dashboard_refunds_leader ON dashboard_refunds (leader_id, refunded_at);

-- Down Migration
DROP TABLE dashboard_refunds;
DROP TABLE dashboard_orders;
