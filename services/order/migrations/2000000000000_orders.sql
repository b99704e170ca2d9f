-- Up Migration
-- Orders with their timeline, the buyer-leader binding and payments.
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  buyer_id text NOT NULL,
  leader_id text NOT NULL DEFAULT '',
  live_session_id text NOT NULL DEFAULT '',
  flash_sale_id text NOT NULL,
  sku_id text NOT NULL,
  warehouse_id text NOT NULL DEFAULT '',
  qty integer NOT NULL CHECK (qty > 0),
  unit_price_fen bigint NOT NULL CHECK (unit_price_fen >= 0),
  total_fen bigint NOT NULL CHECK (total_fen >= 0),
  status text NOT NULL,
  reservation_id uuid NOT NULL UNIQUE,
  payment_deadline timestamptz NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (buyer_id, idempotency_key)
);
CREATE INDEX orders_buyer ON orders(buyer_id, created_at DESC);
CREATE INDEX orders_unpaid_deadline ON orders(payment_deadline) WHERE status = 'PENDING_PAYMENT';
CREATE INDEX orders_leader ON orders(leader_id, created_at DESC);

CREATE TABLE order_timeline (
  order_id uuid NOT NULL REFERENCES orders(id),
  status text NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  note text NOT NULL DEFAULT '',
  PRIMARY KEY (order_id, status)
);

-- The first order through a leader's link binds the buyer to that leader for good.
CREATE TABLE buyer_leader (
  buyer_id text PRIMARY KEY,
  leader_id text NOT NULL,
  bound_at timestamptz NOT NULL DEFAULT now(),
  first_order_id uuid NOT NULL
);

CREATE TABLE payments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders(id),
  provider text NOT NULL,
  amount_fen bigint NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);
CREATE INDEX payments_order ON payments(order_id);

-- Provider callbacks applied, so a replayed callback changes nothing.
CREATE TABLE payment_callbacks (
  event_id text PRIMARY KEY,
  payment_id uuid NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE payment_callbacks;
DROP TABLE payments;
DROP TABLE buyer_leader;
DROP TABLE order_timeline;
DROP TABLE orders;
