//! The core's endpoint table (`tollgate::endpoints::ENDPOINTS`) drives all three readers:
//! each entry is a route of the API door needing exactly its permission, an operation of
//! the OpenAPI document, and the permission forward-auth asks for the same request.

use crate::common::spawn_app;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tollgate::catalog::{Action, Catalog, Permission};
use tollgate::endpoints::{API_PREFIX, ENDPOINTS, Endpoint};
use tollgate::model::TokenType;

/// `endpoint` on `articles`, document 1, with `authorization`.
fn request(endpoint: &Endpoint, authorization: &str) -> Request<Body> {
    let path = endpoint.path(API_PREFIX, "articles").replace("{id}", "1");
    let builder = Request::builder()
        .method(endpoint.method.as_str())
        .uri(path)
        .header(header::AUTHORIZATION, authorization);
    if matches!(endpoint.action, Action::Create | Action::Update) {
        builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "title": "t" }).to_string()))
            .unwrap()
    } else {
        builder.body(Body::empty()).unwrap()
    }
}

#[tokio::test]
async fn each_entry_is_a_route_needing_exactly_its_permission() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for endpoint in ENDPOINTS {
        let needed = Permission::new("articles", endpoint.action).to_string();
        let others: Vec<String> = Action::ALL
            .into_iter()
            .filter(|action| *action != endpoint.action)
            .map(|action| Permission::new("articles", action).to_string())
            .collect();
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        let (_, without) = app
            .token(
                &admin,
                &format!("all but {needed}"),
                TokenType::Custom,
                &others,
            )
            .await;
        let (_, with) = app
            .token(&admin, &needed, TokenType::Custom, &[needed.as_str()])
            .await;

        let refused = app.send(request(endpoint, &without)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{endpoint:?}");
        assert!(
            refused
                .header(header::WWW_AUTHENTICATE)
                .contains(&format!("scope=\"{needed}\"")),
            "{endpoint:?}"
        );

        let let_in = app.send(request(endpoint, &with)).await;
        assert!(
            let_in.status.is_success() || let_in.status == StatusCode::NOT_FOUND,
            "{endpoint:?}: {} {}",
            let_in.status,
            let_in.body
        );
        if let_in.status == StatusCode::NOT_FOUND {
            // Document 1 is gone (deleted above, say): the handler ran and said so.
            assert_eq!(let_in.body["error"]["code"], "not_found", "{endpoint:?}");
        }
    }
}

#[tokio::test]
async fn each_entry_is_documented_and_forward_auth_asks_the_same() {
    let app = spawn_app().await;
    let document = app.get("/api/openapi.json", None).await.body;
    let catalog = Catalog::default();
    for resource in &catalog.resources {
        for endpoint in ENDPOINTS {
            let permission = Permission::new(resource.as_str(), endpoint.action);
            let path = endpoint.path(API_PREFIX, resource);
            let method = endpoint.method.as_str().to_lowercase();
            let operation = &document["paths"][&path][&method];
            assert_eq!(
                operation["operationId"],
                permission.to_string(),
                "{method} {path}"
            );
            let uri = path.replace("{id}", "7");
            assert_eq!(
                tollgate::endpoints::permission_for(
                    &catalog,
                    API_PREFIX,
                    endpoint.method.as_str(),
                    &uri
                ),
                Ok(permission),
                "{method} {uri}"
            );
        }
    }
    let documented = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|path| {
            catalog
                .resources
                .iter()
                .any(|r| path.starts_with(&format!("{API_PREFIX}/{r}")))
        })
        .count();
    let templates = ENDPOINTS
        .iter()
        .map(|e| e.template)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(documented, catalog.resources.len() * templates);
}
