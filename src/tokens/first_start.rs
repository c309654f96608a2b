//! The two tokens every new instance starts with, so an admin can get going by
//! regenerating one instead of filling in the create form.

use chrono::Utc;

use super::Tokens;
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{AuditAction, TokenType};
use crate::store::NewTokenRecord;
use crate::tokens::mint::{Minted, mint};

/// Name, description and type of each pre-generated token, in the order they are made.
pub const PREGENERATED: [(&str, &str, TokenType); 2] = [
    (
        "Full access",
        "Made on the first start. Regenerate it to get a value.",
        TokenType::FullAccess,
    ),
    (
        "Read-only",
        "Made on the first start. Regenerate it to get a value.",
        TokenType::ReadOnly,
    ),
];

impl Tokens {
    /// On the very first start of a database, stores the [`PREGENERATED`] tokens: no
    /// creator, no expiry, and values nobody ever sees (generated, hashed, dropped), so
    /// an admin regenerates one to use it. The audit log has each, by Tollgate itself. Later starts (of this or any other instance)
    /// do nothing, even once they are revoked or renamed. `true` when this call made them.
    pub async fn pregenerate_on_first_start(&self) -> Result<bool, ServiceError> {
        let now = Utc::now();
        let minted: Vec<Minted> = PREGENERATED.iter().map(|_| mint(&self.key)).collect();
        let records: Vec<NewTokenRecord<'_>> = PREGENERATED
            .iter()
            .zip(&minted)
            .map(|((name, description, token_type), minted)| {
                minted.unattended_record(name, description, *token_type, now)
            })
            .collect();
        let audit = event(
            &By::Tollgate,
            AuditAction::TokenCreate,
            None,
            "made on the first start",
        );
        let made = self.store.first_start(now, &records, &audit).await?;
        if made {
            tracing::info!("first start: pre-generated the “Full access” and “Read-only” tokens");
        }
        Ok(made)
    }
}
