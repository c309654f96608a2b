//! The panel's forms posted by a browser without JavaScript (`/rpc/create_token_form`,
//! `/rpc/update_token_form`, `/rpc/sign_in_form`): each answers with a redirect, and what
//! the next page shows (the new value, a refused form) is handed to that page once.

use crate::common::{Reply, TestApp, spawn_app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tollgate::model::{TokenPatch, TokenType};
use tower::ServiceExt;

/// A form post as Chromium sends it from one of the panel's own pages.
async fn post_form(
    app: &TestApp,
    name: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Reply {
    post_form_from(app, name, cookie, fields, "same-origin").await
}

async fn post_form_from(
    app: &TestApp,
    name: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    site: &str,
) -> Reply {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = Request::post(format!("/rpc/{name}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("sec-fetch-site", site)
        // Chromium sends `null` from a `Referrer-Policy: no-referrer` page.
        .header(header::ORIGIN, "null");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

/// A page as the browser loads it: status, `Cache-Control`, and the HTML.
async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String, String) {
    let request = Request::get(path)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let cache = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, cache, String::from_utf8_lossy(&bytes).into_owned())
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn custom_token(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("description", "posted".to_owned()),
        ("token_type", "custom".to_owned()),
        ("duration", "30".to_owned()),
        ("expiry_date", String::new()),
        ("permissions[]", "articles.find".to_owned()),
        ("permissions[]", "articles.create".to_owned()),
    ]
}

fn fields<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn a_created_token_is_handed_to_its_page_once_and_not_cached() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;

    let reply = post_form(
        &app,
        "create_token_form",
        Some(&cookie),
        &fields(&custom_token("CI deploy")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.header(header::LOCATION).to_owned();
    let id: i64 = location
        .strip_prefix("/settings/api-tokens/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {location}"));
    let stored = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(stored.name, "CI deploy");
    assert_eq!(stored.permissions.len(), 2);
    assert!(
        !reply
            .headers
            .iter()
            .any(|(_, v)| v.to_str().unwrap_or("").contains("tg_")),
        "the redirect carries no value"
    );

    let handed = app
        .rpc("handed_over_token", Some(&cookie), &json!({ "id": id }))
        .await;
    assert_eq!(handed.status, StatusCode::OK);
    assert_eq!(handed.header(header::CACHE_CONTROL), "no-store");
    let secret = handed.body["secret"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(secret.starts_with("tg_"), "{}", handed.body);
    assert_eq!(
        app.get("/api/articles", Some(&format!("Bearer {secret}")))
            .await
            .status,
        200
    );

    let again = app
        .rpc("handed_over_token", Some(&cookie), &json!({ "id": id }))
        .await;
    assert_eq!(again.body, Value::Null, "shown once");
}

#[tokio::test]
async fn the_token_page_the_create_redirects_to_shows_the_value_once() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let reply = post_form(
        &app,
        "create_token_form",
        Some(&cookie),
        &fields(&custom_token("paged")),
    )
    .await;
    let location = reply.header(header::LOCATION).to_owned();

    let (status, cache, html) = page(&app, &location, &cookie).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "no-store");
    assert!(
        html.contains("data-testid=\"token-reveal\""),
        "no banner in {html}"
    );
    let (_, _, again) = page(&app, &location, &cookie).await;
    assert!(
        !again.contains("data-testid=\"token-reveal\""),
        "shown twice"
    );
}

#[tokio::test]
async fn a_refused_create_goes_back_to_the_form_with_what_was_typed() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;

    let reply = post_form(
        &app,
        "create_token_form",
        Some(&cookie),
        &fields(&custom_token("  ")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header(header::LOCATION), "/settings/api-tokens/new");
    let returned = app
        .rpc(
            "returned_token_form",
            Some(&cookie),
            &json!({ "edit": null }),
        )
        .await;
    assert_eq!(
        returned.body["error"]["Invalid"][0]["field"], "name",
        "{}",
        returned.body
    );
    assert_eq!(returned.body["form"]["description"], "posted");
    assert_eq!(
        returned.body["form"]["permissions"],
        json!(["articles.find", "articles.create"])
    );
    let again = app
        .rpc(
            "returned_token_form",
            Some(&cookie),
            &json!({ "edit": null }),
        )
        .await;
    assert_eq!(again.body, Value::Null, "a reload shows the form fresh");
}

#[tokio::test]
async fn a_refused_form_is_handed_only_to_the_session_that_posted_it() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let sign_in =
        json!({"input": {"email": "ada@example.com", "password": "correct horse battery staple"}});
    let other_tab = app.rpc("sign_in", None, &sign_in).await;
    assert_eq!(other_tab.status, StatusCode::OK, "{}", other_tab.body);
    let other_tab = other_tab.session_cookie();

    post_form(
        &app,
        "create_token_form",
        Some(&cookie),
        &fields(&custom_token("  ")),
    )
    .await;

    let app = &app;
    let returned = |cookie: String| async move {
        app.rpc(
            "returned_token_form",
            Some(&cookie),
            &json!({ "edit": null }),
        )
        .await
        .body
    };
    assert_eq!(
        returned(other_tab).await,
        Value::Null,
        "another session of the same admin gets nothing"
    );
    assert_eq!(returned(cookie).await["form"]["description"], "posted");
}

#[tokio::test]
async fn without_javascript_the_create_form_asks_for_the_password_itself() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, StatusCode::OK, "{}", forget.body);
    let mut form = custom_token("confirmed in the form");

    // The window has lapsed: the form comes back with a password field, nothing made.
    let asked = post_form(&app, "create_token_form", Some(&cookie), &fields(&form)).await;
    assert_eq!(asked.header(header::LOCATION), "/settings/api-tokens/new");
    let (_, _, html) = page(&app, "/settings/api-tokens/new", &cookie).await;
    assert!(
        html.contains("Confirm your password to continue."),
        "{html}"
    );
    assert!(
        html.contains(r#"name="password""#),
        "a password field: {html}"
    );

    // A wrong password is refused under its field, and never handed back.
    form.push(("password", "not my password".to_owned()));
    let wrong = post_form(&app, "create_token_form", Some(&cookie), &fields(&form)).await;
    assert_eq!(wrong.header(header::LOCATION), "/settings/api-tokens/new");
    let returned = app
        .rpc(
            "returned_token_form",
            Some(&cookie),
            &json!({ "edit": null }),
        )
        .await;
    assert_eq!(
        returned.body["error"]["Invalid"][0]["field"], "password",
        "{}",
        returned.body
    );
    assert!(!returned.body.to_string().contains("not my password"));
    assert_eq!(returned.body["form"]["name"], "confirmed in the form");

    // The right one confirms the session and creates the token in the same post.
    form.pop();
    form.push(("password", "correct horse battery staple".to_owned()));
    let created = post_form(&app, "create_token_form", Some(&cookie), &fields(&form)).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let location = created.header(header::LOCATION).to_owned();
    assert!(
        location.starts_with("/settings/api-tokens/") && !location.ends_with("/new"),
        "to the new token's page: {location}"
    );
    let names: Vec<String> = crate::common::active_tokens(&app.core)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["confirmed in the form"]);
}

#[tokio::test]
async fn a_form_from_another_site_or_without_a_session_creates_nothing() {
    let app = spawn_app().await;
    let (_admin, cookie) = app.signed_in_admin().await;
    let form = custom_token("sneaky");

    let cross_site = post_form_from(
        &app,
        "create_token_form",
        Some(&cookie),
        &fields(&form),
        "cross-site",
    )
    .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let signed_out = post_form(&app, "create_token_form", None, &fields(&form)).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_out.header(header::LOCATION), "/login");

    assert!(
        crate::common::active_tokens(&app.core)
            .await
            .iter()
            .all(|t| t.name != "sneaky")
    );
}

#[tokio::test]
async fn an_edit_saves_what_changed_and_a_refused_one_comes_back() {
    let app = spawn_app().await;
    let (admin, cookie) = app.signed_in_admin().await;
    let (id, _) = app.token(&admin, "edited", TokenType::ReadOnly, &[]).await;
    let id_text = id.to_string();
    let edit = |description: &'static str, token_type: &'static str| {
        vec![
            ("id", id_text.clone()),
            ("name", "edited".to_owned()),
            ("description", description.to_owned()),
            ("token_type", token_type.to_owned()),
            ("duration", "keep".to_owned()),
            ("expiry_date", String::new()),
        ]
    };

    let saved = post_form(
        &app,
        "update_token_form",
        Some(&cookie),
        &fields(&edit("now described", "read-only")),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.header(header::LOCATION),
        format!("/settings/api-tokens/{id}?saved=1")
    );
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.description, "now described");

    let refused = post_form(
        &app,
        "update_token_form",
        Some(&cookie),
        &fields(&edit("custom, none ticked", "custom")),
    )
    .await;
    assert_eq!(
        refused.header(header::LOCATION),
        format!("/settings/api-tokens/{id}/edit")
    );
    let returned = app
        .rpc("returned_token_form", Some(&cookie), &json!({ "edit": id }))
        .await;
    assert_eq!(
        returned.body["error"]["Invalid"][0]["field"], "permissions",
        "{}",
        returned.body
    );
    assert_eq!(returned.body["form"]["description"], "custom, none ticked");
    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.description, "now described", "nothing saved");
}

#[tokio::test]
async fn an_edit_changes_only_what_the_admin_changed_on_the_page_they_saw() {
    let app = spawn_app().await;
    let (admin, cookie) = app.signed_in_admin().await;
    let (id, _) = app.token(&admin, "shared", TokenType::ReadOnly, &[]).await;
    let (_, _, html) = page(&app, &format!("/settings/api-tokens/{id}/edit"), &cookie).await;
    let shown = hidden_value(&html, "shown");
    assert!(shown.contains("\"shared\""), "the token as shown: {shown}");

    // Another admin gives it a description while this form is open.
    let patch = TokenPatch {
        description: Some("set meanwhile".into()),
        ..TokenPatch::default()
    };
    app.core.tokens.update(&admin, id, &patch).await.unwrap();

    // This admin renames it; the description field still holds what the page showed.
    let id_text = id.to_string();
    let posted = [
        ("id", id_text.as_str()),
        ("name", "renamed"),
        ("description", ""),
        ("token_type", "read-only"),
        ("duration", "keep"),
        ("expiry_date", ""),
        ("shown", shown.as_str()),
    ];
    let saved = post_form(&app, "update_token_form", Some(&cookie), &posted).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);

    let token = app.core.store.token(id).await.unwrap().unwrap();
    assert_eq!(token.name, "renamed");
    assert_eq!(
        token.description, "set meanwhile",
        "the other change stands"
    );
}

/// The value of the hidden input named `name` in a server-rendered page, unescaped.
fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the hidden input") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn the_sign_in_form_signs_in_or_comes_back_with_the_email() {
    let app = spawn_app().await;
    let admin = app.admin().await;

    let wrong = post_form(
        &app,
        "sign_in_form",
        None,
        &[("email", &admin.email), ("password", "not it")],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::SEE_OTHER);
    assert_eq!(
        wrong.header(header::LOCATION),
        format!(
            // The code carries the attempts left (4 of 5), so the page can warn near the lock.
            "/login?refused=credentials-4&email={}",
            encode(&admin.email).replace('+', "%20")
        )
    );
    assert!(wrong.header(header::SET_COOKIE).is_empty());

    let right = post_form(
        &app,
        "sign_in_form",
        None,
        &[
            ("email", &admin.email),
            ("password", "correct horse battery staple"),
        ],
    )
    .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header(header::LOCATION), "/settings/api-tokens");
    assert!(
        right
            .header(header::SET_COOKIE)
            .starts_with("tollgate_session=")
    );
}
