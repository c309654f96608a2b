-- Roles and administrator status. migrations/postgres has the same change.

-- A role is a named set of admin permissions. The three built-in roles are marked by
-- `built_in` (their key) and get their permissions from the code, so a permission added
-- later reaches Super Admin without a migration; `permissions` (a JSON array) is what a
-- custom role allows.
CREATE TABLE roles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    built_in    TEXT UNIQUE CHECK (built_in IN ('super-admin', 'editor', 'viewer')),
    permissions TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX roles_name ON roles (lower(name));

INSERT INTO roles (id, name, built_in, created_at) VALUES
    (1, 'Super Admin', 'super-admin', '2026-11-25T00:00:00+00:00'),
    (2, 'Editor',      'editor',      '2026-11-25T00:00:00+00:00'),
    (3, 'Viewer',      'viewer',      '2026-11-25T00:00:00+00:00');

-- SQLite only adds a foreign-key column whose default is NULL; the services always set it,
-- and every existing administrator (there was no other kind) becomes a Super Admin.
ALTER TABLE admins ADD COLUMN role_id INTEGER REFERENCES roles (id);
UPDATE admins SET role_id = 1;
CREATE INDEX admins_role ON admins (role_id);

-- Removing an admin keeps the row (status 'removed'), so tokens still name their creator.
ALTER TABLE admins ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'deactivated', 'removed'));
ALTER TABLE admins ADD COLUMN last_sign_in_at TEXT;
