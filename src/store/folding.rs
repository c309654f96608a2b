//! Fills the folded-name columns of rows that have none yet: every row when the
//! `folded_names` migration has just added them, and later any row an older instance wrote
//! during a rolling upgrade. SQL cannot fold (src/validate/text.rs does), so this runs in
//! Rust, right after the migrations, on every start; with nothing to fill it is one
//! query that finds nothing.
//!
//! Two working tokens (or two roles) whose names only now count as the same, like "ÉTÉ" and
//! "été" that SQLite's ASCII-only `lower()` let through, cannot both hold the same key in
//! the unique index: the later one's key gets ` #<id>` appended, which keeps it listed,
//! searchable and sorted beside its twin, and a warning asks for one of them to be renamed
//! (any rename stores the plain key again, and is refused while the twin works).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, on_pool};
use crate::validate::fold;

/// Rows per transaction.
const CHUNK: i64 = 1_000;
/// A key taken meanwhile by another instance's write fails the chunk: it is read again.
const ATTEMPTS: usize = 3;

#[derive(FromRow)]
struct UnfoldedToken {
    id: i64,
    name: String,
    description: String,
    revoked_at: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct UnfoldedRole {
    id: i64,
    name: String,
}

/// `key`, or if another working row holds it, `key #id` (and more if even that is taken).
fn unique_key(taken: &mut HashSet<String>, key: String, id: i64, what: &str) -> String {
    if taken.insert(key.clone()) {
        return key;
    }
    let mut candidate = format!("{key} #{id}");
    while !taken.insert(candidate.clone()) {
        candidate.push_str(&format!(" #{id}"));
    }
    tracing::warn!(
        id,
        "this {what}'s name now counts as the same as another's (case and look-alike \
         characters are ignored): rename one of them"
    );
    candidate
}

impl Store {
    /// Folds what is not folded yet; see the module comment.
    pub(super) async fn fold_names(&self) -> StoreResult<()> {
        for attempt in 1..=ATTEMPTS {
            let folded = async {
                self.fold_tokens().await?;
                self.fold_roles().await
            };
            match folded.await {
                Err(StoreError::UniqueViolation) if attempt < ATTEMPTS => continue,
                other => return other,
            }
        }
        Ok(())
    }

    async fn fold_tokens(&self) -> StoreResult<()> {
        const TAKEN: &str = "SELECT name_fold FROM api_tokens \
                             WHERE revoked_at IS NULL AND name_fold IS NOT NULL";
        const NEXT: &str = "SELECT id, name, description, revoked_at FROM api_tokens \
                            WHERE name_fold IS NULL AND id > $1 ORDER BY id LIMIT $2";
        const FILL: &str = "UPDATE api_tokens SET name_fold = $1, description_fold = $2 \
                            WHERE id = $3 AND name_fold IS NULL";
        // Read only once there is something to fold: normally there is not.
        let mut taken: Option<HashSet<String>> = None;
        let mut after = 0_i64;
        loop {
            let rows: Vec<UnfoldedToken> = on_pool!(self, |pool| sqlx::query_as(NEXT)
                .bind(after)
                .bind(CHUNK)
                .fetch_all(pool)
                .await?);
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.id;
            let taken = match &mut taken {
                Some(taken) => taken,
                None => taken.insert(
                    on_pool!(self, |pool| sqlx::query_scalar(TAKEN)
                        .fetch_all(pool)
                        .await?)
                    .into_iter()
                    .collect(),
                ),
            };
            let filled: Vec<(String, String, i64)> = rows
                .into_iter()
                .map(|row| {
                    let key = fold(&row.name);
                    let key = if row.revoked_at.is_none() {
                        unique_key(taken, key, row.id, "token")
                    } else {
                        key
                    };
                    (key, fold(&row.description), row.id)
                })
                .collect();
            on_pool!(self, |pool| {
                let mut tx = pool.begin().await?;
                for (name, description, id) in &filled {
                    sqlx::query(FILL)
                        .bind(name)
                        .bind(description)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?
            });
        }
    }

    async fn fold_roles(&self) -> StoreResult<()> {
        const TAKEN: &str = "SELECT name_fold FROM roles WHERE name_fold IS NOT NULL";
        const UNFOLDED: &str = "SELECT id, name FROM roles WHERE name_fold IS NULL ORDER BY id";
        const FILL: &str = "UPDATE roles SET name_fold = $1 WHERE id = $2 AND name_fold IS NULL";
        let rows: Vec<UnfoldedRole> = on_pool!(self, |pool| sqlx::query_as(UNFOLDED)
            .fetch_all(pool)
            .await?);
        if rows.is_empty() {
            return Ok(());
        }
        let mut taken: HashSet<String> = on_pool!(self, |pool| sqlx::query_scalar(TAKEN)
            .fetch_all(pool)
            .await?)
        .into_iter()
        .collect();
        let filled: Vec<(String, i64)> = rows
            .into_iter()
            .map(|row| {
                (
                    unique_key(&mut taken, fold(&row.name), row.id, "role"),
                    row.id,
                )
            })
            .collect();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (name, id) in &filled {
                sqlx::query(FILL)
                    .bind(name)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_already_taken_gets_the_id_appended() {
        let mut taken = HashSet::new();
        assert_eq!(unique_key(&mut taken, "été".into(), 1, "token"), "été");
        assert_eq!(unique_key(&mut taken, "été".into(), 2, "token"), "été #2");
        taken.insert("x #3".into());
        taken.insert("x".into());
        assert_eq!(unique_key(&mut taken, "x".into(), 3, "token"), "x #3 #3");
    }
}
