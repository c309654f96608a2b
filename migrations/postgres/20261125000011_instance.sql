-- Things that happen once per database, not once per process: a row is written in the
-- same transaction as what it marks, so two instances starting together do it once.
-- migrations/sqlite has the same change.
CREATE TABLE instance (
    event       TEXT PRIMARY KEY,
    happened_at TIMESTAMPTZ NOT NULL
);

-- A database from before this migration has had its first start: its admins and tokens
-- are already there, and pre-generating tokens now would surprise them.
INSERT INTO instance (event, happened_at)
SELECT 'first_start_done', now()
WHERE EXISTS (SELECT 1 FROM admins) OR EXISTS (SELECT 1 FROM api_tokens);
