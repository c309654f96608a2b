-- Names compared and searched in one folded form (NFKC, Unicode lower case; see
-- src/validate/text.rs), computed in Rust and stored beside the name, so that both
-- databases agree: SQLite's lower() folds ASCII only, Postgres' follows its locale.
-- migrations/postgres has the same change.
--
-- SQL cannot compute the fold, so the columns start empty (NULL) and the store fills
-- every row still without one right after migrating, on each start (src/store/folding.rs);
-- that also covers rows an older instance wrote during a rolling upgrade. NULLs never
-- clash in a unique index.

ALTER TABLE api_tokens ADD COLUMN name_fold TEXT;
ALTER TABLE api_tokens ADD COLUMN description_fold TEXT;

-- Names are unique among tokens that still work, as folded.
DROP INDEX api_tokens_active_name;
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (name_fold) WHERE revoked_at IS NULL;
-- The name sort (src/store/token_list.rs) sorts by exactly this.
DROP INDEX api_tokens_by_name;
CREATE INDEX api_tokens_by_name ON api_tokens (name_fold, id);

ALTER TABLE roles ADD COLUMN name_fold TEXT;
DROP INDEX roles_name;
CREATE UNIQUE INDEX roles_name ON roles (name_fold);
