-- Up Migration
-- What a room shows besides chat: the pinned product (a snapshot, so a join needs no catalog
-- call) and the flash sale running in it.
ALTER TABLE live_sessions ADD COLUMN pin jsonb;
ALTER TABLE live_sessions ADD COLUMN active_flash_sale_id text;
CREATE INDEX live_sessions_status ON live_sessions(status, scheduled_at DESC);
-- Down Migration
DROP INDEX live_sessions_status;
ALTER TABLE live_sessions DROP COLUMN active_flash_sale_id;
ALTER TABLE live_sessions DROP COLUMN pin;
