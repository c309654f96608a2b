-- Tollgate's schema on Postgres. migrations/sqlite holds the same schema for SQLite;
-- change both together.

CREATE TABLE admins (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- One row, written together with the first administrator: the primary key makes a second
-- "first administrator" impossible even when two requests race.
CREATE TABLE instance_setup (
    id           SMALLINT PRIMARY KEY CHECK (id = 1),
    completed_at TIMESTAMPTZ NOT NULL
);

-- Sessions are stored by the SHA-256 of their id, never the id itself.
CREATE TABLE admin_sessions (
    id_hash    TEXT PRIMARY KEY,
    admin_id   BIGINT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

-- Tokens are stored by the HMAC of their value. Revoking keeps the row (history) and
-- clears the hash, so the value can never match again.
CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    token_type   TEXT NOT NULL CHECK (token_type IN ('read-only', 'full-access', 'custom')),
    permissions  TEXT NOT NULL DEFAULT '[]',
    token_hash   TEXT UNIQUE,
    hint         TEXT NOT NULL,
    created_by   BIGINT REFERENCES admins (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
-- Names are unique among tokens that still work, ignoring case.
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (lower(name)) WHERE revoked_at IS NULL;
CREATE INDEX api_tokens_newest ON api_tokens (created_at DESC, id DESC);

-- The demo content the protected API serves: JSON documents per resource.
CREATE TABLE documents (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource   TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX documents_by_resource ON documents (resource, id);

INSERT INTO documents (resource, body, created_at) VALUES
    ('articles',   '{"title":"Getting started with API tokens","slug":"getting-started","author":"Grace Hopper"}', '2026-01-05T09:00:00+00:00'),
    ('articles',   '{"title":"Rotating secrets without downtime","slug":"rotating-secrets","author":"Alan Turing"}', '2026-02-12T14:30:00+00:00'),
    ('articles',   '{"title":"Least privilege for CI pipelines","slug":"least-privilege-ci","author":"Grace Hopper"}', '2026-03-20T08:15:00+00:00'),
    ('categories', '{"name":"Security","slug":"security"}', '2026-01-01T00:00:00+00:00'),
    ('categories', '{"name":"Operations","slug":"operations"}', '2026-01-01T00:00:00+00:00'),
    ('authors',    '{"name":"Grace Hopper","email":"grace@example.com"}', '2026-01-01T00:00:00+00:00'),
    ('authors',    '{"name":"Alan Turing","email":"alan@example.com"}', '2026-01-01T00:00:00+00:00');
