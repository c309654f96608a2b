-- Usage that the verifier counts in memory and flushes in batches, and replaceable
-- documents for the full protected API. migrations/postgres has the same change.

-- The address of the latest authenticated use, next to its time.
ALTER TABLE api_tokens ADD COLUMN last_used_ip TEXT;

-- Requests per token and UTC day; 401s (expired) and 403s (missing permission) among them.
CREATE TABLE token_usage_daily (
    token_id     INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    requests     INTEGER NOT NULL DEFAULT 0,
    unauthorized INTEGER NOT NULL DEFAULT 0,
    forbidden    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, day)
);

ALTER TABLE documents ADD COLUMN updated_at TEXT;
