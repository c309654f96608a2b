//! `GET /admin/api/tokens/export`: the token list's current view (the list's filters,
//! search and sort, every page) as a CSV or JSON download, streamed a page at a time. The
//! panel's "Export CSV" / "Export JSON" links point here too: the session cookie signs
//! them in, so they work without JavaScript.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tollgate::ServiceError;
use tollgate::model::{ExportFormat, TokenListParams, TokenListQuery};
use tollgate::tokens::export::TokenExport;

use super::AdminSession;
use crate::json_error::ApiError;
use crate::router::AppState;

/// The list's parameters and the file's format.
#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    #[serde(flatten)]
    list: TokenListParams,
    format: Option<String>,
}

/// `?format=` wins; else the first of `text/csv` and `application/json` the `Accept`
/// header names; else CSV (a browser following a link accepts anything).
fn format_of(params: &ExportParams, headers: &HeaderMap) -> Result<ExportFormat, ApiError> {
    if let Some(format) = params
        .format
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        return ExportFormat::parse(format).map_err(|e| ServiceError::Invalid(vec![e]).into());
    }
    let accept = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|media| media.split(';').next().unwrap_or_default().trim());
    for media in accept {
        match media.to_ascii_lowercase().as_str() {
            "text/csv" => return Ok(ExportFormat::Csv),
            "application/json" => return Ok(ExportFormat::Json),
            _ => {}
        }
    }
    Ok(ExportFormat::Csv)
}

/// The file's chunks as they come from the store. A failure part-way can't change the
/// status any more: it is logged and the body ends in an error, so the client sees a
/// broken download rather than a short file that looks whole.
fn body(export: TokenExport) -> Body {
    let chunks = futures_util::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(export))),
            Ok(None) => None,
            Err(error) => {
                tracing::error!(%error, "token export failed part-way");
                Some((Err(std::io::Error::other("the export failed")), None))
            }
        }
    });
    Body::from_stream(chunks)
}

pub async fn export(
    State(state): State<AppState>,
    AdminSession(admin): AdminSession,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) =
        params.map_err(|rejection| ApiError::bad_request("query", rejection.body_text()))?;
    let format = format_of(&params, &headers)?;
    let query = TokenListQuery::parse_export(&params.list).map_err(ServiceError::Invalid)?;
    let export = state.core.tokens.export(&admin, &query, format).await?;
    let file = format.file_name(export.started_at().date_naive());
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body(export),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_format_comes_from_the_parameter_then_accept_then_csv() {
        let none = ExportParams::default();
        let json = ExportParams {
            format: Some("json".into()),
            ..ExportParams::default()
        };
        fn format(params: &ExportParams, headers: &HeaderMap) -> ExportFormat {
            format_of(params, headers).unwrap()
        }
        assert_eq!(format(&none, &HeaderMap::new()), ExportFormat::Csv);
        assert_eq!(format(&none, &accepting("*/*")), ExportFormat::Csv);
        assert_eq!(
            format(&none, &accepting("application/json; q=0.9, */*")),
            ExportFormat::Json
        );
        assert_eq!(
            format(&none, &accepting("text/csv, application/json")),
            ExportFormat::Csv
        );
        assert_eq!(format(&json, &accepting("text/csv")), ExportFormat::Json);
        let bad = ExportParams {
            format: Some("xlsx".into()),
            ..ExportParams::default()
        };
        assert!(format_of(&bad, &HeaderMap::new()).is_err());
    }
}
