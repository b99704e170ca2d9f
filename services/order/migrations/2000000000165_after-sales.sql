-- Up Migration
-- After-sales cases (售后) on paid or collected orders: the request, its photos, the answers, the
-- resolution with its refund, and the SLA deadlines the escalation job watches.
CREATE TABLE after_sales_cases (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders(id),
  buyer_id text NOT NULL,
  leader_id text NOT NULL,
  warehouse_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('MISSING', 'DAMAGED', 'WRONG_ITEM', 'QUALITY')),
  text text NOT NULL,
  status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ANSWERED', 'RESOLVED')),
  -- buyer, or shortage:<orderId> for the case a shortage at handover opened (one per order).
  opened_by text NOT NULL,
  source text UNIQUE,
  opened_at timestamptz NOT NULL,
  respond_by timestamptz NOT NULL,
  resolve_by timestamptz NOT NULL,
  answered_at timestamptz,
  resolved_at timestamptz,
  refund_id uuid REFERENCES refunds(id),
  refund_fen bigint NOT NULL DEFAULT 0 CHECK (refund_fen >= 0),
  resolution_note text NOT NULL DEFAULT '',
  -- Set once by whichever replica's escalation pass saw the deadline pass first.
  response_escalated_at timestamptz,
  resolution_escalated_at timestamptz
);
-- One unresolved case per order at a time.
CREATE UNIQUE INDEX after_sales_one_open_per_order ON after_sales_cases(order_id) WHERE status <> 'RESOLVED';
CREATE INDEX after_sales_buyer ON after_sales_cases(buyer_id, opened_at DESC);
CREATE INDEX after_sales_leader ON after_sales_cases(leader_id, opened_at DESC);
CREATE INDEX after_sales_warehouse ON after_sales_cases(warehouse_id, opened_at DESC);
CREATE INDEX after_sales_unanswered ON after_sales_cases(respond_by) WHERE status = 'OPEN' AND response_escalated_at IS NULL;
CREATE INDEX after_sales_unresolved ON after_sales_cases(resolve_by) WHERE status <> 'RESOLVED' AND resolution_escalated_at IS NULL;

CREATE TABLE after_sales_messages (
  case_id uuid NOT NULL REFERENCES after_sales_cases(id),
  seq serial,
  author_id text NOT NULL,
  author_role text NOT NULL,
  text text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE TABLE after_sales_photos (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES after_sales_cases(id),
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  position smallint NOT NULL
);
CREATE INDEX after_sales_photos_case ON after_sales_photos(case_id);

-- The bytes of each photo, for the Postgres photo storage (a disk storage keeps files instead).
CREATE TABLE after_sales_photo_blobs (
  photo_id uuid PRIMARY KEY,
  data bytea NOT NULL
);
-- Down Migration
DROP TABLE after_sales_photo_blobs;
DROP TABLE after_sales_photos;
DROP TABLE after_sales_messages;
DROP TABLE after_sales_cases;
