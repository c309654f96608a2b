//! A rate limit's current window, counted once for every instance: each leases a block of
//! the window's requests ([`Store::lease_rate_window`]) and spends it in memory
//! (`crate::tokens::rate_limit`).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{Store, StoreResult, on_pool};

/// A fixed window of a rate limit: `seconds` long from `start`, with `used` of its
/// requests leased by some instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct RateWindow {
    #[sqlx(rename = "window_seconds")]
    pub seconds: i64,
    #[sqlx(rename = "window_start")]
    pub start: DateTime<Utc>,
    pub used: i64,
}

/// A block of a window one instance leased: `granted` requests (0: the window is used
/// up), counted in `window` (the one asked for, or a later one another instance already
/// began).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateGrant {
    pub granted: i64,
    pub window: RateWindow,
}

/// Up to `want` of `limit` requests for `asked`'s window, given what the database holds.
/// A later window of the same length that another instance already began (its clock a
/// little ahead) is counted in, never reset: counting a request in a later window only
/// makes the limit stricter. Any other stored window is over, and `asked` starts afresh.
fn grant(stored: RateWindow, asked: RateWindow, limit: i64, want: i64) -> RateGrant {
    let current = if stored.seconds == asked.seconds && stored.start >= asked.start {
        stored
    } else {
        RateWindow { used: 0, ..asked }
    };
    // A lowered limit may leave `used` above it: nothing more, never a negative grant.
    let granted = (limit - current.used).clamp(0, want);
    RateGrant {
        granted,
        window: RateWindow {
            used: current.used + granted,
            ..current
        },
    }
}

impl Store {
    /// Takes up to `want` of token `id`'s `limit` requests in the window `seconds` long
    /// starting at `start`, for one instance. The row is locked from the read to the write
    /// (Postgres: the upsert takes the row lock; SQLite: the database's write lock), so two
    /// instances never lease the same requests, and together never more than `limit`.
    pub async fn lease_rate_window(
        &self,
        id: i64,
        limit: i64,
        (seconds, start): (i64, DateTime<Utc>),
        want: i64,
    ) -> StoreResult<RateGrant> {
        // A no-op update on conflict: it locks the row and returns it as it is.
        const LOCK_AND_READ: &str = "INSERT INTO rate_windows \
             (token_id, window_seconds, window_start, used) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (token_id) DO UPDATE SET used = rate_windows.used \
             RETURNING window_seconds, window_start, used";
        const WRITE: &str = "UPDATE rate_windows SET window_seconds = $1, window_start = $2, \
             used = $3 WHERE token_id = $4";
        let asked = RateWindow {
            seconds,
            start,
            used: 0,
        };
        let lease = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let stored: RateWindow = sqlx::query_as(LOCK_AND_READ)
                .bind(id)
                .bind(seconds)
                .bind(start)
                .fetch_one(&mut *tx)
                .await?;
            let lease = grant(stored, asked, limit, want);
            if lease.window != stored {
                sqlx::query(WRITE)
                    .bind(lease.window.seconds)
                    .bind(lease.window.start)
                    .bind(lease.window.used)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            lease
        });
        Ok(lease)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(seconds: i64, start: i64, used: i64) -> RateWindow {
        RateWindow {
            seconds,
            start: DateTime::from_timestamp(start, 0).unwrap(),
            used,
        }
    }

    #[test]
    fn a_window_grants_until_its_limit_and_then_nothing() {
        let asked = window(60, 120, 0);
        assert_eq!(grant(window(60, 120, 0), asked, 10, 3).granted, 3);
        let last = grant(window(60, 120, 8), asked, 10, 3);
        assert_eq!((last.granted, last.window), (2, window(60, 120, 10)));
        assert_eq!(grant(window(60, 120, 10), asked, 10, 3).granted, 0);
        assert_eq!(
            grant(window(60, 120, 50), asked, 10, 3).granted,
            0,
            "lowered"
        );
    }

    #[test]
    fn a_new_window_or_period_starts_afresh_and_a_later_window_is_counted_in() {
        let asked = window(60, 180, 0);
        let next = grant(window(60, 120, 10), asked, 10, 3);
        assert_eq!((next.granted, next.window), (3, window(60, 180, 3)));
        let other_period = grant(window(3600, 0, 10), asked, 10, 3);
        assert_eq!(other_period.window, window(60, 180, 3));
        // Another instance's clock is ahead and began the next window: counted there.
        let behind = grant(window(60, 240, 9), asked, 10, 3);
        assert_eq!((behind.granted, behind.window), (1, window(60, 240, 10)));
    }
}
