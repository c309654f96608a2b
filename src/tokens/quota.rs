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
//!   [`block_for`] keeps blocks at a tenth of the quota, at most 100.
//! - A refilling quota is filled up by whichever instance first leases in a new period;
//!   a block leased in the previous period is worth nothing in the new one.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::Quota;
use crate::store::{QuotaGrant, Store, StoreResult};

/// The most requests one instance leases at a time.
pub const BLOCK_MAX: i64 = 100;

/// A block of a quota with `requests` requests: a tenth, between 1 and [`BLOCK_MAX`].
pub fn block_for(quota: Quota) -> i64 {
    (quota.requests / 10).clamp(1, BLOCK_MAX)
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
        self.lease
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .spend(epoch, period_start)
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
        let exhausted = Exhausted {
            refills_at: quota.refill.map(|r| r.next_period_start(now)),
        };
        let decided = |allowed: bool| if allowed { Ok(()) } else { Err(exhausted) };
        if let Some(allowed) = self.spend(epoch, period_start) {
            return Ok(decided(allowed));
        }
        let _one_at_a_time = self.leasing.lock().await;
        if let Some(allowed) = self.spend(epoch, period_start) {
            return Ok(decided(allowed));
        }
        let refill = period_start.map(|start| (quota.requests, start));
        let QuotaGrant {
            granted,
            epoch: stored_epoch,
            period_start: stored_period,
        } = store.lease_quota(id, block_for(quota), refill).await?;
        let mut lease = self
            .lease
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Kept under the stored epoch: if an admin changed the count since the caller read
        // the token, its cache entry is being dropped, and the next read fits this lease.
        *lease = Lease {
            epoch: stored_epoch,
            period_start: stored_period,
            left: granted.saturating_sub(1).max(0),
            exhausted: granted == 0,
            taken: true,
        };
        Ok(decided(granted > 0))
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
    fn blocks_are_a_tenth_between_one_and_a_hundred() {
        let quota = |requests| Quota {
            requests,
            refill: None,
        };
        assert_eq!(block_for(quota(5)), 1);
        assert_eq!(block_for(quota(250)), 25);
        assert_eq!(block_for(quota(1_000_000)), BLOCK_MAX);
    }

    #[test]
    fn a_lease_only_decides_for_its_epoch_and_period() {
        let mut lease = Lease {
            epoch: 2,
            period_start: None,
            left: 1,
            exhausted: false,
            taken: true,
        };
        assert_eq!(lease.spend(1, None), None, "an admin set the count since");
        assert_eq!(lease.spend(2, None), Some(true));
        assert_eq!(lease.spend(2, None), None, "spent: lease again");
        lease.exhausted = true;
        assert_eq!(lease.spend(2, None), Some(false));
        assert_eq!(lease.spend(2, Some(Utc::now())), None, "a new period");
    }
}
