//! The token lifecycle jobs every instance runs on a timer: expiry warnings (claimed one
//! by one in the database, so any instance may send any) and the inactivity rule (under a
//! lease, so one instance revokes and one summary goes out), and the purge of the
//! throttles' closed failure windows.

use chrono::{DateTime, Duration, Utc};

use super::Tokens;

/// The inactivity job's lease: it runs at most once this often across instances.
pub const INACTIVITY_LEASE: &str = "revoke-unused-tokens";
pub const INACTIVITY_EVERY: Duration = Duration::minutes(10);

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleRound {
    pub warnings_sent: usize,
    /// `None`: another instance holds the inactivity lease.
    pub revoked_unused: Option<Vec<String>>,
}

impl Tokens {
    /// One round of both jobs at `now`. Failures are logged, never raised: the next round
    /// tries again.
    pub async fn run_lifecycle_jobs(&self, now: DateTime<Utc>) -> LifecycleRound {
        let mut round = LifecycleRound::default();
        match self.warn_expiring(now).await {
            Ok(sent) => round.warnings_sent = sent,
            Err(error) => tracing::warn!(%error, "could not send expiry warnings"),
        }
        match self
            .store
            .take_job_lease(INACTIVITY_LEASE, now, INACTIVITY_EVERY)
            .await
        {
            Ok(true) => match self.revoke_unused(now).await {
                Ok(names) => round.revoked_unused = Some(names),
                Err(error) => tracing::warn!(%error, "could not revoke unused tokens"),
            },
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "could not take the inactivity job's lease"),
        }
        // Any instance may purge: deleting a closed window twice deletes nothing.
        if let Err(error) = self.store.purge_closed_failure_windows(now).await {
            tracing::warn!(%error, "could not purge closed failure windows");
        }
        round
    }
}
