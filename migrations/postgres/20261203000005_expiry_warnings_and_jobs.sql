-- Expiry warnings and renew (src/tokens/expiry_warnings.rs, src/tokens/renew.rs), and
-- the lifecycle jobs' leases (src/tokens/lifecycle.rs). migrations/sqlite has the same change.

-- When the current expiry was chosen (the create, an edit of the expiry, "bring into
-- policy", a renew). expires_at - expiry_set_at is the duration a renew extends by, and
-- no warning is sent for a threshold longer than that duration. Existing tokens chose
-- theirs when they were created.
ALTER TABLE api_tokens ADD COLUMN expiry_set_at TIMESTAMPTZ;
UPDATE api_tokens SET expiry_set_at = created_at;

-- One row per warning sent: a token, a threshold (days before expiry) and the expiry it
-- was about. Inserted in the same transaction as the bell entries and the webhook event,
-- and only the instance whose insert lands sends: once per token and threshold however
-- many instances run. A renewed token has a new expires_at, so it can be warned again.
CREATE TABLE expiry_warnings (
    token_id   BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    days       INTEGER NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (token_id, days, expires_at)
);

-- Working tokens by expiry, for the warning job's range read.
CREATE INDEX api_tokens_expiring ON api_tokens (expires_at)
    WHERE revoked_at IS NULL AND expires_at IS NOT NULL;

-- A background job that must run on one instance at a time (the inactivity revocation)
-- takes its lease here: an upsert that lands only when the previous lease has ended.
CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY,
    held_until TIMESTAMPTZ NOT NULL
);
