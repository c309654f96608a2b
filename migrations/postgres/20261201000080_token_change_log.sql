-- Token changes are also written to a log, in the transaction that makes them, so an
-- instance that was not listening (its connection dropped, Postgres restarted) catches
-- up on what it missed instead of trusting its cache (src/feed.rs). Each row carries the
-- id of the transaction that wrote it: an instance notes the oldest transaction still
-- running when it last caught up, and next time reads every change by that transaction
-- or a later one, so a change that commits late is never skipped. Rows older than an
-- hour are pruned by the instances; one that was away longer drops its whole cache.
-- The hashes are the keyed ones api_tokens held (never a token), of tokens that no longer
-- work or whose settings changed; NOTIFY already carries the same values.
--
-- SQLite has no equivalent: one process owns the file, and every change goes through its
-- own cache, so there is nothing to follow.
CREATE TABLE token_change_log (
    id         BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL,
    txid       BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX token_change_log_by_txid ON token_change_log (txid);
CREATE INDEX token_change_log_by_time ON token_change_log (changed_at);

-- The trigger of 20261124000001, which also logs what it announces.
CREATE OR REPLACE FUNCTION tollgate_announce_token_change() RETURNS trigger AS $$
BEGIN
    IF OLD.token_hash IS NOT NULL THEN
        INSERT INTO token_change_log (token_hash) VALUES (OLD.token_hash);
        PERFORM pg_notify('tollgate_token_changes', OLD.token_hash);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
