use std::sync::{Arc, OnceLock};
use std::time::Duration;

use app::server::{ServerContext, TakenByRequest};
use app::{App, shell};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::handler::Handler;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, RETRY_AFTER, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tollgate::Tollgate;
use tollgate::client_address::TrustedProxies;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::answers::{Health, Readiness};
use crate::api_door::ForwardAuthHeaders;
use crate::site_assets::{self, SiteAssets};
use crate::{admin_api, api_door, body_limit, openapi, request_context, security};

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub core: Tollgate,
    /// The built panel: where its files are, which of them are named by their hash.
    #[from_ref(skip)]
    pub assets: SiteAssets,
    #[from_ref(skip)]
    pub secure_cookies: bool,
    #[from_ref(skip)]
    pub api: ApiSettings,
    /// How often token usage is written (`--usage-flush-seconds`); the token list
    /// refreshes itself as often.
    #[from_ref(skip)]
    pub usage_flush: Duration,
}

/// How the API door reads requests.
#[derive(Clone, Debug)]
pub struct ApiSettings {
    /// Accept `?access_token=` as well as the Authorization header.
    pub allow_query_token: bool,
    /// The reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed.
    pub trusted_proxies: TrustedProxies,
    /// Forward-auth maps `{prefix}/{resource}[/{id}]` to permissions.
    pub forward_prefix: String,
    /// Forward-auth reads the original request from these headers, and only these.
    pub forward_auth_headers: ForwardAuthHeaders,
}

/// The whole server: the panel (pages and `/rpc` server functions), the protected API,
/// the admin JSON API, health checks and static assets.
pub fn router(state: AppState) -> Router {
    let routes = panel_routes();
    let document = openapi::document(state.core.tokens.catalog(), &state.api);
    let context = ServerContext {
        core: state.core.clone(),
        api_reference: Arc::new(openapi::reference(&document)),
        usage_flush: state.usage_flush,
    };
    // Served as built: the document only changes with the configuration.
    let document = Bytes::from(document.to_json().expect("an OpenAPI document serializes"));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/api/openapi.json",
            get(move || std::future::ready(([(CONTENT_TYPE, "application/json")], document.clone()))),
        )
        .nest("/api", api_door::routes())
        .nest("/admin/api", admin_api::routes())
        // GET (and so HEAD) only: nginx `auth_request`, Caddy `forward_auth` and Traefik
        // `forwardAuth` all ask with GET, whatever the original method (that travels in a
        // header). Anything else is a 405 in the API's error shape, with `Allow`.
        .route(
            "/auth/forward",
            get(api_door::forward_auth)
                .fallback(|| async { crate::json_error::ApiError::method_not_allowed() })
                .layer(axum::middleware::from_fn(api_door::add_rate_headers)),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let context = context.clone();
                move || {
                    provide_context(context.clone());
                    // New for each request: a page render may ask for a handoff twice.
                    provide_context(TakenByRequest::default());
                    security::set_page_policy();
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        // The built assets (`/pkg/…`, `favicon.svg`) straight from the site root, and for any
        // other path the panel's "not found" page. Assets are served here, not by Leptos'
        // `file_and_error_handler`: that one answers a file inside a reactive owner that can
        // inherit whichever page render last ran on the same worker thread, and then takes that
        // page's response headers (its Content-Security-Policy, a `Set-Cookie`) onto the file's
        // answer, leaving the page without them (seen in Chromium: about 1 page load in 40 got
        // the strict default policy and never hydrated).
        .fallback_service(
            // A browser that takes brotli or gzip gets the copy the build compressed.
            ServeDir::new(state.assets.root())
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                leptos_axum::file_and_error_handler_with_context::<AppState, _>(
                    move || {
                        provide_context(context.clone());
                        security::set_page_policy();
                    },
                    shell,
                )
                .with_state(state.clone()),
            ),
        )
        // A server function's error answers with the error's own status and Retry-After.
        .layer(axum::middleware::from_fn(crate::server_fn_status::status_from_error))
        .layer(axum::middleware::from_fn(body_limit::read_whole_body))
        .layer(DefaultBodyLimit::max(body_limit::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            state.assets.clone(),
            site_assets::cache_control,
        ))
        // Read once, before any door: every door takes the client's address and session
        // from here.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_context::attach,
        ))
        .layer(
            // Log method and path only: the query string may carry `access_token`.
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        // Pages set their own policy, with their nonce; everything else gets the strict one.
        .layer(SetResponseHeaderLayer::if_not_present(CONTENT_SECURITY_POLICY, HeaderValue::from_static(security::DEFAULT_POLICY)))
        .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .with_state(state)
}

/// The panel's routes. Listing them renders the app once, and two listings at the same time
/// in one process (several routers, as the tests build) can trip over each other's reactive
/// context: list them once, and hand out copies.
fn panel_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Liveness: the process answers.
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// How long readiness waits for the database's answer: well inside a load balancer's
/// probe timeout (commonly 2–5 s), and far beyond a healthy round trip.
const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// Readiness: the database answers too. At once 503 while the change feed finds the
/// database away; otherwise a ping, given [`READY_TIMEOUT`].
async fn readyz(State(core): State<Tollgate>) -> Response {
    let ping = async {
        if core.database_away() {
            return Err("the change feed finds the database away".to_owned());
        }
        match tokio::time::timeout(READY_TIMEOUT, core.store.ping()).await {
            Ok(answer) => answer.map_err(|error| error.to_string()),
            Err(_) => Err(format!("no answer within {READY_TIMEOUT:?}")),
        }
    };
    match ping.await {
        Ok(()) => (
            StatusCode::OK,
            Json(Readiness {
                database: Some(core.store.backend()),
                status: "ok",
            }),
        )
            .into_response(),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    RETRY_AFTER,
                    HeaderValue::from(tollgate::store::UNAVAILABLE_RETRY_AFTER),
                )],
                Json(Readiness {
                    database: None,
                    status: "unavailable",
                }),
            )
                .into_response()
        }
    }
}
