-- Why a token was revoked when no admin did it: 'leaked' (a report to
-- POST /api/tokens/leaked, src/tokens/leaks.rs) — NULL when an admin revoked it
-- (`revoked_by` says who). For a leak, where it was found (`leak_source`, a URL the
-- reporter may send) and the address the report came from. migrations/sqlite has the
-- same change.
ALTER TABLE api_tokens ADD COLUMN revoked_reason TEXT;
ALTER TABLE api_tokens ADD COLUMN leak_source TEXT;
ALTER TABLE api_tokens ADD COLUMN leak_reported_from TEXT;
