-- What the panel's notification bell lists: one row per recipient, so each admin reads
-- and clears their own. migrations/sqlite has the same change.
CREATE TABLE notifications (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    admin_id   BIGINT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    message    TEXT NOT NULL,
    link       TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
CREATE INDEX notifications_inbox ON notifications (admin_id, id DESC);
