//! Failed sign-ins, counted per account and per client address, so nobody can guess
//! passwords at speed. An unknown email is counted like a known one, so the answer (and
//! its timing) never tells which accounts exist.

use std::net::IpAddr;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::failure_throttle::{FailureWindows, Reservation, SharedThrottle, ThrottleKind};

/// Failures one account may see per window: few, since only one person types its password.
pub const PER_ACCOUNT: u32 = 5;
/// Failures one address may make per window: more, since an office shares one address.
pub const PER_ADDRESS: u32 = 30;
/// How long a lock lasts at most; the sign-in wording ([`crate::lockout`]) says the same.
pub const WINDOW: Duration = Duration::from_secs(crate::lockout::LOCK_MINUTES * 60);

/// Counts in memory until [`shared_through`](Self::shared_through) a database, as
/// [`crate::Tollgate::new`] does: then every attempt is counted there, on any instance.
#[derive(Clone)]
pub struct SignInThrottle {
    accounts: SharedThrottle<AccountKey>,
    addresses: SharedThrottle<IpAddr>,
}

/// An account as the throttle knows it: the SHA-256 of the email, lowercased and trimmed.
/// Fixed-size whatever was typed, so 100 000 tracked keys stay a few megabytes.
type AccountKey = [u8; 32];

/// One attempt, already counted as a failure for its account and address: what
/// [`SignInThrottle::forgive`] takes back when the password was right (or never checked).
#[must_use = "an attempt stays counted as a failure unless forgiven"]
pub struct Attempt {
    account: (AccountKey, Reservation),
    address: Option<(IpAddr, Reservation)>,
    failures_left: u32,
}

impl Attempt {
    /// Failures left, should this attempt fail, before the account or the address locks
    /// (the fewer of the two). The same for an unknown email as for a known one: counting
    /// them alike is what keeps this from telling which accounts exist.
    pub fn failures_left(&self) -> u32 {
        self.failures_left
    }
}

/// The counts name accounts and addresses: never print them.
impl std::fmt::Debug for SignInThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInThrottle { .. }")
    }
}

impl Default for SignInThrottle {
    fn default() -> Self {
        Self::new(PER_ACCOUNT, PER_ADDRESS, WINDOW)
    }
}

impl SignInThrottle {
    pub fn new(per_account: u32, per_address: u32, window: Duration) -> Self {
        Self {
            accounts: SharedThrottle::new(ThrottleKind::SignInAccount, per_account, window),
            addresses: SharedThrottle::new(ThrottleKind::SignInAddress, per_address, window),
        }
    }

    /// Counts every attempt in `windows`' database, with the other instances'.
    pub fn shared_through(self, windows: FailureWindows) -> Self {
        Self {
            accounts: self.accounts.shared_through(windows.clone()),
            addresses: self.addresses.shared_through(windows),
        }
    }

    /// Counts a password attempt for `email` from `client_ip` as failed *before* it is
    /// checked, so racing attempts (on any instances) can't all pass a count made before
    /// any of them failed. `Err(retry_after)`, with nothing counted, while the account or
    /// the address has used up its failures.
    pub async fn reserve(
        &self,
        email: &str,
        client_ip: Option<IpAddr>,
    ) -> Result<Attempt, Duration> {
        let account = account_key(email);
        let account_reserved = self.accounts.reserve(account).await?;
        let mut failures_left = account_reserved.failures_left();
        let mut address = None;
        if let Some(ip) = client_ip {
            match self.addresses.reserve(ip).await {
                Ok(reserved) => {
                    failures_left = failures_left.min(reserved.failures_left());
                    address = Some((ip, reserved));
                }
                Err(retry_after) => {
                    self.accounts.forgive(&account, account_reserved).await;
                    return Err(retry_after);
                }
            }
        }
        Ok(Attempt {
            account: (account, account_reserved),
            address,
            failures_left,
        })
    }

    /// Takes back an attempt: the password was right, or it was never checked.
    pub async fn forgive(&self, attempt: Attempt) {
        let (account, reserved) = attempt.account;
        self.accounts.forgive(&account, reserved).await;
        if let Some((ip, reserved)) = attempt.address {
            self.addresses.forgive(&ip, reserved).await;
        }
    }

    /// Lifts `email`'s lock on every instance (its password was reset); its addresses'
    /// counts stay.
    pub async fn lift_account(&self, email: &str) -> crate::store::StoreResult<()> {
        self.accounts.lift(&account_key(email)).await
    }
}

/// Emails are compared case-insensitively, so `Ada@…` and `ada@…` share one count.
fn account_key(email: &str) -> AccountKey {
    Sha256::digest(email.trim().to_lowercase().as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
    const OFFICE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2)));

    #[tokio::test]
    async fn an_account_closes_after_its_failures_from_any_address_and_any_case() {
        let throttle = SignInThrottle::new(2, 100, WINDOW);
        let _ = throttle.reserve("ada@example.com", HOME).await.unwrap();
        let _ = throttle.reserve("ADA@example.com ", OFFICE).await.unwrap();
        assert!(throttle.reserve("ada@example.com", OFFICE).await.is_err());
        assert!(throttle.reserve("grace@example.com", HOME).await.is_ok());
    }

    #[tokio::test]
    async fn an_address_closes_after_its_failures_on_any_account() {
        let throttle = SignInThrottle::new(100, 2, WINDOW);
        let _ = throttle.reserve("a@example.com", HOME).await.unwrap();
        let _ = throttle.reserve("b@example.com", HOME).await.unwrap();
        assert!(throttle.reserve("c@example.com", HOME).await.is_err());
        assert!(throttle.reserve("c@example.com", OFFICE).await.is_ok());
        assert!(throttle.reserve("c@example.com", None).await.is_ok());
    }

    #[tokio::test]
    async fn a_forgiven_attempt_leaves_no_failure_behind() {
        let throttle = SignInThrottle::new(1, 1, WINDOW);
        for _ in 0..5 {
            let attempt = throttle.reserve("ada@example.com", HOME).await.unwrap();
            throttle.forgive(attempt).await;
        }
        let _ = throttle.reserve("ada@example.com", HOME).await.unwrap();
        assert!(throttle.reserve("ada@example.com", OFFICE).await.is_err());
    }

    #[tokio::test]
    async fn an_address_refusal_does_not_count_against_the_account() {
        let throttle = SignInThrottle::new(1, 1, WINDOW);
        let _ = throttle.reserve("a@example.com", HOME).await.unwrap();
        assert!(throttle.reserve("ada@example.com", HOME).await.is_err());
        assert!(throttle.reserve("ada@example.com", OFFICE).await.is_ok());
    }

    #[tokio::test]
    async fn an_attempt_knows_the_failures_left_on_the_tighter_of_account_and_address() {
        let throttle = SignInThrottle::new(3, 4, WINDOW);
        let mut lefts = Vec::new();
        for (email, ip) in [
            ("ada@example.com", HOME),
            ("nobody@example.com", HOME),
            ("ada@example.com", OFFICE),
            ("grace@example.com", HOME),
            ("ada@example.com", None),
        ] {
            lefts.push(throttle.reserve(email, ip).await.unwrap().failures_left());
        }
        // Unknown emails count alike; grace@ is held to the address's one left.
        assert_eq!(lefts, [2, 2, 1, 1, 0]);
    }

    #[test]
    fn the_account_key_is_fixed_size_however_long_the_email() {
        let long = "a".repeat(1 << 20);
        assert_eq!(account_key(&long).len(), 32);
        assert_eq!(
            account_key(" Ada@Example.com"),
            account_key("ada@example.com")
        );
    }
}
