-- How a token may be used (src/model/restrictions.rs): the limits set on create or edit,
-- as one JSON object (`allowed_networks`, `rate_limit`, `quota`, `not_before`), and the
-- metadata returned on verify (a JSON object, at most 4 KB). migrations/sqlite has the
-- same change.
ALTER TABLE api_tokens ADD COLUMN restrictions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE api_tokens ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';

-- The quota's state. `quota_remaining` is what no instance has leased yet (each takes a
-- block at a time, src/tokens/quota.rs); `quota_period_start` is when a refilling quota
-- was last filled up; `quota_epoch` changes whenever an admin sets the remaining count,
-- so instances drop the blocks they hold.
ALTER TABLE api_tokens ADD COLUMN quota_remaining BIGINT;
ALTER TABLE api_tokens ADD COLUMN quota_period_start TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN quota_epoch BIGINT NOT NULL DEFAULT 0;

-- Suspended: refused until resumed (revoking is for good).
ALTER TABLE api_tokens ADD COLUMN suspended_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN suspended_by BIGINT REFERENCES admins (id) ON DELETE SET NULL;
ALTER TABLE api_tokens ADD COLUMN suspend_reason TEXT;

-- A regenerate with a grace period keeps the old value's hash working until
-- `previous_until`.
ALTER TABLE api_tokens ADD COLUMN previous_hash TEXT;
ALTER TABLE api_tokens ADD COLUMN previous_hint TEXT;
ALTER TABLE api_tokens ADD COLUMN previous_until TIMESTAMPTZ;
CREATE UNIQUE INDEX api_tokens_previous_hash ON api_tokens (previous_hash)
    WHERE previous_hash IS NOT NULL;

-- Refused by a rate limit or an exhausted quota (429).
ALTER TABLE token_usage_daily ADD COLUMN limited BIGINT NOT NULL DEFAULT 0;

CREATE TABLE token_previous_value_uses (
    token_id BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    ip       TEXT NOT NULL,
    requests BIGINT NOT NULL DEFAULT 0,
    last_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (token_id, ip)
);

CREATE TABLE token_permission_usage (
    token_id   BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    day        DATE NOT NULL,
    permission TEXT NOT NULL,
    requests   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, day, permission)
);

-- Every instance caches working tokens by hash, the previous value's too. A change to
-- anything verification reads announces both hashes the row had; the quota's leases
-- (quota_remaining alone) and usage bookkeeping announce nothing.
CREATE OR REPLACE FUNCTION tollgate_announce_token_change() RETURNS trigger AS $$
BEGIN
    IF OLD.token_hash IS NOT NULL THEN
        INSERT INTO token_change_log (token_hash) VALUES (OLD.token_hash);
        PERFORM pg_notify('tollgate_token_changes', OLD.token_hash);
    END IF;
    IF OLD.previous_hash IS NOT NULL THEN
        INSERT INTO token_change_log (token_hash) VALUES (OLD.previous_hash);
        PERFORM pg_notify('tollgate_token_changes', OLD.previous_hash);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER api_tokens_announce_update ON api_tokens;
CREATE TRIGGER api_tokens_announce_update
    AFTER UPDATE ON api_tokens
    FOR EACH ROW
    WHEN (OLD.token_hash IS DISTINCT FROM NEW.token_hash
       OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
       OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
       OR OLD.token_type IS DISTINCT FROM NEW.token_type
       OR OLD.permissions IS DISTINCT FROM NEW.permissions
       OR OLD.name IS DISTINCT FROM NEW.name
       OR OLD.restrictions IS DISTINCT FROM NEW.restrictions
       OR OLD.metadata IS DISTINCT FROM NEW.metadata
       OR OLD.quota_epoch IS DISTINCT FROM NEW.quota_epoch
       OR OLD.suspended_at IS DISTINCT FROM NEW.suspended_at
       OR OLD.previous_hash IS DISTINCT FROM NEW.previous_hash
       OR OLD.previous_until IS DISTINCT FROM NEW.previous_until)
    EXECUTE FUNCTION tollgate_announce_token_change();
