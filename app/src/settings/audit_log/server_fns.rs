//! Settings > Audit log.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use tollgate::model::AuditPage;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// More parameters than the audit page's filters and cursor, with room for stray ones.
#[cfg(feature = "ssr")]
pub const AUDIT_PARAMS_MAX: usize = 16;

/// One page of the audit log. `params` are the page URL's query pairs, checked here.
#[server(prefix = "/rpc", endpoint = "audit_log", input = Json)]
pub async fn audit_log(params: Vec<(String, String)>) -> Result<AuditPage, AppError> {
    use tollgate::model::AuditQuery;
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    // The page's URL has at most one of each filter; a longer list is no page's.
    if params.len() > AUDIT_PARAMS_MAX {
        let error = tollgate::model::FieldError::new(
            "params",
            format!("Send at most {AUDIT_PARAMS_MAX} query parameters."),
        );
        return Err(rpc.reject(AppError::Invalid(vec![error])));
    }
    let query = AuditQuery::from_params(|name| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    })
    .map_err(|errors| rpc.reject(AppError::Invalid(errors)))?;
    rpc.core
        .audit
        .page(&admin, &query)
        .await
        .map_err(|e| rpc.reject(e))
}
