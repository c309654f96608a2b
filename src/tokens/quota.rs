//! Usage quotas without a database write per request: each instance leases a block of a
//! token's remaining requests (one locked `UPDATE`, `Store::lease_quota`) and spends it
//! in memory.
//!
//! - Overshoot: none. A request is only let through from a block already taken off the
//!   stored count. The one exception is an admin setting the remaining count: until the
//!   change reaches an instance (at once here, milliseconds on other instances through
//!   the change feed), it may still spend the block it holds, so at most
//!   `instances × block` requests more than the new count.
//! - Undershoot: an instance that stops (or drops an idle token's slot) loses the rest
//!   of its block, so the token may be refused up to `instances × block` requests early.
//! - Block size: [`lease_blocks`] (a tenth of the quota, at most 100, doubled for a busy
//!   token), so a busy token leases about once a second instead of once per 100 requests
//!   (a locked `UPDATE` takes milliseconds, which spread over 100 requests was most of a
//!   cache hit's cost). Never more than a tenth of the quota, so what a stopped instance
//!   loses stays at most a tenth of the quota, and for a busy token about a second of its
//!   traffic.
//! - A refilling quota is filled up by whichever instance first leases in a new period;
//!   a block leased in the previous period is worth nothing in the new one.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::model::Quota;
use crate::store::{QuotaGrant, Store, StoreResult};
use crate::tokens::lease_blocks;

/// The first block an instance leases of a quota (see [`lease_blocks`]).
pub fn first_block(quota: Quota) -> i64 {
    lease_blocks::first_block(quota.requests)
}

/// The quota is used up: when it is filled up again (`None`: only when an admin says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    pub refills_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct Lease {
    epoch: i64,
    period_start: Option<DateTime<Utc>>,
    left: i64,
    /// The stored count was 0 when this lease was taken.
    exhausted: bool,
    taken: bool,
    /// The size asked for, and when: what sizes the next block.
    last_block: Option<(i64, Instant)>,
}

impl Lease {
    fn fits(&self, epoch: i64, period_start: Option<DateTime<Utc>>) -> bool {
        self.taken && self.epoch == epoch && self.period_start == period_start
    }

    /// `Some(allowed)` when this lease decides; `None` when a new one is needed.
    fn spend(&mut self, epoch: i64, period_start: Option<DateTime<Utc>>) -> Option<bool> {
        if !self.fits(epoch, period_start) {
            return None;
        }
        if self.left > 0 {
            self.left -= 1;
            return Some(true);
        }
        self.exhausted.then_some(false)
    }
}

/// One token's block on this instance.
#[derive(Debug, Default)]
pub struct QuotaSlot {
    lease: Mutex<Lease>,
    /// One lease at a time per token and instance.
    leasing: tokio::sync::Mutex<()>,
}

impl QuotaSlot {
    fn spend(&self, epoch: i64, period_start: Option<DateTime<Utc>>) -> Option<bool> {
        self.locked().spend(epoch, period_start)
    }

    /// Spends one request of token `id`'s quota (whose stored epoch the caller read as
    /// `epoch`), leasing a new block when this one is spent.
    pub async fn take(
        &self,
        store: &Store,
        id: i64,
        quota: Quota,
        epoch: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), Exhausted>> {
        let period_start = quota.period_start(now);
        let decided = |allowed: bool| {
            allowed.then_some(()).ok_or_else(|| Exhausted {
                refills_at: quota.refill.map(|r| r.next_period_start(now)),
            })
        };
        if let Some(allowed) = self.spend(epoch, period_start) {
            return Ok(decided(allowed));
        }
        // Boxed: only this rare path holds the store's future, so the verify future every
        // request moves stays small.
        let allowed = Box::pin(self.lease(store, id, quota, (epoch, period_start))).await?;
        Ok(decided(allowed))
    }

    /// Leases a new block (unless another request did while this one waited its turn) and
    /// spends one request of it.
    async fn lease(
        &self,
        store: &Store,
        id: i64,
        quota: Quota,
        (epoch, period_start): (i64, Option<DateTime<Utc>>),
    ) -> StoreResult<bool> {
        let _one_at_a_time = self.leasing.lock().await;
        if let Some(allowed) = self.spend(epoch, period_start) {
            return Ok(allowed);
        }
        let started = Instant::now();
        let block = lease_blocks::next_block(quota.requests, self.locked().last_block, started);
        let refill = period_start.map(|start| (quota.requests, start));
        let QuotaGrant {
            granted,
            epoch: stored_epoch,
            period_start: stored_period,
        } = store.lease_quota(id, block, refill).await?;
        // Kept under the stored epoch: if an admin changed the count since the caller read
        // the token, its cache entry is being dropped, and the next read fits this lease.
        *self.locked() = Lease {
            epoch: stored_epoch,
            period_start: stored_period,
            left: granted.saturating_sub(1).max(0),
            exhausted: granted == 0,
            taken: true,
            last_block: Some((block, started)),
        };
        Ok(granted > 0)
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, Lease> {
        self.lease
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A slot is dropped after this long unused (its block, if any, is lost: undershoot).
const IDLE: Duration = Duration::from_secs(6 * 3600);

/// Every token's slot on this instance, by token id.
#[derive(Clone)]
pub struct QuotaLeases {
    slots: moka::sync::Cache<i64, Arc<QuotaSlot>>,
}

impl Default for QuotaLeases {
    fn default() -> Self {
        Self {
            slots: super::cache::per_token(IDLE),
        }
    }
}

impl QuotaLeases {
    /// Token `id`'s slot, for its cache entry: looked up on a miss, never on a hit.
    pub fn for_token(&self, id: i64) -> Arc<QuotaSlot> {
        self.slots.get_with(id, Default::default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_only_decides_for_its_epoch_and_period() {
        let mut lease = Lease {
            epoch: 2,
            period_start: None,
            left: 1,
            exhausted: false,
            taken: true,
            last_block: None,
        };
        assert_eq!(lease.spend(1, None), None, "an admin set the count since");
        assert_eq!(lease.spend(2, None), Some(true));
        assert_eq!(lease.spend(2, None), None, "spent: lease again");
        lease.exhausted = true;
        assert_eq!(lease.spend(2, None), Some(false));
        assert_eq!(lease.spend(2, Some(Utc::now())), None, "a new period");
    }
}
