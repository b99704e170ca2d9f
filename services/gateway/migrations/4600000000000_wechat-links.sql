-- Up Migration
-- The WeChat Official Account openid a user linked through OAuth (snsapi_base), for template
-- messages. One openid per user and one user per openid: a WeChat account linked to two users
-- would get both users' parcels. Not tied to `users` by a foreign key: development buyers
-- (buyer-<n>) sign in without a users row and may link too.
CREATE TABLE wechat_links (
  user_id text PRIMARY KEY,
  openid text NOT NULL UNIQUE,
  linked_at timestamptz NOT NULL DEFAULT now()
);
-- Down Migration
DROP TABLE wechat_links;
