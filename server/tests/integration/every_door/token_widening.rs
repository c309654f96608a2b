//! Token edits at every door: one that lets the token do more waits for the password
//! window (admin API, server function, no-JS form), a narrowing one doesn't, and a role
//! that may edit tokens but not read them gets no token back.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tollgate::model::{AddAdminRequest, AdminPermission, RoleRequest, TokenType};

use crate::common::{Reply, TestApp, spawn_app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";

async fn call(app: &TestApp, method: Method, path: &str, cookie: &str, body: Value) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

/// A signed-in first admin whose password window is closed, and a read-only token.
async fn lapsed_admin_and_token(app: &TestApp) -> (String, i64) {
    let (admin, cookie) = app.signed_in_admin().await;
    let (id, _) = app.token(&admin, "ci", TokenType::ReadOnly, &[]).await;
    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, StatusCode::OK, "{}", forget.body);
    (cookie, id)
}

#[tokio::test]
async fn the_admin_api_asks_for_the_password_before_a_widening_edit() {
    let app = spawn_app().await;
    let (cookie, id) = lapsed_admin_and_token(&app).await;
    let path = format!("/admin/api/tokens/{id}");

    let renamed = call(&app, Method::PATCH, &path, &cookie, json!({"name": "ci-2"})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);

    for widening in [
        json!({"type": "full-access"}),
        json!({"duration": "unlimited"}),
    ] {
        let refused = call(&app, Method::PATCH, &path, &cookie, widening.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{widening}: {}",
            refused.body
        );
        assert_eq!(
            refused.body["error"]["code"],
            "password_confirmation_required"
        );
    }
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.token_type, TokenType::ReadOnly);
    assert!(token.expires_at.is_some(), "nothing widened");

    let confirmed = app
        .rpc(
            "confirm_password",
            Some(&cookie),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let widened = call(
        &app,
        Method::PATCH,
        &path,
        &cookie,
        json!({"type": "full-access"}),
    )
    .await;
    assert_eq!(widened.status, StatusCode::OK, "{}", widened.body);
    assert_eq!(widened.body["data"]["type"], "full-access");
}

#[tokio::test]
async fn the_update_server_function_asks_for_the_password_before_a_widening_edit() {
    let app = spawn_app().await;
    let (cookie, id) = lapsed_admin_and_token(&app).await;
    let edit = |patch: Value| json!({"id": id, "patch": patch});

    let described = app
        .rpc(
            "update_token",
            Some(&cookie),
            &edit(json!({"description": "ok"})),
        )
        .await;
    assert_eq!(described.status, StatusCode::OK, "{}", described.body);
    let refused = app
        .rpc(
            "update_token",
            Some(&cookie),
            &edit(json!({"type": "full-access"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.body, json!("PasswordConfirmationRequired"));
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.token_type, TokenType::ReadOnly);
}

#[tokio::test]
async fn without_javascript_a_widening_edit_asks_for_the_password_in_the_form() {
    let app = spawn_app().await;
    let (cookie, id) = lapsed_admin_and_token(&app).await;
    let id_text = id.to_string();
    let mut form = vec![
        ("id", id_text.as_str()),
        ("name", "ci"),
        ("description", ""),
        ("token_type", "full-access"),
        ("duration", "keep"),
        ("expiry_date", ""),
    ];
    let post = |fields: Vec<(&str, &str)>| {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
            .collect::<Vec<_>>()
            .join("&");
        Request::post("/rpc/update_token_form")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header("sec-fetch-site", "same-origin")
            .header(header::COOKIE, &cookie)
            .body(Body::from(body))
            .unwrap()
    };
    let edit_page = format!("/settings/api-tokens/{id}/edit");

    let asked = app.send(post(form.clone())).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(asked.header(header::LOCATION), edit_page);
    // The edit page comes back with the reason and a password field (no dialog here).
    let page = Request::get(&edit_page)
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(page).await.unwrap();
    let html = response.into_body().collect().await.unwrap().to_bytes();
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains("Confirm your password to continue."),
        "{html}"
    );
    assert!(
        html.contains(r#"name="password""#),
        "a password field: {html}"
    );
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.token_type, TokenType::ReadOnly, "nothing saved");

    form.push(("password", PASSWORD));
    let saved = app.send(post(form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.header(header::LOCATION),
        format!("/settings/api-tokens/{id}?saved=1")
    );
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.token_type, TokenType::FullAccess);
}

/// A custom role with `api_tokens.update` only: an empty PATCH (or any edit) answers 403
/// and no token, at the admin API and the server function alike.
#[tokio::test]
async fn editing_without_read_permission_reads_nothing() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (id, _) = app.token(&admin, "hidden", TokenType::ReadOnly, &[]).await;
    let role = app
        .core
        .roles
        .create(
            &admin,
            &RoleRequest {
                name: "Updater".into(),
                permissions: vec![AdminPermission::ApiTokensUpdate],
            },
        )
        .await
        .unwrap();
    let request = AddAdminRequest {
        email: "uma@example.com".into(),
        name: "Uma".into(),
        role_id: role.id,
        password: PASSWORD.into(),
    };
    app.core.admins.add(&admin, &request).await.unwrap();
    let cookie = app
        .rpc(
            "sign_in",
            None,
            &json!({"input": {"email": "uma@example.com", "password": PASSWORD}}),
        )
        .await
        .session_cookie();

    let path = format!("/admin/api/tokens/{id}");
    let api = call(&app, Method::PATCH, &path, &cookie, json!({})).await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "{}", api.body);
    assert_eq!(api.body["error"]["code"], "forbidden");
    assert!(!api.body.to_string().contains("hidden"), "{}", api.body);

    let rpc = app
        .rpc(
            "update_token",
            Some(&cookie),
            &json!({"id": id, "patch": {}}),
        )
        .await;
    assert_eq!(rpc.status, StatusCode::FORBIDDEN, "{}", rpc.body);
    assert!(!rpc.body.to_string().contains("hidden"), "{}", rpc.body);
}
