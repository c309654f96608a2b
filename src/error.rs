use chrono::{DateTime, Utc};

use crate::error_class::ErrorClass;
use crate::model::{FieldError, format_time};
use crate::store::{StoreError, UNAVAILABLE_RETRY_AFTER};

/// Every way a service call can fail. Each variant is one [`ErrorClass`] (so one HTTP
/// status at every door); no variant ever carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input is wrong; each entry names the field and what to fix.
    #[error("invalid input: {}", describe(.0))]
    Invalid(Vec<FieldError>),
    /// The input clashes with something that exists (e.g. a duplicate name).
    #[error("conflict: {}", describe(.0))]
    Conflict(Vec<FieldError>),
    #[error("Tollgate already has an administrator; sign in instead")]
    AlreadySetUp,
    /// A wrong email or password; `attempts_left` (failures left before the lock) makes the
    /// message warn once few are left.
    #[error("{}", crate::lockout::wrong_credentials(*.attempts_left))]
    BadCredentials { attempts_left: Option<u32> },
    /// Too many failed sign-ins for this account or from this address: says when it
    /// unlocks and the way out.
    #[error("{}", crate::lockout::locked(*.0))]
    TooManyAttempts(std::time::Duration),
    /// This address has sent too many leak reports lately; retry after this long.
    #[error("Too many leak reports from this address. Try again in {} seconds.", .0.as_secs())]
    TooManyReports(std::time::Duration),
    /// Every password-hashing slot stayed taken for a while; retry after this long.
    #[error("The server is busy checking passwords. Try again in a few seconds.")]
    Busy(std::time::Duration),
    /// The admin's role lacks a permission; the message says which, for people to read.
    #[error("{0}")]
    Forbidden(String),
    /// A sensitive action, and the admin's password was not confirmed recently enough.
    #[error("{}", crate::admins::access::CONFIRM_PASSWORD)]
    PasswordConfirmationRequired,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The token was revoked (at this time): it can't be revoked again, changed or
    /// regenerated. Nothing was changed.
    #[error(
        "The token was already revoked on {}; a revoked token can't be revoked again, changed or regenerated. Nothing was changed.",
        format_time(*.0)
    )]
    AlreadyRevoked(DateTime<Utc>),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

impl ServiceError {
    pub fn invalid(field: &str, message: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn conflict(field: &str, message: &str) -> Self {
        Self::Conflict(vec![FieldError::new(field, message)])
    }

    /// What kind of failure this is: the one place a core error gets its status and code.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Invalid(_) => ErrorClass::Invalid,
            Self::Conflict(_) => ErrorClass::Conflict,
            Self::AlreadySetUp => ErrorClass::AlreadySetUp,
            Self::BadCredentials { .. } => ErrorClass::BadCredentials,
            Self::TooManyAttempts(_) | Self::TooManyReports(_) => ErrorClass::TooManyAttempts,
            Self::Busy(_) => ErrorClass::Busy,
            Self::Forbidden(_) => ErrorClass::Forbidden,
            Self::PasswordConfirmationRequired => ErrorClass::PasswordConfirmationRequired,
            Self::NotFound(_) => ErrorClass::NotFound,
            Self::AlreadyRevoked(_) => ErrorClass::AlreadyRevoked,
            Self::Store(StoreError::Unavailable(_)) => ErrorClass::Unavailable,
            Self::Store(_) => ErrorClass::Internal,
        }
    }

    /// Seconds to wait before trying again (`Retry-After`), for the failures that pass.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts(wait) | Self::TooManyReports(wait) | Self::Busy(wait) => {
                Some(wait.as_secs())
            }
            Self::Store(StoreError::Unavailable(_)) => Some(UNAVAILABLE_RETRY_AFTER),
            _ => None,
        }
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}
