use http::StatusCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use tollgate::error_class::ErrorClass;
use tollgate::model::FieldError;

/// The error every server function returns. It crosses to the browser as JSON, so it holds
/// only what the user may see: never a secret, never a stack trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    /// A sensitive action needs the password typed again; the panel asks for it in place.
    #[error("Confirm your password to continue.")]
    PasswordConfirmationRequired,
    #[error("Please correct the fields marked below.")]
    Invalid(Vec<FieldError>),
    #[error("Please correct the fields marked below.")]
    Conflict(Vec<FieldError>),
    #[error("Tollgate already has an administrator. Sign in instead.")]
    AlreadySetUp,
    /// `attempts_left` before the lock: the message warns when few are left.
    #[error("{}", tollgate::lockout::wrong_credentials(*.attempts_left))]
    BadCredentials { attempts_left: Option<u32> },
    #[error("The {0} was not found. It may have been revoked or deleted; refresh the page.")]
    NotFound(String),
    /// The token was revoked earlier; the message says when. Nothing was changed.
    #[error("{0}")]
    AlreadyRevoked(String),
    /// Too many failed sign-ins; `retry_after` in seconds.
    #[error("{message}")]
    TooManyAttempts { message: String, retry_after: u64 },
    /// The database can't be reached; `retry_after` in seconds.
    #[error("The database cannot be reached right now. Try again in a few seconds.")]
    Unavailable { retry_after: u64 },
    /// The server is too busy to check a password now; `retry_after` in seconds.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    #[error(
        "Something went wrong on the server. Try again; if it keeps happening, check the server log."
    )]
    Internal,
    /// The request never reached the function or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// One sentence for a banner or a row: the first field's message when the error is
    /// about a field (e.g. "the last Super Admin"), else the error itself.
    pub fn explain(&self) -> String {
        self.field_errors()
            .first()
            .map_or_else(|| self.to_string(), |e| e.message.clone())
    }

    /// The per-field messages, for showing next to the inputs.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(errors) | AppError::Conflict(errors) => errors,
            _ => &[],
        }
    }

    /// Whether a form refused with this error should ask for the password: the server
    /// wants it confirmed, or the one typed was wrong (or tried too often).
    pub fn asks_for_password(&self) -> bool {
        matches!(
            self,
            AppError::PasswordConfirmationRequired | AppError::TooManyAttempts { .. }
        ) || self.field_errors().iter().any(|e| e.field == "password")
    }

    /// Seconds to wait before trying again, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after, .. }
            | AppError::Busy { retry_after, .. }
            | AppError::Unavailable { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// What kind of failure this is; its status and code come from the core's one table,
    /// the one the JSON doors answer with too.
    pub fn class(&self) -> ErrorClass {
        match self {
            AppError::Unauthenticated => ErrorClass::Unauthenticated,
            AppError::Forbidden(_) => ErrorClass::Forbidden,
            AppError::PasswordConfirmationRequired => ErrorClass::PasswordConfirmationRequired,
            AppError::Invalid(_) => ErrorClass::Invalid,
            AppError::Conflict(_) => ErrorClass::Conflict,
            AppError::AlreadySetUp => ErrorClass::AlreadySetUp,
            AppError::BadCredentials { .. } => ErrorClass::BadCredentials,
            AppError::NotFound(_) => ErrorClass::NotFound,
            AppError::AlreadyRevoked(_) => ErrorClass::AlreadyRevoked,
            AppError::TooManyAttempts { .. } => ErrorClass::TooManyAttempts,
            AppError::Unavailable { .. } => ErrorClass::Unavailable,
            AppError::Busy { .. } => ErrorClass::Busy,
            AppError::Internal => ErrorClass::Internal,
            AppError::Transport(_) => ErrorClass::BadRequest,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.class().status()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The panel's side of a core error. Deliberately not a `From`: a bare `?` on a core
    /// result does not compile in a server function, so each one goes through
    /// [`Rpc::reject`](crate::server::Rpc::reject), which also gives a page render the
    /// error's status.
    pub(crate) fn from_core(error: tollgate::ServiceError) -> Self {
        use tollgate::ServiceError as E;
        match error {
            E::Invalid(errors) => AppError::Invalid(errors),
            E::Conflict(errors) => AppError::Conflict(errors),
            E::AlreadySetUp => AppError::AlreadySetUp,
            E::BadCredentials { attempts_left } => AppError::BadCredentials { attempts_left },
            E::Forbidden(message) => AppError::Forbidden(message),
            E::PasswordConfirmationRequired => AppError::PasswordConfirmationRequired,
            E::NotFound(what) => AppError::NotFound(what.to_owned()),
            E::AlreadyRevoked(_) => AppError::AlreadyRevoked(error.to_string()),
            E::TooManyAttempts(wait) | E::TooManyReports(wait) => AppError::TooManyAttempts {
                message: error.to_string(),
                retry_after: wait.as_secs(),
            },
            E::Store(tollgate::store::StoreError::Unavailable(error)) => {
                tracing::warn!(%error, "server function failed: the database is unavailable");
                AppError::Unavailable {
                    retry_after: tollgate::store::UNAVAILABLE_RETRY_AFTER,
                }
            }
            E::Busy(wait) => AppError::Busy {
                message: error.to_string(),
                retry_after: wait.as_secs(),
            },
            E::Store(error) => {
                tracing::error!(%error, "server function failed");
                AppError::Internal
            }
        }
    }
}
