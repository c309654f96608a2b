//! The failure windows every instance shares (see [`crate::failure_throttle::shared`]):
//! one row per throttle kind and hashed subject, written only when something fails.

use chrono::{DateTime, Duration, Utc};

use super::{Store, StoreResult, on_pool};

/// A shared window as the database holds it after a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedWindow {
    pub failures: u32,
    pub closes_at: DateTime<Utc>,
}

/// A row's window has closed, or holds no failures (all forgiven): the next failure
/// starts a new one, closing a window from now. `$3` is now, `$4` now + the window.
macro_rules! restarts {
    () => {
        "(failure_windows.closes_at <= $3 OR failure_windows.failures = 0)"
    };
}

/// One more failure in the row's window, or the first of a new one.
macro_rules! count_failure {
    () => {
        concat!(
            "INSERT INTO failure_windows (kind, subject, closes_at, failures) \
             VALUES ($1, $2, $4, 1) \
             ON CONFLICT (kind, subject) DO UPDATE SET \
             failures = CASE WHEN ",
            restarts!(),
            " THEN 1 ELSE failure_windows.failures + 1 END, \
             closes_at = CASE WHEN ",
            restarts!(),
            " THEN excluded.closes_at ELSE failure_windows.closes_at END"
        )
    };
}

const COUNT: &str = concat!(count_failure!(), " RETURNING failures, closes_at");

/// [`COUNT`], landing only while the window has a failure left (`$5`, the limit): one
/// statement, so racing reservations on any instances can't all pass.
const RESERVE: &str = concat!(
    count_failure!(),
    " WHERE ",
    restarts!(),
    " OR failure_windows.failures < $5",
    " RETURNING failures, closes_at"
);

const CLOSES_AT: &str = "SELECT closes_at FROM failure_windows WHERE kind = $1 AND subject = $2";

/// One failure back, in the window it was counted in only.
const FORGIVE: &str = "UPDATE failure_windows SET failures = failures - 1 \
     WHERE kind = $1 AND subject = $2 AND closes_at = $3 AND failures > 0";

const DELETE: &str = "DELETE FROM failure_windows WHERE kind = $1 AND subject = $2";

const PURGE: &str = "DELETE FROM failure_windows WHERE closes_at <= $1";

#[derive(sqlx::FromRow)]
struct WindowRow {
    failures: i64,
    closes_at: DateTime<Utc>,
}

impl From<WindowRow> for SharedWindow {
    fn from(row: WindowRow) -> Self {
        Self {
            failures: u32::try_from(row.failures.max(0)).unwrap_or(u32::MAX),
            closes_at: row.closes_at,
        }
    }
}

impl Store {
    /// Counts a failure of `subject` at `now`: the window as it is after it.
    pub async fn count_failure(
        &self,
        kind: &str,
        subject: &[u8],
        now: DateTime<Utc>,
        window: Duration,
    ) -> StoreResult<SharedWindow> {
        let row: WindowRow = on_pool!(self, |pool| sqlx::query_as(COUNT)
            .bind(kind)
            .bind(subject)
            .bind(now)
            .bind(now + window)
            .fetch_one(pool)
            .await?);
        Ok(row.into())
    }

    /// Counts a failure of `subject` at `now` if its window has fewer than `limit`:
    /// `Ok(window after it)`, or `Err(when it reopens)` with nothing counted.
    pub async fn reserve_failure(
        &self,
        kind: &str,
        subject: &[u8],
        limit: u32,
        now: DateTime<Utc>,
        window: Duration,
    ) -> StoreResult<Result<SharedWindow, DateTime<Utc>>> {
        let row: Option<WindowRow> = on_pool!(self, |pool| sqlx::query_as(RESERVE)
            .bind(kind)
            .bind(subject)
            .bind(now)
            .bind(now + window)
            .bind(i64::from(limit))
            .fetch_optional(pool)
            .await?);
        if let Some(row) = row {
            return Ok(Ok(row.into()));
        }
        // Refused: the window is full. Gone meanwhile (purged, lifted)? Then it reopened.
        let closes_at: Option<DateTime<Utc>> = on_pool!(self, |pool| sqlx::query_scalar(CLOSES_AT)
            .bind(kind)
            .bind(subject)
            .fetch_optional(pool)
            .await?);
        Ok(Err(closes_at.unwrap_or(now)))
    }

    /// Takes back one failure of `subject` from the window closing at `closes_at`, if that
    /// window is still the row's.
    pub async fn forgive_failure(
        &self,
        kind: &str,
        subject: &[u8],
        closes_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, |pool| sqlx::query(FORGIVE)
            .bind(kind)
            .bind(subject)
            .bind(closes_at)
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    /// Forgets `subject`'s window (a password reset lifts the account's lock).
    pub async fn delete_failure_window(&self, kind: &str, subject: &[u8]) -> StoreResult<bool> {
        let deleted = on_pool!(self, |pool| sqlx::query(DELETE)
            .bind(kind)
            .bind(subject)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted > 0)
    }

    /// Deletes the windows closed by `now`: they hold nothing a throttle still needs.
    pub async fn purge_closed_failure_windows(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        Ok(on_pool!(self, |pool| sqlx::query(PURGE)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()))
    }

    /// How many windows are kept, closed or not (for tests: only failures write).
    pub async fn count_failure_windows(&self) -> StoreResult<i64> {
        Ok(on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM failure_windows"
        )
        .fetch_one(pool)
        .await?))
    }
}
