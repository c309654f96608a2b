-- The token list's "Created by" filter (one admin's tokens, or those of admins who are
-- gone) and its choices (admins who created a token) look tokens up by creator.
-- migrations/sqlite has the same change.
CREATE INDEX api_tokens_by_creator ON api_tokens (created_by, id);
