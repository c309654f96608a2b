//! The OpenAPI 3.1 document served at `/api/openapi.json`, built at start-up from the
//! resource catalog and the configuration, so it describes exactly the routes this server
//! answers. The panel's API reference page is rendered from the same document.

mod admin;
mod export;
mod markdown;
mod operation;
mod paths;
mod policy;
mod reference;
mod schemas;
mod token_requests;
mod webhooks;

use tollgate::catalog::Catalog;
use utoipa::ToSchema;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::ComponentsBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{Components, Content, InfoBuilder, OpenApi, OpenApiBuilder, Tag};

use self::operation::{Failure, TokenSchemes, schema_ref};
use crate::answers;
use crate::router::ApiSettings;

pub use operation::{ANY_TOKEN, PERMISSION_EXTENSION};
pub use reference::reference;

/// The whole document for a server with this catalog and these settings.
pub fn document(catalog: &Catalog, settings: &ApiSettings) -> OpenApi {
    let schemes = TokenSchemes {
        query: settings.allow_query_token,
    };
    let mut paths = paths::content(catalog, schemes);
    paths.merge(paths::door(
        schemes,
        &settings.forward_prefix,
        settings.forward_auth_headers,
    ));
    paths.merge(admin::paths());
    paths.merge(policy::paths());
    paths.merge(webhooks::paths());
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Tollgate API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Every request presents an API token as `Authorization: Bearer tg_…`. Each operation names the permission it needs (`x-tollgate-permission`, and the role list of its security requirement). Errors share one shape (`Error`); 401 and 403 also carry an RFC 6750 `WWW-Authenticate` header.",
                ))
                .build(),
        )
        .paths(paths)
        .components(Some(components(catalog, schemes)))
        .tags(Some(tags(catalog)))
        .build()
}

fn components(catalog: &Catalog, schemes: TokenSchemes) -> Components {
    let mut components = ComponentsBuilder::new()
        .schema_from::<answers::ErrorResponse>()
        .schema_from::<answers::ErrorBody>()
        .schema_from::<answers::FieldProblem>()
        .schema_from::<answers::TokenCheck>()
        .schema_from::<answers::LeakReportReceived>()
        .schema_from::<answers::ForwardGranted>()
        .schema_from::<answers::Health>()
        .schema_from::<answers::Readiness>()
        .schema_from::<answers::AdminToken>()
        .schema_from::<answers::Hold>()
        .schema_from::<answers::GraceValue>()
        .schema_from::<answers::Leak>()
        .schema_from::<answers::TokenData>()
        .schema_from::<answers::TokenPage>()
        .schema_from::<answers::TokenWithSecret>()
        .schema_from::<answers::Policy>()
        .schema_from::<answers::PolicyData>()
        .schema_from::<answers::PolicyImpact>()
        .schema_from::<answers::PolicyPreviewData>()
        .schema_from::<answers::BroughtIn>()
        .schema_from::<answers::BroughtInData>()
        .schema_from::<crate::admin_api::PolicyBody>()
        .schema_from::<answers::Webhook>()
        .schema_from::<answers::WebhookData>()
        .schema_from::<answers::WebhookList>()
        .schema_from::<answers::WebhookWithSecret>()
        .schema_from::<answers::Delivery>()
        .schema_from::<answers::DeliveryData>()
        .schema_from::<answers::DeliveryList>()
        .schemas_from_iter(webhooks::components())
        .schema("NewToken", token_requests::new_token(catalog))
        .schema("TokenChanges", token_requests::token_changes(catalog))
        .schemas_from_iter(token_requests::components())
        .schema("Document", schemas::document())
        .schema("DocumentFields", schemas::document_fields())
        .security_scheme(
            TokenSchemes::BEARER,
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tg_ + 32 base62 characters + a 6-character checksum")
                    .description(Some("An API token, created in Settings › API Tokens."))
                    .build(),
            ),
        );
    components = components.security_scheme(
        admin::SESSION_SCHEME,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "tollgate_session",
            "The panel's session cookie, from signing in (named `__Host-tollgate_session` over https). State-changing requests from another site are refused (403 cross_site_request).",
        ))),
    );
    if schemes.query {
        components = components.security_scheme(
            TokenSchemes::QUERY,
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "access_token",
                "The token as a query parameter (RFC 6750 §2.3), enabled on this server. Prefer the header: URLs end up in logs.",
            ))),
        );
    }
    Failure::ALL
        .into_iter()
        .fold(components, |components, failure| {
            components.response(failure.name(), failure_response(failure))
        })
        .build()
}

fn failure_response(failure: Failure) -> utoipa::openapi::Response {
    let description = match failure {
        Failure::BadRequest => {
            "The request is malformed: a bad id or body (`details` names the field), or the token sent two ways at once."
        }
        Failure::Unauthorized => {
            "No usable token: `missing_token`, `invalid_token` (malformed, unknown, revoked or expired; the message says which), `token_suspended` (suspended by an admin until resumed), `token_not_yet_valid` (its `not_before` has not come; the message says when) or `invalid_request`."
        }
        Failure::Forbidden => {
            "The token is valid but lacks the permission (`insufficient_scope`; `scope` in `WWW-Authenticate` names it), or the client address is outside the token's allowed networks (`ip_not_allowed`)."
        }
        Failure::NotSignedIn => "No valid admin session: sign in to the panel first.",
        Failure::NotAllowed => {
            "The admin's role lacks the permission this operation needs (`forbidden`), a browser sent the change from another site (`cross_site_request`), or a change that needs a recently typed password came without one (`password_confirmation_required`: `POST {\"password\": …}` to `/rpc/confirm_password` with the same session, then retry)."
        }
        Failure::NotFound => "No such document or token.",
        Failure::PayloadTooLarge => {
            "The body is larger than the 2 MiB the server reads (`payload_too_large`)."
        }
        Failure::TooManyRequests => {
            "Too many invalid tokens from this client address (`too_many_requests`), the token's rate limit is used up (`rate_limited`, with `RateLimit-Policy` and `RateLimit`), or its quota is (`quota_exhausted`; `Retry-After` only when it refills). Wait `Retry-After` seconds."
        }
        Failure::Unavailable => {
            "The database did not answer; try again after `Retry-After` seconds."
        }
    };
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        Content::new(Some(schema_ref(&answers::ErrorResponse::name()))),
    );
    let header = match failure {
        Failure::Unauthorized | Failure::Forbidden => Some((
            "WWW-Authenticate",
            "The RFC 6750 challenge: `Bearer realm=\"tollgate\"`, with `error`, `error_description` and, for 403, `scope`.",
        )),
        Failure::TooManyRequests | Failure::Unavailable => {
            Some(("Retry-After", "Seconds to wait before trying again."))
        }
        _ => None,
    };
    if let Some((name, description)) = header {
        response = response.header(
            name,
            HeaderBuilder::new()
                .schema(operation::string())
                .description(Some(description))
                .build(),
        );
    }
    response.build()
}

fn tags(catalog: &Catalog) -> Vec<Tag> {
    let resources = catalog.resources.iter().map(|resource| {
        TagBuilder::new()
            .name(resource)
            .description(Some(format!(
                "Stored JSON documents of `{resource}`: one permission per action."
            )))
            .build()
    });
    let fixed = [
        ("tokens", "What a token may learn about itself."),
        (
            "forward-auth",
            "Tollgate in front of any service, for reverse proxies.",
        ),
        ("admin-tokens", "Managing tokens from scripts and CI: the same rules and permissions as the panel, signed in by the admin session."),
        ("admin-policy", "The token policy (maximum lifetime, required expiry, defaults): every create, edit and regenerate is held to it, at every door."),
        webhooks::tag(),
        ("meta", "Health checks and this document."),
    ]
    .map(|(name, description)| {
        TagBuilder::new()
            .name(name)
            .description(Some(description))
            .build()
    });
    resources.chain(fixed).collect()
}
