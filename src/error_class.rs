//! What kind of failure an error is, and how every door answers it: one HTTP status and one
//! machine-readable code per kind.
//!
//! The panel's server functions (`app::error::AppError`) and the JSON doors (the API door's
//! and admin API's `ApiError`) both read their status and code from here, so the same core
//! error can't be a 401 at one door and a 400 at the other. What each door *says* (the
//! message) stays its own: the panel speaks to a person at a page, the API to a script.
//! Plain data, without the `server` feature too: the wasm panel shares it.

use http::StatusCode;

/// The kinds of failure, each with its one status and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request could not be read (a broken body, a bad parameter, a call that never
    /// reached its function).
    BadRequest,
    /// Well-formed, but the input is wrong; the details name each field.
    Invalid,
    /// No (valid) admin session.
    Unauthenticated,
    /// The email or password typed at sign-in (or to confirm) is wrong: the credentials
    /// offered are refused, as a wrong token is a 401 at the API door.
    BadCredentials,
    /// The admin's role does not allow it.
    Forbidden,
    /// A sensitive action, and the password was not confirmed recently enough.
    PasswordConfirmationRequired,
    NotFound,
    /// The input clashes with what exists (a duplicate name, the last Super Admin).
    Conflict,
    /// Set-up was asked for, but Tollgate already has an administrator: the state of the
    /// server, not the request, is what refuses it.
    AlreadySetUp,
    /// The token was revoked earlier; nothing was changed.
    AlreadyRevoked,
    /// Too many failed attempts; `Retry-After` says when to try again.
    TooManyAttempts,
    /// The server is too busy checking passwords; `Retry-After` says when to try again.
    Busy,
    /// The database can't be reached; `Retry-After` says when to try again.
    Unavailable,
    Internal,
}

impl ErrorClass {
    pub const fn status(self) -> StatusCode {
        match self {
            Self::BadRequest | Self::Invalid => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::PasswordConfirmationRequired => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict | Self::AlreadySetUp | Self::AlreadyRevoked => StatusCode::CONFLICT,
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `error.code` of the JSON doors' error body.
    pub const fn code(self) -> &'static str {
        match self {
            Self::BadRequest => "invalid_request",
            Self::Invalid => "validation_failed",
            Self::Unauthenticated => "unauthenticated",
            Self::BadCredentials => "bad_credentials",
            Self::Forbidden => "forbidden",
            Self::PasswordConfirmationRequired => "password_confirmation_required",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::AlreadySetUp => "already_set_up",
            Self::AlreadyRevoked => "already_revoked",
            Self::TooManyAttempts => "too_many_requests",
            Self::Busy => "busy",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two answers the panel and the JSON doors used to disagree on.
    #[test]
    fn wrong_credentials_are_a_401_and_a_second_set_up_a_409() {
        assert_eq!(
            ErrorClass::BadCredentials.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(ErrorClass::AlreadySetUp.status(), StatusCode::CONFLICT);
    }

    #[test]
    fn only_the_waits_and_the_failures_are_5xx() {
        for class in [
            ErrorClass::Busy,
            ErrorClass::Unavailable,
            ErrorClass::Internal,
        ] {
            assert!(class.status().is_server_error(), "{class:?}");
        }
        assert!(ErrorClass::TooManyAttempts.status().is_client_error());
    }
}
