-- Up Migration
-- Each notice's delivery through a paid channel (SMS), at most once per (notice, channel): a pod
-- claims the row ('sending') before it sends, so a redelivered event or a second pod finds it taken
-- and sends nothing; the outcome replaces the claim. A pod that dies between claim and send leaves
-- 'sending' (not sent again: a missed text beats a double one, and the inbox row still has it).
CREATE TABLE notice_deliveries (
  notice_id uuid NOT NULL REFERENCES notices (id),
  channel text NOT NULL,
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
  -- Why it failed or was skipped (never the phone or the text).
  detail text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notice_id, channel)
);
-- Down Migration
DROP TABLE notice_deliveries;
