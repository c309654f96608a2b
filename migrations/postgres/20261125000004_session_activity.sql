-- When each session was last used, for the idle timeout. migrations/sqlite has the same
-- change. NULL (sessions from before) counts as the session's start.
ALTER TABLE admin_sessions ADD COLUMN last_seen_at TIMESTAMPTZ;
