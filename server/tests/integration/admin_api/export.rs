//! `GET /admin/api/tokens/export`: the list's view as a CSV or JSON download, with its
//! headers, the audit event, and refusals.

use axum::body::Body;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tollgate::model::{AdminPermission, AuditAction, AuditQuery, RoleRequest};
use tower::ServiceExt;

use super::{assert_error, call, call_with, create_token, read_only, signed_in};
use crate::common::{TestApp, spawn_app};

/// The raw download: status, content type, disposition and the body as text.
async fn download(
    app: &TestApp,
    query: &str,
    accept: &str,
    cookie: &str,
) -> (u16, String, String, String) {
    let request = Request::get(format!("/admin/api/tokens/export{query}"))
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, accept)
        .extension(axum::extract::ConnectInfo(
            crate::common::CLIENT
                .parse::<std::net::SocketAddr>()
                .unwrap(),
        ))
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let header_of = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (
        header_of(header::CONTENT_TYPE),
        header_of(header::CONTENT_DISPOSITION),
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        disposition,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

/// The first admin (Ada), acting without a session.
async fn admin_actor(app: &TestApp) -> tollgate::admins::actor::Actor {
    let ada = app.core.store.admin(1).await.unwrap().unwrap();
    tollgate::admins::actor::Actor::trusted(ada)
}

#[tokio::test]
async fn accept_text_csv_downloads_the_filtered_view_and_audits_it() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    create_token(&app, &cookie, read_only("=cmd|' /C calc'!A0")).await;
    create_token(&app, &cookie, read_only("nightly, backup")).await;
    let custom = json!({"name": "deploy", "type": "custom", "permissions": ["authors.find", "articles.find"]});
    create_token(&app, &cookie, custom).await;

    let (status, content_type, disposition, csv) =
        download(&app, "?type=read-only&sort=name", "text/csv", &cookie).await;
    assert_eq!(status, 200, "{csv}");
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let today = chrono::Utc::now().format("%Y-%m-%d");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"tollgate-tokens-{today}.csv\"")
    );
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,name,description,type,status,permissions,created_at,created_by,last_used_at,last_used_ip,expires_at,revoked_at,restrictions"
    );
    assert_eq!(
        lines.len(),
        4,
        "header, two read-only tokens, the final CRLF: {csv}"
    );
    assert!(
        lines[1].contains(",'=cmd|' /C calc'!A0,,read-only,active,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",\"nightly, backup\",,read-only,active,"),
        "{}",
        lines[2]
    );
    assert!(!csv.contains("tg_"), "never a value or hint");

    let exports = AuditQuery {
        action: Some(AuditAction::TokenExport),
        ..AuditQuery::default()
    };
    let admin = admin_actor(&app).await;
    let entries = app.core.audit.page(&admin, &exports).await.unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].detail, "format=csv type=read-only sort=name");
    assert_eq!(entries[0].ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn json_comes_by_accept_or_by_format_as_one_array() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let custom = json!({"name": "deploy", "type": "custom", "permissions": ["authors.find"]});
    create_token(&app, &cookie, custom).await;
    create_token(&app, &cookie, read_only("reader")).await;
    for (query, accept) in [("", "application/json"), ("?format=json", "*/*")] {
        let (status, content_type, disposition, body) =
            download(&app, query, accept, &cookie).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(content_type, "application/json");
        assert!(disposition.ends_with(".json\""), "{disposition}");
        let rows: Vec<Value> = serde_json::from_str(&body).unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["reader", "deploy"], "newest first, as the list");
        assert_eq!(rows[1]["permissions"], json!(["authors.find"]));
        assert_eq!(rows[1]["type"], "custom");
        assert_eq!(rows[1]["created_by"], "Ada");
        assert!(rows[1].get("hint").is_none() && rows[1].get("secret").is_none());
    }
}

#[tokio::test]
async fn the_list_filters_by_unused_and_creator() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    create_token(&app, &cookie, read_only("fresh")).await;
    let list = |query: &'static str| {
        let (app, cookie) = (&app, &cookie);
        async move {
            let path = format!("/admin/api/tokens{query}");
            call(app, Method::GET, &path, Some(cookie), None).await
        }
    };
    let unused = list("?unused=30").await;
    assert_eq!(unused.status, 200, "{}", unused.body);
    assert_eq!(
        unused.body["data"],
        json!([]),
        "made just now: in use as far as we know"
    );
    let mine = list("?created_by=1").await;
    assert_eq!(mine.body["data"][0]["name"], "fresh");
    let gone = list("?created_by=gone").await;
    assert_eq!(gone.body["data"], json!([]));
}

#[tokio::test]
async fn bad_parameters_are_field_errors() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for (query, field) in [
        ("?unused=60", "unused"),
        ("?created_by=ada", "created_by"),
        ("?format=xlsx", "format"),
        ("?limit=10", "limit"),
        ("?after=abc", "after"),
    ] {
        let path = format!("/admin/api/tokens/export{query}");
        let reply = call(&app, Method::GET, &path, Some(&cookie), None).await;
        assert_error(&reply, 400, "validation_failed", Some(field));
    }
    let reply = call(
        &app,
        Method::GET,
        "/admin/api/tokens?unused=7",
        Some(&cookie),
        None,
    )
    .await;
    assert_error(&reply, 400, "validation_failed", Some("unused"));
    assert!(
        reply.body["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("30 or 90")
    );
}

#[tokio::test]
async fn exporting_needs_a_session_and_api_tokens_read() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    let anonymous = call(&app, Method::GET, "/admin/api/tokens/export", None, None).await;
    assert_eq!(anonymous.status, 401);
    let admin = admin_actor(&app).await;
    let role = RoleRequest {
        name: "Auditor".into(),
        permissions: vec![AdminPermission::AuditRead],
    };
    app.core.roles.create(&admin, &role).await.unwrap();
    let auditor = app.signed_in_as("Auditor").await;
    let refused = call_with(
        &app,
        Method::GET,
        "/admin/api/tokens/export",
        Some(&auditor),
        None,
        &[("accept", "text/csv")],
    )
    .await;
    assert_error(&refused, 403, "forbidden", None);
    let exports = AuditQuery {
        action: Some(AuditAction::TokenExport),
        ..AuditQuery::default()
    };
    let entries = app.core.audit.page(&admin, &exports).await.unwrap().entries;
    assert!(entries.is_empty(), "a refused export is not audited as one");
    drop(cookie);
}

/// The panel's "Created by" choices (`/rpc/token_creators`): admins who made a token,
/// deactivated ones too; refused without `api_tokens.read`.
#[tokio::test]
async fn the_creator_choices_include_admins_who_are_gone() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    create_token(&app, &cookie, read_only("ada's")).await;
    let editor = app.signed_in_as("Editor").await;
    create_token(&app, &editor, read_only("editor's")).await;
    let admin = admin_actor(&app).await;
    let editor_id = app
        .core
        .store
        .admin_id_by_email("editor@example.com")
        .await
        .unwrap()
        .unwrap();
    app.core.admins.deactivate(&admin, editor_id).await.unwrap();

    let reply = app.rpc("token_creators", Some(&cookie), &json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!([
            {"id": 1, "name": "Ada", "status": "active"},
            {"id": editor_id, "name": "Editor", "status": "deactivated"},
        ])
    );
    let role = RoleRequest {
        name: "Auditor".into(),
        permissions: vec![AdminPermission::AuditRead],
    };
    app.core.roles.create(&admin, &role).await.unwrap();
    let auditor = app.signed_in_as("Auditor").await;
    let refused = app.rpc("token_creators", Some(&auditor), &json!({})).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}
