use crate::model::FieldError;
use crate::store::StoreError;

/// Every way a service call can fail. The web layers map each variant to one HTTP status;
/// no variant ever carries a secret.
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
    #[error("Email or password is incorrect.")]
    BadCredentials,
    /// The admin's role lacks a permission; the message says which, for people to read.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

impl ServiceError {
    pub fn invalid(field: &str, message: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}
