-- Usage that the verifier counts in memory and flushes in batches, replaceable documents
-- for the full protected API, and change notifications for the other instances' caches.
-- migrations/sqlite has the same tables.

-- The address of the latest authenticated use, next to its time.
ALTER TABLE api_tokens ADD COLUMN last_used_ip TEXT;

-- Requests per token and UTC day; 401s (expired) and 403s (missing permission) among them.
CREATE TABLE token_usage_daily (
    token_id     BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    day          DATE NOT NULL,
    requests     BIGINT NOT NULL DEFAULT 0,
    unauthorized BIGINT NOT NULL DEFAULT 0,
    forbidden    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (token_id, day)
);

ALTER TABLE documents ADD COLUMN updated_at TIMESTAMPTZ;

-- Every instance caches working tokens by hash. Whenever a row changes in a way that
-- matters to verification (revoked, regenerated, new type, permissions, name or expiry),
-- whoever made the change, the old hash is announced on `tollgate_token_changes` and every
-- listening instance drops it. Usage bookkeeping (last_used_*) announces nothing.
CREATE FUNCTION tollgate_announce_token_change() RETURNS trigger AS $$
BEGIN
    IF OLD.token_hash IS NOT NULL THEN
        PERFORM pg_notify('tollgate_token_changes', OLD.token_hash);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER api_tokens_announce_update
    AFTER UPDATE ON api_tokens
    FOR EACH ROW
    WHEN (OLD.token_hash IS DISTINCT FROM NEW.token_hash
       OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
       OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
       OR OLD.token_type IS DISTINCT FROM NEW.token_type
       OR OLD.permissions IS DISTINCT FROM NEW.permissions
       OR OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION tollgate_announce_token_change();

CREATE TRIGGER api_tokens_announce_delete
    AFTER DELETE ON api_tokens
    FOR EACH ROW
    EXECUTE FUNCTION tollgate_announce_token_change();
