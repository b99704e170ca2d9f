-- Up Migration
-- The stock ledger (issue 16 point 6): every change to a warehouse's units on the shelf is an
-- append-only movement, and stock.on_hand is derived from it: the insert trigger below adds each
-- movement to its stock row in the same transaction, so on_hand = SUM(movements.qty) per SKU and
-- warehouse always holds, whoever writes (receipts, adjustments, products stocked at creation,
-- units sold). Nothing else writes on_hand. `allocated` (units promised to pools and holds) is
-- not stock movement: it stays where it was.
CREATE TABLE stock_movements (
  id bigserial PRIMARY KEY,
  sku_id uuid NOT NULL REFERENCES skus(id),
  warehouse_id text NOT NULL,
  -- OPENING: the on_hand that existed before the ledger; INITIAL: stock given when a product is
  -- created; RECEIPT: goods received; DAMAGE, COUNT: adjustments; SALE: units sold (a paid hold).
  kind text NOT NULL CHECK (kind IN ('OPENING', 'INITIAL', 'RECEIPT', 'DAMAGE', 'COUNT', 'SALE')),
  -- Signed change in units on the shelf; a count that matched the shelf records 0.
  qty integer NOT NULL CHECK (qty <> 0 OR kind = 'COUNT'),
  batch text NOT NULL DEFAULT '',
  expires_on date,
  -- COUNT: the figure counted on the shelf.
  counted integer CHECK (counted >= 0),
  note text NOT NULL DEFAULT '',
  actor_id text NOT NULL DEFAULT '',
  -- The client's idempotency key (receipts and adjustments); the paid hold (sales).
  client_key text,
  source_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'COUNT') = (counted IS NOT NULL)),
  CHECK (kind NOT IN ('RECEIPT', 'INITIAL', 'OPENING') OR qty > 0),
  CHECK (kind NOT IN ('DAMAGE', 'SALE') OR qty < 0)
);
CREATE UNIQUE INDEX stock_movements_client_key ON stock_movements (warehouse_id, client_key) WHERE client_key IS NOT NULL;
CREATE UNIQUE INDEX stock_movements_sale ON stock_movements (source_id) WHERE kind = 'SALE';
CREATE INDEX stock_movements_sku ON stock_movements (warehouse_id, sku_id, id);

-- A SKU's low-stock level at a warehouse; without a row the service's default applies.
CREATE TABLE stock_alert_levels (
  sku_id uuid NOT NULL REFERENCES skus(id),
  warehouse_id text NOT NULL,
  level integer NOT NULL CHECK (level >= 0),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku_id, warehouse_id)
);

-- Stock as it stood becomes each row's opening balance (before the trigger exists, which would
-- count it twice).
INSERT INTO stock_movements (sku_id, warehouse_id, kind, qty, note)
SELECT sku_id, warehouse_id, 'OPENING', on_hand, 'on hand when the ledger began' FROM stock WHERE on_hand > 0;

-- Append-only: a mistake is corrected by another movement, never by an edit.
CREATE FUNCTION stock_movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stock_movements is append-only';
END $$;
CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON stock_movements
  FOR EACH STATEMENT EXECUTE FUNCTION stock_movements_append_only();

-- The ledger feeds on_hand. An AFTER trigger, so a movement skipped by ON CONFLICT moves nothing;
-- the stock row's checks (on_hand >= 0, allocated <= on_hand) then refuse any movement that would
-- take more than the shelf holds or what is promised to buyers.
CREATE FUNCTION stock_movements_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Update first: an INSERT's proposed row is checked before ON CONFLICT, and a negative
  -- movement's row would fail on_hand >= 0 even where stock exists.
  UPDATE stock SET on_hand = on_hand + NEW.qty WHERE sku_id = NEW.sku_id AND warehouse_id = NEW.warehouse_id;
  IF NOT FOUND THEN
    -- A first receipt racing another for the same row ends up in the DO UPDATE.
    INSERT INTO stock (sku_id, warehouse_id, on_hand) VALUES (NEW.sku_id, NEW.warehouse_id, NEW.qty)
    ON CONFLICT (sku_id, warehouse_id) DO UPDATE SET on_hand = stock.on_hand + EXCLUDED.on_hand;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stock_movements_apply AFTER INSERT ON stock_movements
  FOR EACH ROW EXECUTE FUNCTION stock_movements_apply();

-- Down Migration
DROP TRIGGER stock_movements_apply ON stock_movements;
DROP FUNCTION stock_movements_apply();
DROP TRIGGER stock_movements_append_only ON stock_movements;
DROP FUNCTION stock_movements_append_only();
DROP TABLE stock_alert_levels;
DROP TABLE stock_movements;
