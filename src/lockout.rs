//! What sign-in says as an account nears its lock and once it is locked: how many attempts
//! are left, when it unlocks, and the way out. Shared with the browser, which rebuilds the
//! same sentences for a refusal posted without JavaScript (the query carries a code, not text).

use std::time::Duration;

/// How long an account (or address) stays locked at most: the throttle's window.
pub const LOCK_MINUTES: u64 = 15;
/// Warn once this few attempts (or fewer) are left before the lock.
pub const WARN_WITHIN: u32 = 2;
/// The way out of a lock for a forgotten password: the CLI command (`server/src/admin_cli.rs`).
pub const RESET_COMMAND: &str = "tollgate admin reset-password --email <email>";

pub const WRONG_CREDENTIALS: &str = "Email or password is incorrect.";

/// Who can lift a lock, and how. The count is in the database, shared by every instance:
/// a restart no longer lifts it, and a reset password does, everywhere.
fn way_out() -> String {
    format!(
        "Forgot the password? An administrator with access to the server can set a new one with \"{RESET_COMMAND}\", which also lifts the lock at once."
    )
}

/// The warning added to a refusal when `attempts_left` is within [`WARN_WITHIN`], else nothing.
/// Sign-in and the password dialog count against the same lock, so both say it.
pub fn attempts_left_warning(attempts_left: Option<u32>) -> Option<String> {
    match attempts_left? {
        0 => Some(format!(
            "That was the last attempt: sign-in is now locked for up to {LOCK_MINUTES} minutes. {}",
            way_out()
        )),
        1 => Some(format!(
            "1 attempt left before sign-in is locked for {LOCK_MINUTES} minutes."
        )),
        left if left <= WARN_WITHIN => Some(format!(
            "{left} attempts left before sign-in is locked for {LOCK_MINUTES} minutes."
        )),
        _ => None,
    }
}

/// `first` followed by the warning, if there is one.
pub fn with_warning(first: &str, attempts_left: Option<u32>) -> String {
    match attempts_left_warning(attempts_left) {
        Some(warning) => format!("{first} {warning}"),
        None => first.to_owned(),
    }
}

/// A wrong email or password (the same words whether the email exists or not).
pub fn wrong_credentials(attempts_left: Option<u32>) -> String {
    with_warning(WRONG_CREDENTIALS, attempts_left)
}

/// The refusal while locked: in how many minutes and at what time (UTC) it unlocks, and
/// the way out.
pub fn locked(retry_after: Duration) -> String {
    let minutes = retry_after.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    let at = chrono::Utc::now()
        + chrono::Duration::seconds(
            i64::try_from(retry_after.as_secs()).unwrap_or(i64::MAX / 2_000),
        );
    format!(
        "Too many failed sign-ins. Try again in {minutes} {unit}, at {} UTC. {}",
        at.format("%H:%M"),
        way_out()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_warning_while_attempts_remain_plenty() {
        assert_eq!(wrong_credentials(None), WRONG_CREDENTIALS);
        assert_eq!(wrong_credentials(Some(4)), WRONG_CREDENTIALS);
        assert_eq!(wrong_credentials(Some(3)), WRONG_CREDENTIALS);
    }

    #[test]
    fn the_last_attempts_are_counted_down() {
        assert_eq!(
            wrong_credentials(Some(2)),
            "Email or password is incorrect. 2 attempts left before sign-in is locked for 15 minutes."
        );
        assert_eq!(
            wrong_credentials(Some(1)),
            "Email or password is incorrect. 1 attempt left before sign-in is locked for 15 minutes."
        );
        let last = wrong_credentials(Some(0));
        assert!(last.contains("sign-in is now locked"), "{last}");
        assert!(last.contains(RESET_COMMAND), "{last}");
    }

    #[test]
    fn a_lock_says_when_it_ends_and_names_the_command() {
        let message = locked(Duration::from_secs(14 * 60 + 1));
        assert!(
            message.starts_with("Too many failed sign-ins. Try again in 15 minutes, at "),
            "{message}"
        );
        assert!(
            message.contains("tollgate admin reset-password --email <email>"),
            "{message}"
        );
        assert!(locked(Duration::from_secs(30)).contains("in 1 minute, at"));
    }
}
