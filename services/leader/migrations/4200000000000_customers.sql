-- Up Migration
-- A leader's customers: the buyers whose paid orders credit them (the order service's binding
-- decides which leader an order credits), kept from order events.
CREATE TABLE leader_customers (
  leader_id text NOT NULL,
  buyer_id text NOT NULL,
  first_order_at timestamptz NOT NULL,
  last_order_at timestamptz NOT NULL,
  -- Paid orders.
  orders integer NOT NULL CHECK (orders >= 0),
  -- Paid totals less refunds.
  spend_fen bigint NOT NULL CHECK (spend_fen >= 0),
  PRIMARY KEY (leader_id, buyer_id)
);
CREATE INDEX leader_customers_recent ON leader_customers (leader_id, last_order_at DESC, buyer_id);

-- Every order event applied to the customers, once: redeliveries and replays change nothing.
CREATE TABLE leader_customer_events (
  event_key text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE leader_customer_events;
DROP TABLE leader_customers;
