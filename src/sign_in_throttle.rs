//! Failed sign-ins, counted per account and per client address, so nobody can guess
//! passwords at speed. An unknown email is counted like a known one, so the answer (and
//! its timing) never tells which accounts exist.

use std::net::IpAddr;
use std::time::Duration;

use crate::throttle::FailureThrottle;

/// Failures one account may see per window: few, since only one person types its password.
pub const PER_ACCOUNT: u32 = 5;
/// Failures one address may make per window: more, since an office shares one address.
pub const PER_ADDRESS: u32 = 30;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct SignInThrottle {
    accounts: FailureThrottle<String>,
    addresses: FailureThrottle<IpAddr>,
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
            accounts: FailureThrottle::new(per_account, window),
            addresses: FailureThrottle::new(per_address, window),
        }
    }

    /// `Err(retry_after)` while the account or the address has used up its failures.
    pub fn check(&self, email: &str, client_ip: Option<IpAddr>) -> Result<(), Duration> {
        self.accounts.check(&account_key(email))?;
        match client_ip {
            Some(ip) => self.addresses.check(&ip),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, email: &str, client_ip: Option<IpAddr>) {
        self.accounts.record_failure(account_key(email));
        if let Some(ip) = client_ip {
            self.addresses.record_failure(ip);
        }
    }
}

/// Emails are compared case-insensitively, so `Ada@…` and `ada@…` share one count.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
    const OFFICE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2)));

    #[test]
    fn an_account_closes_after_its_failures_from_any_address_and_any_case() {
        let throttle = SignInThrottle::new(2, 100, WINDOW);
        throttle.record_failure("ada@example.com", HOME);
        throttle.record_failure("ADA@example.com ", OFFICE);
        assert!(throttle.check("ada@example.com", OFFICE).is_err());
        assert!(throttle.check("grace@example.com", HOME).is_ok());
    }

    #[test]
    fn an_address_closes_after_its_failures_on_any_account() {
        let throttle = SignInThrottle::new(100, 2, WINDOW);
        throttle.record_failure("a@example.com", HOME);
        throttle.record_failure("b@example.com", HOME);
        assert!(throttle.check("c@example.com", HOME).is_err());
        assert!(throttle.check("c@example.com", OFFICE).is_ok());
        assert!(throttle.check("c@example.com", None).is_ok());
    }
}
