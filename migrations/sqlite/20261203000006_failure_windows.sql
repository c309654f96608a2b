-- The failure throttles' counts, shared by every instance (src/failure_throttle/shared.rs,
-- src/store/failure_windows.rs). migrations/postgres has the same change.

-- One fixed window per throttle and subject: invalid tokens per client address, failed
-- sign-ins per account and per address, leak reports per address. Written only when
-- something fails (or a sign-in attempt is counted before its password is checked); a
-- valid request reads the instance's memory only. The subject is HMAC-SHA256(server key,
-- the address or the account's hashed email): never an address or an email in clear.
-- Rows whose window has closed are purged by the lifecycle jobs.
CREATE TABLE failure_windows (
    kind      TEXT NOT NULL,
    subject   BLOB NOT NULL,
    closes_at TEXT NOT NULL,
    failures  INTEGER NOT NULL,
    PRIMARY KEY (kind, subject)
);
