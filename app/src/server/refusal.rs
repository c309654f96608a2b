//! What [`Rpc::reject`](super::Rpc::reject) takes: the only way a core error becomes the
//! panel's [`AppError`], so a bare `?` on a core result does not compile.

use tollgate::ServiceError;

use crate::error::AppError;
/// What [`Rpc::reject`](super::Rpc::reject) takes: a core error, or one of the panel's own.
pub trait Refusal {
    fn into_app_error(self) -> AppError;
}

impl Refusal for AppError {
    fn into_app_error(self) -> AppError {
        self
    }
}

impl Refusal for ServiceError {
    fn into_app_error(self) -> AppError {
        AppError::from_core(self)
    }
}
