//! The one JSON error every JSON door answers (the API door, forward-auth, the admin API,
//! and the server's own refusals: 405, 408, 413, cross-site): status and code from the
//! core's `ErrorClass`, RFC 6750 `WWW-Authenticate` for token refusals, `Retry-After`.

use axum::Json;
use axum::http::header::{CACHE_CONTROL, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tollgate::ServiceError;
use tollgate::error_class::ErrorClass;
use tollgate::model::FieldError;
use tollgate::store::StoreError;
use tollgate::tokens::verifier::Rejection;

use crate::answers::{ErrorBody, ErrorResponse};
use crate::body_limit::MAX_BODY_BYTES;

const REALM: &str = "tollgate";
const DATABASE_UNAVAILABLE: &str =
    "The database cannot be reached right now; retry in a few seconds.";
use tollgate::store::UNAVAILABLE_RETRY_AFTER;

/// Every error of the JSON APIs, in one shape:
/// `{"error": {"status", "code", "message", "details": [{"field", "message"}]}}`.
/// 401s and 403s carry an RFC 6750 `WWW-Authenticate` header that says which.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Vec<FieldError>,
    challenge: Option<String>,
    /// Seconds, for `Retry-After`.
    retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            challenge: None,
            retry_after: None,
        }
    }

    /// A failure of one of the core's kinds: its status and code from the one table.
    fn of(class: ErrorClass, message: impl Into<String>) -> Self {
        Self::new(class.status(), class.code(), message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::of(ErrorClass::NotFound, message)
    }

    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut error = Self::of(ErrorClass::BadRequest, message.clone());
        error.details.push(FieldError::new(field, message));
        error
    }

    /// A bearer challenge. `error` is RFC 6750's code; `None` when no credentials were sent.
    fn unauthorized(code: &'static str, message: String, error: Option<&str>) -> Self {
        let mut challenge = format!("Bearer realm=\"{REALM}\"");
        if let Some(error) = error {
            challenge.push_str(&format!(
                ", error=\"{error}\", error_description=\"{}\"",
                quote_safe(&message)
            ));
        }
        Self {
            challenge: Some(challenge),
            ..Self::new(StatusCode::UNAUTHORIZED, code, message)
        }
    }

    /// A 403 with RFC 6750's `insufficient_scope` challenge, naming the `scope` needed
    /// when there is one.
    fn insufficient_scope(code: &'static str, message: String, scope: Option<&str>) -> Self {
        let mut challenge = format!(
            "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", error_description=\"{}\"",
            quote_safe(&message)
        );
        if let Some(scope) = scope {
            challenge.push_str(&format!(", scope=\"{scope}\""));
        }
        Self {
            challenge: Some(challenge),
            ..Self::new(StatusCode::FORBIDDEN, code, message)
        }
    }

    pub fn not_bearer() -> Self {
        Self::unauthorized(
            "invalid_request",
            "The Authorization header must use the Bearer scheme: `Authorization: Bearer <token>`."
                .into(),
            Some("invalid_request"),
        )
    }

    /// RFC 6750 §2: a client must not send its token in more than one way.
    pub fn token_sent_twice() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Send the token once: either the Authorization header or the access_token parameter, not both.",
        )
    }

    pub fn query_token_disabled() -> Self {
        Self::unauthorized(
            "invalid_request",
            "Tokens in the URL are turned off on this server (URLs end up in logs); send `Authorization: Bearer <token>` instead."
                .into(),
            Some("invalid_request"),
        )
    }

    /// Forward-auth: no permission maps to this request, so no token may make it.
    pub fn no_route(method: &str, uri: &str) -> Self {
        let path = uri.split('?').next().unwrap_or_default();
        Self::new(
            StatusCode::FORBIDDEN,
            "no_matching_route",
            format!("No token permission covers {method} {path}, so Tollgate refuses it."),
        )
    }

    /// Forward-auth: the original URI is not canonical (see `tollgate::endpoints`), so the
    /// proxy or the service may read another path from it than Tollgate does.
    pub fn ambiguous_path(what: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "ambiguous_path",
            format!(
                "Refused: the path contains {what}, which a proxy or the service behind it may read differently from Tollgate. Send the plain path: no encoded `/`, `\\` or `.`, no `.` or `..` segments, no `//`."
            ),
        )
    }

    /// A known path, but not with this method; axum adds the `Allow` header naming those
    /// it takes.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This path does not take this method: the Allow header lists the ones it does.",
        )
    }

    /// A body that could not be read: too large (413), or broken (400, naming the body).
    /// `status` and `text` are axum's rejection's.
    pub fn unreadable_body(status: StatusCode, text: String) -> Self {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Self::new(
                status,
                "payload_too_large",
                format!(
                    "The body is larger than the {} MiB this server reads; send less.",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
            )
        } else {
            Self::bad_request("body", text)
        }
    }

    /// The admin JSON API without a valid admin session.
    pub fn unauthenticated() -> Self {
        Self::of(
            ErrorClass::Unauthenticated,
            "Sign in first: the admin API is authenticated by the admin session cookie (`tollgate_session`, over https `__Host-tollgate_session`).",
        )
    }

    /// A state-changing request with the admin's cookie that a browser says came from
    /// another site (see `security::refuse_cross_site`).
    pub fn cross_site_request() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            "Refused: this request comes from another site. Changes must come from Tollgate's own pages, or from a script (which sends no Origin header).",
        )
    }

    /// The database can't be reached (or not within the pool's acquire timeout).
    pub fn database_unavailable() -> Self {
        Self {
            retry_after: Some(UNAVAILABLE_RETRY_AFTER),
            ..Self::of(ErrorClass::Unavailable, DATABASE_UNAVAILABLE)
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

/// `error_description` is a quoted string: keep it to characters that need no escaping.
fn quote_safe(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '"' && *c != '\\' && (' '..='~').contains(c))
        .collect()
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> Self {
        let message = rejection.to_string();
        match rejection {
            Rejection::Missing => Self::unauthorized("missing_token", message, None),
            Rejection::Malformed(_) | Rejection::Unknown | Rejection::Expired(_) => {
                Self::unauthorized("invalid_token", message, Some("invalid_token"))
            }
            // RFC 6750's `invalid_token`, with a code that says why.
            Rejection::Suspended => {
                Self::unauthorized("token_suspended", message, Some("invalid_token"))
            }
            Rejection::NotYetValid(_) => {
                Self::unauthorized("token_not_yet_valid", message, Some("invalid_token"))
            }
            // A good token, but not enough for a request from here: RFC 6750's
            // `insufficient_scope` is the nearest of its three codes.
            Rejection::IpNotAllowed(_) => Self::insufficient_scope("ip_not_allowed", message, None),
            Rejection::RateLimited { retry_after, .. } => Self {
                retry_after: Some(retry_after.as_secs().max(1)),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
            },
            Rejection::QuotaExhausted { refills_at } => Self {
                retry_after: refills_at
                    .map(|at| (at - chrono::Utc::now()).num_seconds().max(1) as u64),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, "quota_exhausted", message)
            },
            Rejection::Forbidden { needed } => {
                Self::insufficient_scope("insufficient_scope", message, Some(&needed.to_string()))
            }
            Rejection::Throttled { retry_after } => Self {
                retry_after: Some(retry_after.as_secs()),
                ..Self::of(ErrorClass::TooManyAttempts, message)
            },
            Rejection::Unavailable => Self {
                retry_after: Some(UNAVAILABLE_RETRY_AFTER),
                ..Self::of(ErrorClass::Unavailable, message)
            },
        }
    }
}

/// A core error at the JSON doors: the status, code and `Retry-After` are the core's
/// ([`ServiceError::class`], the table the panel answers with too); the message is the
/// door's, written for a script.
impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        let class = error.class();
        let message = match &error {
            ServiceError::Invalid(_) => "The request is invalid; see details.".to_owned(),
            ServiceError::Conflict(_) => {
                "The request conflicts with existing data; see details.".to_owned()
            }
            ServiceError::NotFound(what) => format!("The {what} does not exist."),
            ServiceError::Forbidden(message) => message.clone(),
            ServiceError::PasswordConfirmationRequired => "Confirm your password first: POST {\"password\": \"…\"} to /rpc/confirm_password with this session, then send this request again.".to_owned(),
            ServiceError::Store(StoreError::Unavailable(store)) => {
                tracing::warn!(error = %store, "API request failed: the database is unavailable");
                DATABASE_UNAVAILABLE.to_owned()
            }
            ServiceError::Store(store) => {
                tracing::error!(error = %store, "API request failed");
                "Something went wrong on the server.".to_owned()
            }
            ServiceError::AlreadySetUp
            | ServiceError::BadCredentials { .. }
            | ServiceError::AlreadyRevoked(_)
            | ServiceError::TooManyAttempts(_)
            | ServiceError::TooManyReports(_)
            | ServiceError::Busy(_) => error.to_string(),
        };
        let retry_after = error.retry_after();
        let details = match error {
            ServiceError::Invalid(details) | ServiceError::Conflict(details) => details,
            _ => Vec::new(),
        };
        Self {
            details,
            retry_after,
            ..Self::of(class, message)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorResponse {
            error: ErrorBody {
                code: self.code,
                details: self.details.iter().map(Into::into).collect(),
                message: &self.message,
                status: self.status.as_u16(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(challenge) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            headers.insert(WWW_AUTHENTICATE, challenge);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON doors answer a core error as the panel does (the core's `ErrorClass`):
    /// these two were 400 `invalid_request` here, 401 and 409 in the panel.
    #[test]
    fn wrong_credentials_are_a_401_and_a_second_set_up_a_409() {
        let wrong = ApiError::from(ServiceError::BadCredentials {
            attempts_left: None,
        });
        assert_eq!(
            (wrong.status, wrong.code),
            (StatusCode::UNAUTHORIZED, "bad_credentials")
        );
        let again = ApiError::from(ServiceError::AlreadySetUp);
        assert_eq!(
            (again.status, again.code),
            (StatusCode::CONFLICT, "already_set_up")
        );
    }

    #[test]
    fn a_wait_carries_its_retry_after() {
        let busy = ApiError::from(ServiceError::Busy(std::time::Duration::from_secs(2)));
        assert_eq!(
            (busy.status, busy.retry_after),
            (StatusCode::SERVICE_UNAVAILABLE, Some(2))
        );
    }
}
