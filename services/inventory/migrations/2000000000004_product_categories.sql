-- Up Migration
-- A product's category: the leader's commission rate depends on it.
ALTER TABLE products ADD COLUMN category text NOT NULL DEFAULT 'general';
-- Down Migration
ALTER TABLE products DROP COLUMN category;
