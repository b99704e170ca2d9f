-- Up Migration
-- One live payment intent per order, refunds as rows of their own, and every provider callback
-- kept with what it said, so charges can be counted and reconciled.

-- Older rows may hold several PENDING intents for one order (the bug this fixes); all but the
-- newest, and any beside a captured payment, were never going to settle.
UPDATE payments p SET status = 'EXPIRED', settled_at = now()
 WHERE status = 'PENDING'
   AND (EXISTS (SELECT 1 FROM payments s WHERE s.order_id = p.order_id AND s.status = 'SUCCEEDED')
        OR EXISTS (SELECT 1 FROM payments n WHERE n.order_id = p.order_id AND n.status = 'PENDING' AND (n.created_at, n.id) > (p.created_at, p.id)));

-- PENDING: charge requested; SUCCEEDED: captured and the order's payment; FAILED: declined;
-- EXPIRED: closed with its order before the provider answered; CAPTURED: money taken that the
-- order cannot use (late or duplicate), a refund is owed; REFUNDED: all of it went back.
ALTER TABLE payments ADD CONSTRAINT payments_status
  CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED', 'CAPTURED', 'REFUNDED'));
-- The guard against a second charge: concurrent pays (on any replica) meet here.
CREATE UNIQUE INDEX payments_one_live_intent ON payments(order_id) WHERE status IN ('PENDING', 'SUCCEEDED');
CREATE INDEX payments_pending ON payments(created_at) WHERE status = 'PENDING';

ALTER TABLE payment_callbacks ADD COLUMN status text NOT NULL DEFAULT '';
CREATE INDEX payment_callbacks_payment ON payment_callbacks(payment_id);

CREATE TABLE refunds (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments(id),
  order_id uuid NOT NULL REFERENCES orders(id),
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  reason text NOT NULL,
  -- Why the money goes back (e.g. late-capture:<paymentId>); one refund per cause.
  cause text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'REQUESTED' CHECK (status IN ('REQUESTED', 'SUCCEEDED', 'FAILED')),
  provider_refund_id text NOT NULL DEFAULT '',
  failure text NOT NULL DEFAULT '',
  requested_at timestamptz NOT NULL DEFAULT now(),
  -- When a pod last asked the provider; a REQUESTED refund untouched for a while is retried.
  attempted_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);
CREATE INDEX refunds_payment ON refunds(payment_id);
CREATE INDEX refunds_open ON refunds(attempted_at) WHERE status = 'REQUESTED';
-- Down Migration
DROP TABLE refunds;
DROP INDEX payment_callbacks_payment;
ALTER TABLE payment_callbacks DROP COLUMN status;
DROP INDEX payments_pending;
DROP INDEX payments_one_live_intent;
ALTER TABLE payments DROP CONSTRAINT payments_status;
