-- Up Migration
-- Group buys (开团): a leader's pool with a start, a cut-off, a stock cap and a minimum to succeed.
-- The stock cap is an inventory pool (flash_sale_id); orders joining carry group_buy_id and wait,
-- paid, until the cut-off decides the group buy once (status), after which every order is dealt
-- with once: released to fulfillment (group_buy_releases) or refunded (refunds, one per cause).
CREATE TABLE group_buys (
  id uuid PRIMARY KEY,
  leader_id text NOT NULL,
  title text NOT NULL,
  sku_id text NOT NULL,
  warehouse_id text NOT NULL,
  flash_sale_id text NOT NULL UNIQUE,
  price_fen bigint NOT NULL CHECK (price_fen > 0),
  stock_cap integer NOT NULL CHECK (stock_cap > 0),
  min_qty integer NOT NULL CHECK (min_qty > 0 AND min_qty <= stock_cap),
  per_buyer_limit integer NOT NULL CHECK (per_buyer_limit > 0),
  starts_at timestamptz NOT NULL,
  cutoff_at timestamptz NOT NULL CHECK (cutoff_at > starts_at),
  status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'SUCCEEDED', 'FAILED')),
  -- Units in paid orders when the cut-off decided it.
  decided_qty integer,
  decided_at timestamptz,
  -- The leader's reminder before the cut-off, sent once.
  reminded_at timestamptz,
  -- Every order of the group buy released, refunded or cancelled after the decision.
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX group_buys_leader ON group_buys(leader_id, created_at DESC);
CREATE INDEX group_buys_open ON group_buys(cutoff_at) WHERE status = 'OPEN';
CREATE INDEX group_buys_unfinished ON group_buys(decided_at) WHERE status <> 'OPEN' AND finished_at IS NULL;

-- NULL: an ordinary order, which goes to fulfillment when paid.
ALTER TABLE orders ADD COLUMN group_buy_id uuid REFERENCES group_buys(id);
CREATE INDEX orders_group_buy ON orders(group_buy_id, status) WHERE group_buy_id IS NOT NULL;

-- A paid order of a group buy that succeeded, handed to fulfillment (its order.released event
-- written in the same transaction): once per order.
CREATE TABLE group_buy_releases (
  order_id uuid PRIMARY KEY REFERENCES orders(id),
  group_buy_id uuid NOT NULL REFERENCES group_buys(id),
  released_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE group_buy_releases;
DROP INDEX orders_group_buy;
ALTER TABLE orders DROP COLUMN group_buy_id;
DROP TABLE group_buys;
