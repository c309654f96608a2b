-- Who revoked a token, and an index for every column the token list sorts by, so keyset
-- pagination (WHERE (key, id) > (…) ORDER BY key, id LIMIT n) reads one index range per
-- page however deep. migrations/sqlite has the same change.
--
-- Cache invalidation needs nothing new: the trigger of 20261124000001 already announces
-- every change of token_hash (regenerate, revoke), revoked_at, expires_at, token_type,
-- permissions and name; revoked_by and description don't affect verification.

-- The revoking admin; kept as NULL ("unknown") when that admin is removed.
ALTER TABLE api_tokens ADD COLUMN revoked_by BIGINT REFERENCES admins (id) ON DELETE SET NULL;

-- Each index holds exactly the expression the list query sorts by (src/store/token_list.rs).
-- A token never used sorts as the oldest use, one that never expires as the latest expiry.
-- Created-at sorting uses api_tokens_newest from the initial migration.
CREATE INDEX api_tokens_by_name ON api_tokens (lower(name), id);
CREATE INDEX api_tokens_by_type ON api_tokens (token_type, id);
CREATE INDEX api_tokens_by_last_use ON api_tokens (COALESCE(last_used_at, '-infinity'), id);
CREATE INDEX api_tokens_by_expiry ON api_tokens (COALESCE(expires_at, 'infinity'), id);
