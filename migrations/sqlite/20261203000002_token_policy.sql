-- The token policy (src/policy.rs): one row, id 1, read on every token write so every
-- instance enforces the same one. NULL days mean "none" (no maximum, unlimited default,
-- never revoke for inactivity). `expiry_warning_days` is a JSON array of day counts,
-- longest first. migrations/postgres has the same change.
CREATE TABLE token_policy (
    id                        INTEGER PRIMARY KEY CHECK (id = 1),
    max_lifetime_days         INTEGER,
    require_expiry            BOOLEAN NOT NULL DEFAULT FALSE,
    default_duration_days     INTEGER DEFAULT 30,
    expiry_warning_days       TEXT NOT NULL DEFAULT '[7,1]',
    revoke_unused_after_days  INTEGER,
    updated_at                TEXT,
    updated_by                INTEGER REFERENCES admins (id) ON DELETE SET NULL
);

INSERT INTO token_policy (id) VALUES (1);
