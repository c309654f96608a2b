-- How a token may be used (src/model/restrictions.rs): the limits set on create or edit,
-- as one JSON object (`allowed_networks`, `rate_limit`, `quota`, `not_before`), and the
-- metadata returned on verify (a JSON object, at most 4 KB). migrations/postgres has the
-- same change.
ALTER TABLE api_tokens ADD COLUMN restrictions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE api_tokens ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';

-- The quota's state. `quota_remaining` is what no instance has leased yet (each takes a
-- block at a time, src/tokens/quota.rs); `quota_period_start` is when a refilling quota
-- was last filled up; `quota_epoch` changes whenever an admin sets the remaining count,
-- so instances drop the blocks they hold.
ALTER TABLE api_tokens ADD COLUMN quota_remaining INTEGER;
ALTER TABLE api_tokens ADD COLUMN quota_period_start TEXT;
ALTER TABLE api_tokens ADD COLUMN quota_epoch INTEGER NOT NULL DEFAULT 0;

-- Suspended: refused until resumed (revoking is for good).
ALTER TABLE api_tokens ADD COLUMN suspended_at TEXT;
ALTER TABLE api_tokens ADD COLUMN suspended_by INTEGER REFERENCES admins (id) ON DELETE SET NULL;
ALTER TABLE api_tokens ADD COLUMN suspend_reason TEXT;

-- A regenerate with a grace period keeps the old value's hash working until
-- `previous_until`.
ALTER TABLE api_tokens ADD COLUMN previous_hash TEXT;
ALTER TABLE api_tokens ADD COLUMN previous_hint TEXT;
ALTER TABLE api_tokens ADD COLUMN previous_until TEXT;
CREATE UNIQUE INDEX api_tokens_previous_hash ON api_tokens (previous_hash)
    WHERE previous_hash IS NOT NULL;

-- Refused by a rate limit or an exhausted quota (429).
ALTER TABLE token_usage_daily ADD COLUMN limited INTEGER NOT NULL DEFAULT 0;

-- Requests made with a previous value during its grace period, per client address
-- ('' when unknown): the token's page shows who still has to switch.
CREATE TABLE token_previous_value_uses (
    token_id INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    ip       TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    last_at  TEXT NOT NULL,
    PRIMARY KEY (token_id, ip)
);

-- Allowed requests per permission and day: which permissions a token never uses.
CREATE TABLE token_permission_usage (
    token_id   INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    permission TEXT NOT NULL,
    requests   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, day, permission)
);
