-- Up Migration
-- Leader applications (注册审核): submitted by the applicant (or an admin for them), decided once by
-- an admin. Approval records the leader and their pickup point (created in fulfillment).
CREATE TABLE leader_applications (
  id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
  name text NOT NULL,
  phone text NOT NULL,
  community text NOT NULL,
  address text NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  zone text NOT NULL,
  submitted_by text NOT NULL,
  submitted_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  reason text NOT NULL DEFAULT '',
  -- Named at submission for a leader who predates onboarding; otherwise made at approval.
  leader_id text,
  pickup_point_id text,
  warehouse_id text,
  CHECK ((status = 'PENDING') = (decided_at IS NULL)),
  CHECK (status <> 'REJECTED' OR reason <> ''),
  CHECK (status <> 'APPROVED' OR (leader_id IS NOT NULL AND pickup_point_id IS NOT NULL AND warehouse_id IS NOT NULL))
);
-- One open application per phone: a second one while the first waits, or once it made a leader,
-- is refused (a rejected applicant may apply again).
CREATE UNIQUE INDEX leader_applications_open_phone ON leader_applications (phone) WHERE status IN ('PENDING', 'APPROVED');
CREATE UNIQUE INDEX leader_applications_open_leader ON leader_applications (leader_id) WHERE status IN ('PENDING', 'APPROVED');
CREATE INDEX leader_applications_queue ON leader_applications (status, submitted_at);
CREATE INDEX leader_applications_submitter ON leader_applications (submitted_by, submitted_at);
-- Down Migration
DROP TABLE leader_applications;
