//! Minting a token: its value generated, hashed with the server key and hinted in one call,
//! and what the store records of it. What the store keeps of a value ([`StoredSecret`])
//! only comes from here, so no writer can store a hash without its hint, or the hash of a
//! value that was not freshly generated.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::model::Metadata;
use crate::model::{RevealedSecret, TokenType};
use crate::server_key::ServerKey;
use crate::store::NewTokenRecord;

/// A token Tollgate makes on its own carries no metadata.
static NO_METADATA: std::sync::LazyLock<Metadata> = std::sync::LazyLock::new(Metadata::default);
use crate::tokens::format::{PlainToken, TokenHash};

/// A freshly generated token: its value, and what the database will keep of it.
pub struct Minted {
    plain: PlainToken,
    stored: StoredSecret,
}

/// What the database keeps of a token's value: its keyed hash, and the hint the list
/// shows (`tg_…` and the last four characters). Only [`mint`] makes one.
pub struct StoredSecret {
    hash: TokenHash,
    hint: String,
}

/// Generates a token value and computes its hash under `key` and its hint.
pub fn mint(key: &ServerKey) -> Minted {
    let plain = PlainToken::generate();
    let stored = StoredSecret {
        hash: plain.hash(key),
        hint: plain.hint(),
    };
    Minted { plain, stored }
}

impl Minted {
    /// What to store: hand it to the token record or the hash replacement.
    pub fn stored(&self) -> &StoredSecret {
        &self.stored
    }

    /// The record of a token Tollgate makes on its own (the first start's, load-test
    /// seeding): no creator, no expiry, no permissions beyond its type's.
    pub fn unattended_record<'a>(
        &'a self,
        name: &'a str,
        description: &'a str,
        token_type: TokenType,
        now: DateTime<Utc>,
    ) -> NewTokenRecord<'a> {
        NewTokenRecord {
            name,
            description,
            token_type,
            permissions: &[],
            secret: &self.stored,
            created_by: None,
            created_at: now,
            expires_at: None,
            restrictions: &crate::model::UNRESTRICTED,
            metadata: &NO_METADATA,
        }
    }

    /// The value, for the one response that reveals it.
    pub fn reveal(self) -> RevealedSecret {
        RevealedSecret(self.plain.into_exposed())
    }

    /// The value itself, for callers that print it on purpose (load-test seeding).
    pub fn into_plain(self) -> PlainToken {
        self.plain
    }
}

impl StoredSecret {
    pub fn hash(&self) -> &str {
        self.hash.as_str()
    }

    pub fn hint(&self) -> &str {
        &self.hint
    }
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("stored", &self.stored)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSecret")
            .field("hint", &self.hint)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_hash_and_hint_are_of_the_revealed_value() {
        let key = ServerKey::from_bytes([5; 32]);
        let minted = mint(&key);
        let hash = minted.stored().hash().to_owned();
        let hint = minted.stored().hint().to_owned();
        let debug = format!("{minted:?}");
        let plain = minted.into_plain();
        assert_eq!(hash, plain.hash(&key).as_str());
        assert_eq!(hint, plain.hint());
        assert!(!debug.contains(plain.expose()));
        assert!(!debug.contains(&hash));
        assert_ne!(mint(&key).stored().hash(), hash);
    }
}
