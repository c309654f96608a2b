//! The OpenAPI document at `/api/openapi.json`: it lists every route with the permission
//! it needs, and each documented operation answers as the document says. (Playwright also
//! validates the document against the OpenAPI 3.1 schema.)

use crate::common::{TestApp, spawn_app, spawn_app_with};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tollgate::catalog::{Action, Catalog, Permission};
use tollgate::model::TokenType;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let reply = app.get("/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/json");
    reply.body
}

/// Every operation in the document: (method, path, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_owned(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

fn documented_statuses(operation: &Value) -> Vec<String> {
    operation["responses"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn every_content_route_is_documented_with_the_permission_it_needs() {
    let app = spawn_app().await;
    let document = document(&app).await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));

    for resource in Catalog::default().resources {
        for action in Action::ALL {
            let permission = Permission::new(resource.as_str(), action).to_string();
            let (method, path) = action
                .endpoint(&resource)
                .split_once(' ')
                .map(|(m, p)| (m.to_lowercase(), p.to_owned()))
                .unwrap();
            let operation = &document["paths"][&path][&method];
            assert_eq!(operation["operationId"], permission, "{method} {path}");
            assert_eq!(operation["x-tollgate-permission"], permission);
            assert_eq!(
                operation["security"],
                json!([{ "bearer": [permission] }]),
                "{method} {path} names its permission in its security requirement"
            );
            for status in ["401", "403", "429"] {
                assert!(
                    documented_statuses(operation).contains(&status.to_owned()),
                    "{method} {path} documents {status}"
                );
            }
        }
    }
    for fixed in [
        "/api/tokens/verify",
        "/auth/forward",
        "/healthz",
        "/readyz",
        "/api/openapi.json",
    ] {
        assert!(
            document["paths"][fixed]["get"].is_object(),
            "{fixed} is documented"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(
        document["components"]["securitySchemes"]
            .get("accessTokenQuery")
            .is_none(),
        "query tokens are off, so the document does not offer them"
    );
}

/// Walks the document and calls each token-protected operation three ways: without a
/// token, with a token lacking its permission, and with a full-access token. Each answer
/// must be one the document lists for that operation.
#[tokio::test]
async fn each_documented_operation_answers_only_documented_statuses() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    // Two narrow tokens: for each operation, one of them lacks its permission.
    let (_, authors_reader) = app
        .token(
            &admin,
            "authors reader",
            TokenType::Custom,
            &["authors.find"],
        )
        .await;
    let (_, articles_reader) = app
        .token(
            &admin,
            "articles reader",
            TokenType::Custom,
            &["articles.find"],
        )
        .await;
    let document = document(&app).await;
    let mut checked = 0;

    for (method, path, operation) in operations(&document) {
        let Some(permission) = operation["x-tollgate-permission"].as_str() else {
            continue;
        };
        if !path.starts_with("/api/") {
            // Forward-auth answers for another request (server/tests/forward_auth.rs); the
            // admin API signs in by session (below).
            continue;
        }
        let lacking = if permission == "authors.find" {
            &articles_reader
        } else {
            &authors_reader
        };
        let statuses = documented_statuses(&operation);
        let uri = match path.strip_suffix("/{id}") {
            Some(collection) => {
                let listed = app.get(collection, Some(&full)).await;
                format!("{collection}/{}", listed.body["data"][0]["id"])
            }
            None => path.clone(),
        };
        let send = |authorization: Option<String>| {
            let mut request = Request::builder()
                .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
                .uri(uri.clone())
                .header(header::CONTENT_TYPE, "application/json");
            if let Some(value) = authorization {
                request = request.header(header::AUTHORIZATION, value);
            }
            let body = if matches!(method.as_str(), "post" | "put") {
                Body::from(json!({"title": "Documented"}).to_string())
            } else {
                Body::empty()
            };
            app.send(request.body(body).unwrap())
        };

        let anonymous = send(None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert!(statuses.contains(&"401".to_owned()));

        if permission != tollgate_any_token() {
            let refused = send(Some(lacking.clone())).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{method} {uri}");
            assert!(statuses.contains(&"403".to_owned()));
        }

        let granted = send(Some(full.clone())).await;
        assert!(
            statuses.contains(&granted.status.as_u16().to_string()),
            "{method} {uri} answered {} but documents {statuses:?}",
            granted.status
        );
        assert!(
            granted.status.is_success(),
            "{method} {uri}: {:?}",
            granted.body
        );
        checked += 1;
    }
    // 3 demo resources × 5 actions, plus the self-check.
    assert_eq!(checked, 16);
}

fn tollgate_any_token() -> &'static str {
    server::openapi::ANY_TOKEN
}

#[tokio::test]
async fn the_document_follows_the_catalog_file_and_the_query_token_setting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.json");
    std::fs::write(&path, r#"{"resources": ["invoices"]}"#).unwrap();
    let app = spawn_app_with(|config| {
        config.catalog = Some(path.clone());
        config.allow_query_token = true;
    })
    .await;
    let document = document(&app).await;

    assert_eq!(
        document["paths"]["/api/invoices/{id}"]["delete"]["operationId"],
        "invoices.delete"
    );
    assert!(document["paths"].get("/api/articles").is_none());
    assert_eq!(
        document["components"]["securitySchemes"]["accessTokenQuery"]["in"],
        "query"
    );
    assert_eq!(
        document["paths"]["/api/invoices"]["get"]["security"],
        json!([{ "bearer": ["invoices.find"] }, { "accessTokenQuery": ["invoices.find"] }])
    );
}

#[tokio::test]
async fn the_panel_reference_is_read_from_the_document_for_signed_in_admins_only() {
    let app = spawn_app().await;
    let refused = app.rpc("api_reference", None, &json!({})).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    let (_, cookie) = app.signed_in_admin().await;
    let reference = app.rpc("api_reference", Some(&cookie), &json!({})).await;
    assert_eq!(reference.status, StatusCode::OK);

    let groups = reference.body["groups"].as_array().unwrap();
    let tags: Vec<&str> = groups.iter().map(|g| g["tag"].as_str().unwrap()).collect();
    assert_eq!(
        tags,
        [
            "articles",
            "categories",
            "authors",
            "tokens",
            "forward-auth",
            "admin-tokens",
            "admin-policy",
            "admin-webhooks",
            "meta"
        ]
    );
    let create = groups[0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "articles.create")
        .unwrap();
    assert_eq!(create["method"], "POST");
    assert_eq!(create["path"], "/api/articles");
    assert_eq!(create["permission"], "articles.create");
    let statuses: Vec<&str> = create["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    // Its own answers only: the token check's are in the shared section, once.
    assert!(
        statuses.contains(&"201") && statuses.contains(&"400"),
        "{statuses:?}"
    );
    assert!(
        !statuses.contains(&"401") && !statuses.contains(&"403"),
        "{statuses:?}"
    );
    assert_eq!(create["answers_shared_errors"], true);
    assert_eq!(create["summary"], "Create an article");

    let shared = reference.body["shared_errors"].as_array().unwrap();
    let with_token = &shared[0];
    assert_eq!(
        with_token["applies_to"],
        "Endpoints called with an API token"
    );
    let statuses: Vec<&str> = with_token["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["401", "403", "429", "503"]);
    let forbidden = &with_token["responses"][1];
    // Rendered from the description's Markdown: `insufficient_scope` is code.
    assert!(
        forbidden["description"]
            .as_str()
            .unwrap()
            .contains("<code>insufficient_scope</code>"),
        "shared responses are resolved and rendered for the page: {forbidden}"
    );
    assert_eq!(
        shared[1]["applies_to"],
        "The admin API, called with the panel's session"
    );
}

/// The admin API, walked like the token API: every operation answers 401 without a session
/// and, signed in, a status its entry lists; a malformed body gets a documented 400.
#[tokio::test]
async fn each_admin_operation_answers_only_documented_statuses() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let document = document(&app).await;
    let mut checked = 0;

    for (method, path, operation) in operations(&document) {
        if !path.starts_with("/admin/api/") {
            continue;
        }
        let statuses = documented_statuses(&operation);
        // A fresh token per operation, so revoke and regenerate find a working one.
        let made = send(
            &app,
            "post",
            "/admin/api/tokens",
            Some(&cookie),
            Some(json!({"name": format!("for {method} {path}"), "type": "read-only"})),
        )
        .await;
        let mut uri = path.replace("{id}", &made.body["data"]["id"].to_string());
        if path.starts_with("/admin/api/webhooks") {
            uri = webhook_uri(&app, &cookie, &path).await;
        }
        // Resuming and ending a grace period need a token that is held or rolling.
        let before = match path.as_str() {
            "/admin/api/tokens/{id}/resume" => Some(("suspend", None)),
            "/admin/api/tokens/{id}/end-grace" => {
                Some(("regenerate", Some(json!({"grace": "1h"}))))
            }
            _ => None,
        };
        if let Some((step, body)) = before {
            let prefix = uri.rsplit_once('/').unwrap().0;
            let ready = send(
                &app,
                "post",
                &format!("{prefix}/{step}"),
                Some(&cookie),
                body,
            )
            .await;
            assert!(ready.status.is_success(), "{step}: {:?}", ready.body);
        }
        let body = match (method.as_str(), path.as_str()) {
            ("post", "/admin/api/tokens") => Some(
                json!({"name": format!("new via {method}"), "type": "full-access", "duration": 7}),
            ),
            ("post", "/admin/api/webhooks") => {
                Some(json!({"url": "https://hooks.example.com/new", "events": ["token.revoked"]}))
            }
            ("patch", _) => Some(json!({"description": "changed"})),
            ("put", "/admin/api/policy") | ("post", "/admin/api/policy/preview") => Some(
                json!({"max_lifetime_days": 365, "default_duration_days": 30, "require_expiry": true, "expiry_warning_days": [7, 1]}),
            ),
            _ => None,
        };

        let anonymous = send(&app, &method, &uri, None, body.clone()).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
        assert!(statuses.contains(&"401".to_owned()));

        let signed_in = send(&app, &method, &uri, Some(&cookie), body.clone()).await;
        assert!(
            signed_in.status.is_success(),
            "{method} {uri}: {:?}",
            signed_in.body
        );
        assert!(
            statuses.contains(&signed_in.status.as_u16().to_string()),
            "{method} {uri} answered {} but documents {statuses:?}",
            signed_in.status
        );
        if body.is_some() {
            let malformed =
                send(&app, &method, &uri, Some(&cookie), Some(json!({"type": 7}))).await;
            assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{method} {uri}");
            assert!(statuses.contains(&"400".to_owned()));
        }
        checked += 1;
    }
    assert_eq!(checked, 24);
}

/// `path` with `{id}` a fresh webhook endpoint's, or for redeliver a delivery's.
async fn webhook_uri(app: &TestApp, cookie: &str, path: &str) -> String {
    let hook = json!({"url": "https://hooks.example.com/", "events": ["token.created"]});
    let made = send(app, "post", "/admin/api/webhooks", Some(cookie), Some(hook)).await;
    let id = made.body["data"]["id"].to_string();
    if path != "/admin/api/webhooks/deliveries/{id}/redeliver" {
        return path.replace("{id}", &id);
    }
    let test = format!("/admin/api/webhooks/{id}/test");
    let queued = send(app, "post", &test, Some(cookie), None).await;
    path.replace("{id}", &queued.body["data"]["id"].to_string())
}

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> crate::common::Reply {
    let mut request = Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    app.send(request.body(body).unwrap()).await
}

/// The schemas are closed (`additionalProperties: false`), so every field the admin API
/// answers must be in `AdminToken`; `created_by_removed` once was not.
#[tokio::test]
async fn the_admin_token_schema_names_every_field_the_admin_api_answers() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let document = document(&app).await;
    let schema = &document["components"]["schemas"]["AdminToken"];

    let made = send(
        &app,
        "post",
        "/admin/api/tokens",
        Some(&cookie),
        Some(json!({"name": "documented", "type": "read-only"})),
    )
    .await;
    let answered: Vec<&String> = made.body["data"].as_object().unwrap().keys().collect();
    let documented: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(answered, documented);
    assert_eq!(schema["additionalProperties"], false);
    for field in schema["required"].as_array().unwrap() {
        assert!(
            made.body["data"].get(field.as_str().unwrap()).is_some(),
            "{field}"
        );
    }
}

/// The list's parameters are typed with exactly the values the server takes: each one
/// listed is answered 200, the bounds of `limit` hold.
#[tokio::test]
async fn the_list_parameters_document_the_values_the_server_takes() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let document = document(&app).await;
    let list = |query: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            send(
                app,
                "get",
                &format!("/admin/api/tokens?{query}"),
                Some(&cookie),
                None,
            )
            .await
        }
    };
    let parameters = document["paths"]["/admin/api/tokens"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let schema_of = |name: &str| &parameters.iter().find(|p| p["name"] == name).unwrap()["schema"];
    for name in ["type", "status", "sort"] {
        let values = schema_of(name)["enum"].as_array().unwrap();
        assert!(values.len() > 2, "{name} lists its values");
        for value in values {
            let reply = list(format!("{name}={}", value.as_str().unwrap())).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{name}={value}: {}",
                reply.body
            );
        }
        let refused = list(format!("{name}=nonsense")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{name}");
    }
    let limit = &schema_of("limit")["oneOf"][0];
    assert_eq!(
        (
            limit["type"].as_str(),
            limit["minimum"].as_u64(),
            limit["maximum"].as_u64()
        ),
        (Some("integer"), Some(1), Some(100))
    );
    for (value, status) in [("1", 200), ("100", 200), ("0", 400), ("101", 400)] {
        assert_eq!(
            list(format!("limit={value}")).await.status,
            status,
            "limit={value}"
        );
    }
    assert_eq!(schema_of("search")["maxLength"], 100);
}

/// What a request body must hold is in its schema: a custom token names permissions from
/// the catalog, the other types none; a document has at least one field of its own; and
/// every body may be refused as too large.
#[tokio::test]
async fn the_request_schemas_state_the_rules_a_body_is_checked_against() {
    let app = spawn_app().await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];

    let variants = schemas["NewToken"]["oneOf"].as_array().unwrap();
    let custom = variants
        .iter()
        .find(|v| v["properties"]["type"]["enum"] == json!(["custom"]))
        .unwrap();
    assert_eq!(custom["required"], json!(["name", "type", "permissions"]));
    assert_eq!(custom["properties"]["permissions"]["minItems"], 1);
    let catalog: Vec<String> = Catalog::default()
        .all_permissions()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        custom["properties"]["permissions"]["items"]["enum"],
        json!(catalog)
    );
    let typed = variants.iter().find(|v| v != &custom).unwrap();
    assert_eq!(
        typed["properties"]["type"]["enum"],
        json!(["read-only", "full-access"])
    );
    assert_eq!(typed["properties"]["permissions"]["maxItems"], 0);
    for variant in variants {
        assert_eq!(variant["additionalProperties"], false);
        assert_eq!(variant["properties"]["name"]["maxLength"], 100);
    }

    assert_eq!(schemas["DocumentFields"]["minProperties"], 1);

    for (method, path, operation) in operations(&document) {
        if operation.get("requestBody").is_some() {
            assert!(
                documented_statuses(&operation).contains(&"413".to_owned()),
                "{method} {path} documents 413"
            );
        }
    }
}
