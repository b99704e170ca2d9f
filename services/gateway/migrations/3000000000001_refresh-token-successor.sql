-- Up Migration
-- Each rotated refresh token names the one that replaced it, so a token presented again moments
-- after its rotation can be told apart: if its successor was never used, the answer carrying it was
-- probably lost (a tab reloaded mid-refresh) and the session goes on; otherwise it was copied.
ALTER TABLE refresh_tokens ADD COLUMN replaced_by text;
-- Down Migration
ALTER TABLE refresh_tokens DROP COLUMN replaced_by;
