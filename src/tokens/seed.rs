//! Many tokens at once, for load tests: how verification behaves with a million rows.
//! Not an admin feature; the command that uses it prints token values on purpose.

use chrono::Utc;

use crate::ServiceError;
use crate::model::TokenType;
use crate::store::{NewTokenRecord, Store};
use crate::tokens::format::PlainToken;
use crate::tokens::mint::{Minted, mint};

/// Rows per transaction: large enough to be fast, small enough to keep memory flat.
const BATCH: usize = 5_000;

/// Stores `count` read-only tokens named `load-<run>-<n>` (no creator, no expiry) and
/// returns the values of the first `keep` of them.
pub async fn seed_tokens(
    store: &Store,
    key: &crate::server_key::ServerKey,
    count: usize,
    keep: usize,
) -> Result<Vec<PlainToken>, ServiceError> {
    let run = &PlainToken::generate().into_exposed()[3..11];
    let now = Utc::now();
    let mut kept = Vec::with_capacity(keep.min(count));
    let mut next = 0;
    while next < count {
        let size = BATCH.min(count - next);
        let minted: Vec<Minted> = (0..size).map(|_| mint(key)).collect();
        let names: Vec<String> = (next..next + size)
            .map(|n| format!("load-{run}-{n}"))
            .collect();
        let records: Vec<NewTokenRecord<'_>> = names
            .iter()
            .zip(&minted)
            .map(|(name, minted)| {
                minted.unattended_record(name, "load test", TokenType::ReadOnly, now)
            })
            .collect();
        store.insert_tokens(&records).await?;
        let wanted = keep.saturating_sub(kept.len());
        kept.extend(minted.into_iter().take(wanted).map(Minted::into_plain));
        next += size;
    }
    Ok(kept)
}
