-- The audit log, and each session's password re-confirmation. migrations/sqlite has the
-- same change.
--
-- An event keeps the names as they were (the actor's, the target's): admins are renamed and
-- removed, tokens renamed and revoked, and the log must still read as it happened. The ids
-- are kept for filtering; they are not foreign keys, so nothing is lost if a row goes.
CREATE TABLE audit_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    action      TEXT NOT NULL,
    -- NULL: nobody signed in (a failed sign-in, the command line).
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL,
    target_kind TEXT,
    target_id   BIGINT,
    target_name TEXT,
    detail      TEXT NOT NULL DEFAULT '',
    ip          TEXT,
    user_agent  TEXT
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id DESC);
CREATE INDEX audit_events_target ON audit_events (target_kind, target_id, id DESC);
CREATE INDEX audit_events_action ON audit_events (action, id DESC);
CREATE INDEX audit_events_at ON audit_events (at, id);

-- Until when the session's password counts as just typed (signing in counts).
ALTER TABLE admin_sessions ADD COLUMN confirmed_until TIMESTAMPTZ;
