//! Many tokens at once, for load tests: how verification behaves with a million rows.
//! Not an admin feature; the command that uses it prints token values on purpose.

use chrono::Utc;

use crate::ServiceError;
use crate::model::TokenType;
use crate::store::{NewTokenRecord, Store};
use crate::tokens::format::PlainToken;

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
        let plains: Vec<PlainToken> = (0..size).map(|_| PlainToken::generate()).collect();
        let rows: Vec<(String, String, String)> = plains
            .iter()
            .enumerate()
            .map(|(i, plain)| {
                let name = format!("load-{run}-{}", next + i);
                (name, plain.hash(key).as_str().to_owned(), plain.hint())
            })
            .collect();
        let records: Vec<NewTokenRecord<'_>> = rows
            .iter()
            .map(|(name, hash, hint)| NewTokenRecord {
                name,
                description: "load test",
                token_type: TokenType::ReadOnly,
                permissions: &[],
                token_hash: hash,
                hint,
                created_by: None,
                created_at: now,
                expires_at: None,
            })
            .collect();
        store.insert_tokens(&records).await?;
        kept.extend(plains.into_iter().take(keep.saturating_sub(kept.len())));
        next += size;
    }
    Ok(kept)
}
