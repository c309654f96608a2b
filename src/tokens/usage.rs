//! Token usage, counted in memory so the hot path never writes to the database: when and
//! from where each token was last used, per token and day how many requests it made and
//! how many of them were refused (401, 403, 429), which permissions the allowed ones used
//! (the least-privilege hint), and who still uses a previous value. A background
//! job calls [`UsageRecorder::flush`] every few seconds and at shutdown, one batch a time.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, Utc};

use crate::catalog::Permission;
use crate::model::UsageCounts;
use crate::store::{Store, StoreResult};

/// How one presented token fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// Known but refused as expired, suspended or not yet valid (401).
    Unauthorized,
    /// Authenticated but lacking the permission, or from a network it may not use (403).
    Forbidden,
    /// Refused by its rate limit or its exhausted quota (429).
    Limited,
}

impl UsageCounts {
    fn add(&mut self, outcome: Outcome) {
        self.requests += 1;
        match outcome {
            Outcome::Allowed => {}
            Outcome::Unauthorized => self.unauthorized += 1,
            Outcome::Forbidden => self.forbidden += 1,
            Outcome::Limited => self.limited += 1,
        }
    }

    fn add_all(&mut self, other: UsageCounts) {
        self.requests += other.requests;
        self.unauthorized += other.unauthorized;
        self.forbidden += other.forbidden;
        self.limited += other.limited;
    }
}

/// The latest authenticated use of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastUse {
    pub at: DateTime<Utc>,
    pub ip: Option<IpAddr>,
}

/// Requests made with one token's previous value from one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviousUses {
    pub requests: i64,
    pub last_at: DateTime<Utc>,
}

/// Everything recorded since the last flush.
#[derive(Debug, Default)]
pub struct UsageBatch {
    pub last_uses: HashMap<i64, LastUse>,
    pub days: HashMap<(i64, NaiveDate), UsageCounts>,
    /// Allowed requests by permission, per token and day.
    pub permissions: HashMap<(i64, NaiveDate), HashMap<Permission, i64>>,
    /// Requests with a previous value, per token and address.
    pub previous_uses: HashMap<(i64, Option<IpAddr>), PreviousUses>,
}

impl UsageBatch {
    pub fn is_empty(&self) -> bool {
        self.last_uses.is_empty() && self.days.is_empty() && self.previous_uses.is_empty()
    }

    fn record_permission(&mut self, token_id: i64, at: DateTime<Utc>, permission: &Permission) {
        let counts = self
            .permissions
            .entry((token_id, at.date_naive()))
            .or_default();
        // Looked up by reference: the permission is cloned once per token, day and batch.
        match counts.get_mut(permission) {
            Some(count) => *count += 1,
            None => {
                counts.insert(permission.clone(), 1);
            }
        }
    }

    fn record_previous(&mut self, token_id: i64, at: DateTime<Utc>, ip: Option<IpAddr>) {
        self.previous_uses
            .entry((token_id, ip))
            .and_modify(|uses| {
                uses.requests += 1;
                uses.last_at = uses.last_at.max(at);
            })
            .or_insert(PreviousUses {
                requests: 1,
                last_at: at,
            });
    }

    fn record(&mut self, token_id: i64, at: DateTime<Utc>, ip: Option<IpAddr>, outcome: Outcome) {
        self.days
            .entry((token_id, at.date_naive()))
            .or_default()
            .add(outcome);
        // A token refused before it could be used (expired, suspended, not yet valid) was
        // not *used*; everything else authenticated was.
        if outcome != Outcome::Unauthorized {
            self.note_use(token_id, LastUse { at, ip });
        }
    }

    fn note_use(&mut self, token_id: i64, new: LastUse) {
        let last = self.last_uses.entry(token_id).or_insert(new);
        if last.at < new.at {
            *last = new;
        }
    }

    /// Puts a batch that could not be written back, merging with what came in meanwhile.
    fn merge(&mut self, other: UsageBatch) {
        for (id, last) in other.last_uses {
            self.note_use(id, last);
        }
        for (key, counts) in other.days {
            self.days.entry(key).or_default().add_all(counts);
        }
        for (key, counts) in other.permissions {
            let mine = self.permissions.entry(key).or_default();
            for (permission, n) in counts {
                *mine.entry(permission).or_default() += n;
            }
        }
        for (key, uses) in other.previous_uses {
            self.previous_uses
                .entry(key)
                .and_modify(|mine| {
                    mine.requests += uses.requests;
                    mine.last_at = mine.last_at.max(uses.last_at);
                })
                .or_insert(uses);
        }
    }
}

/// One allowed request, as [`UsageRecorder::record_allowed`] counts it.
#[derive(Debug, Clone, Copy)]
pub struct AllowedUse<'a> {
    pub token_id: i64,
    pub at: DateTime<Utc>,
    pub ip: Option<IpAddr>,
    /// The permission it used; `None` for the self-check.
    pub permission: Option<&'a Permission>,
    /// Made with the previous value, during a grace period.
    pub previous_value: bool,
}

#[derive(Clone, Default)]
pub struct UsageRecorder {
    pending: Arc<Mutex<UsageBatch>>,
}

impl UsageRecorder {
    pub fn record(&self, token_id: i64, at: DateTime<Utc>, ip: Option<IpAddr>, outcome: Outcome) {
        self.lock().record(token_id, at, ip, outcome);
    }

    /// An allowed request: counted, its permission and (during a grace period) the use of
    /// the previous value noted, under one lock.
    pub fn record_allowed(&self, allowed: AllowedUse<'_>) {
        let mut batch = self.lock();
        batch.record(allowed.token_id, allowed.at, allowed.ip, Outcome::Allowed);
        if let Some(permission) = allowed.permission {
            batch.record_permission(allowed.token_id, allowed.at, permission);
        }
        if allowed.previous_value {
            batch.record_previous(allowed.token_id, allowed.at, allowed.ip);
        }
    }

    /// Writes everything recorded so far in one transaction. On failure the batch is put
    /// back, so nothing is lost to a passing database error.
    pub async fn flush(&self, store: &Store) -> StoreResult<usize> {
        let batch = std::mem::take(&mut *self.lock());
        if batch.is_empty() {
            return Ok(0);
        }
        match store.record_usage(&batch).await {
            Ok(()) => Ok(batch.last_uses.len().max(batch.days.len())),
            Err(error) => {
                self.lock().merge(batch);
                Err(error)
            }
        }
    }

    /// Tokens with unwritten usage.
    pub fn pending(&self) -> usize {
        let batch = self.lock();
        let tokens: HashSet<i64> = batch.days.keys().map(|(id, _)| *id).collect();
        tokens.len()
    }

    fn lock(&self) -> MutexGuard<'_, UsageBatch> {
        // A panic while holding this lock can only come from a bug in the few lines above;
        // the counts are still consistent enough to keep going.
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn uses_collapse_to_the_latest_time_and_address() {
        let usage = UsageRecorder::default();
        let t0 = Utc::now();
        usage.record(1, t0, IP, Outcome::Allowed);
        usage.record(1, t0 - chrono::Duration::seconds(5), None, Outcome::Allowed);
        usage.record(2, t0, None, Outcome::Forbidden);
        assert_eq!(usage.pending(), 2);
        let batch = usage.lock();
        assert_eq!(batch.last_uses[&1], LastUse { at: t0, ip: IP });
        assert!(batch.last_uses.contains_key(&2), "a 403 is still a use");
    }

    #[test]
    fn each_day_counts_requests_and_refusals() {
        let usage = UsageRecorder::default();
        let now = Utc::now();
        for outcome in [
            Outcome::Allowed,
            Outcome::Allowed,
            Outcome::Forbidden,
            Outcome::Unauthorized,
        ] {
            usage.record(7, now, IP, outcome);
        }
        let batch = usage.lock();
        assert_eq!(
            batch.days[&(7, now.date_naive())],
            UsageCounts {
                requests: 4,
                unauthorized: 1,
                forbidden: 1,
                limited: 0,
            }
        );
    }

    #[test]
    fn an_expired_token_is_counted_but_not_marked_used() {
        let usage = UsageRecorder::default();
        usage.record(3, Utc::now(), IP, Outcome::Unauthorized);
        let batch = usage.lock();
        assert!(batch.last_uses.is_empty());
        assert_eq!(batch.days.len(), 1);
    }

    #[test]
    fn a_batch_put_back_adds_to_what_came_in_meanwhile() {
        let now = Utc::now();
        let mut later = UsageBatch::default();
        later.record(1, now, None, Outcome::Allowed);
        let mut failed = UsageBatch::default();
        failed.record(
            1,
            now - chrono::Duration::seconds(1),
            IP,
            Outcome::Forbidden,
        );
        later.merge(failed);
        let day = later.days[&(1, now.date_naive())];
        assert_eq!((day.requests, day.forbidden), (2, 1));
        assert_eq!(later.last_uses[&1].at, now);
    }

    #[test]
    fn allowed_uses_count_permissions_and_previous_values() {
        let usage = UsageRecorder::default();
        let now = Utc::now();
        let find = Permission::new("articles", crate::catalog::Action::Find);
        for previous_value in [false, true, true] {
            usage.record_allowed(AllowedUse {
                token_id: 4,
                at: now,
                ip: IP,
                permission: Some(&find),
                previous_value,
            });
        }
        usage.record(4, now, IP, Outcome::Limited);
        let batch = usage.lock();
        assert_eq!(batch.permissions[&(4, now.date_naive())][&find], 3);
        assert_eq!(batch.previous_uses[&(4, IP)].requests, 2);
        let day = batch.days[&(4, now.date_naive())];
        assert_eq!((day.requests, day.limited), (4, 1));
    }
}
