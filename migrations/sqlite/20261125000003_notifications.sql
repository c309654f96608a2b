-- What the panel's notification bell lists: one row per recipient, so each admin reads
-- and clears their own. migrations/postgres has the same change.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    admin_id   INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    message    TEXT NOT NULL,
    link       TEXT,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_inbox ON notifications (admin_id, id DESC);
