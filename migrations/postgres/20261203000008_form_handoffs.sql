-- What a form posted without JavaScript leaves for the page it redirects to (a new token's
-- value, a refused form), so that page finds it on whichever instance it lands. Sealed
-- (XChaCha20-Poly1305 under a key derived from the server key, bound to the session and
-- the page: src/form_handoffs.rs), never in clear; taken by the first read, refused after a
-- minute, purged by the lifecycle jobs.
CREATE TABLE form_handoffs (
    -- SHA-256 of the session id, as the sessions table keeps it.
    session_hash TEXT NOT NULL,
    page         TEXT NOT NULL,
    -- The 24-byte nonce, then the ciphertext and its tag.
    sealed       BYTEA NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_hash, page)
);
