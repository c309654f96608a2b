-- Rate limits counted for every instance at once (src/tokens/rate_limit.rs): per token, the
-- current fixed window (`window_seconds` long, starting at `window_start`, aligned to the
-- clock) and how many of its requests instances have leased so far. One row per token,
-- overwritten when a new window begins, so the table never grows beyond the tokens that
-- have a limit. No trigger announces it: a lease changes nothing a cache holds.
-- migrations/sqlite has the same change.
CREATE TABLE rate_windows (
    token_id       BIGINT PRIMARY KEY REFERENCES api_tokens (id) ON DELETE CASCADE,
    window_seconds BIGINT NOT NULL,
    window_start   TIMESTAMPTZ NOT NULL,
    used           BIGINT NOT NULL
);
