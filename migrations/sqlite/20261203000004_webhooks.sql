-- Signed webhooks (Settings > Webhooks): the endpoints, and the outbox of deliveries that
-- the change causing an event writes in its own transaction (one row per subscribed
-- endpoint). migrations/postgres has the same change.
CREATE TABLE webhook_endpoints (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    url           TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    -- A JSON array of event names (`["token.created","token.revoked"]`).
    events        TEXT NOT NULL DEFAULT '[]',
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    -- `whsec_…`, kept as is (it signs, so it cannot be a hash) and never returned again.
    secret        TEXT NOT NULL,
    failing_since TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The `webhook-id` header: the same on every attempt and redelivery.
    message_id       TEXT NOT NULL,
    event            TEXT NOT NULL,
    -- Deliveries for one token reach one endpoint in order (NULL: no order to keep).
    token_id         INTEGER,
    payload          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    -- When the current round of retries began: the event, or the latest "redeliver".
    queued_at        TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    -- Claimed by a worker until then; a worker that died leaves it to the next.
    lease_until      TEXT,
    last_attempt_at  TEXT,
    status_code      INTEGER,
    response_excerpt TEXT,
    error            TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (endpoint_id, token_id, id);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (endpoint_id, id DESC);
