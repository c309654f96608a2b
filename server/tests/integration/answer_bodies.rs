//! Every answer body of the admin API (`/admin/api/…`) and the API door (`/api/…`,
//! `/auth/forward`, the health checks), pinned as insta JSON snapshots beside this file
//! (`snapshots/`), with the OpenAPI document itself. A change to what the server answers
//! shows up as a snapshot diff to review, not as a silent change to the contract.
//!
//! Ids, timestamps, token values, hints and cursors are redacted, so the snapshots hold
//! across runs. Each body is also checked to be exactly the compact JSON of its value with
//! its keys sorted: the form the answers have always had, which pins their bytes (the key
//! order included) beyond what a parsed snapshot can see.
//!
//! Runs under plain `cargo test` (no `cargo-insta` needed). A mismatch fails the test and,
//! outside CI, leaves a `.snap.new` beside the snapshot; with `CI=1` nothing is written.
//! After an intended change: `INSTA_UPDATE=always cargo test -p server --test integration
//! answer_bodies`, then review the diff of `snapshots/`.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tollgate::model::TokenType;
use tower::ServiceExt;

use crate::common::{CLIENT, TestApp, spawn_app, spawn_app_with};

/// One answer: its status and its body (`null` when it has none).
struct Answer {
    status: u16,
    body: Value,
}

/// A request, built step by step.
struct Call {
    request: axum::http::request::Builder,
    body: Body,
}

fn call(method: Method, uri: &str) -> Call {
    Call {
        request: Request::builder().method(method).uri(uri),
        body: Body::empty(),
    }
}

impl Call {
    fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.header(name, value);
        self
    }

    fn cookie(self, cookie: &str) -> Self {
        self.header("cookie", cookie)
    }

    fn bearer(self, authorization: &str) -> Self {
        self.header("authorization", authorization)
    }

    fn json(self, body: &Value) -> Self {
        self.raw_json(body.to_string())
    }

    /// A body sent as JSON, whatever it holds.
    fn raw_json(mut self, body: String) -> Self {
        self.request = self
            .request
            .header(header::CONTENT_TYPE, "application/json");
        self.body = Body::from(body);
        self
    }

    async fn send(self, app: &TestApp) -> Answer {
        let peer: SocketAddr = CLIENT.parse().unwrap();
        let request = self
            .request
            .extension(ConnectInfo(peer))
            .body(self.body)
            .unwrap();
        let response = app.router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        if bytes.is_empty() {
            return Answer {
                status,
                body: Value::Null,
            };
        }
        let text = std::str::from_utf8(&bytes).unwrap();
        let body: Value = serde_json::from_str(text)
            .unwrap_or_else(|error| panic!("the answer is not JSON ({error}): {text}"));
        assert_eq!(
            text,
            serde_json::to_string(&body).unwrap(),
            "the body is compact JSON with its keys in sorted order"
        );
        Answer { status, body }
    }
}

/// Pins `answer` (status and redacted body) as the snapshot `name`.
fn pin(name: &str, answer: Answer) {
    let mut body = answer.body;
    redact(&mut body);
    insta::assert_json_snapshot!(name, json!({ "status": answer.status, "body": body }));
}

/// What changes from run to run, replaced by what it is.
fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let placeholder = match key.as_str() {
                    "id" if value.is_number() => "[id]",
                    "created_at" | "updated_at" | "last_used_at" | "expires_at" | "revoked_at"
                    | "expiry_set_at"
                        if value.is_string() =>
                    {
                        "[timestamp]"
                    }
                    "expires_in_seconds" if value.is_number() => "[seconds]",
                    "secret" if value.is_string() => "[token value]",
                    "hint" if value.is_string() => "[hint]",
                    "next_cursor" if value.is_string() => "[cursor]",
                    _ => {
                        redact(value);
                        continue;
                    }
                };
                *value = json!(placeholder);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(text) => *text = redact_text(text),
        _ => {}
    }
}

/// Times and waits inside messages: `2026-12-02 00:35` and `retry in 59 seconds`.
fn redact_text(text: &str) -> String {
    const TIME: &str = "dddd-dd-dd dd:dd";
    const WAIT: &str = "retry in ";
    let fits = |at: &str, shape: &str| {
        at.len() >= shape.len()
            && at
                .bytes()
                .zip(shape.bytes())
                .all(|(byte, want)| match want {
                    b'd' => byte.is_ascii_digit(),
                    _ => byte == want,
                })
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if fits(rest, TIME) {
            out.push_str("[time]");
            rest = &rest[TIME.len()..];
        } else if let Some(after) = rest.strip_prefix(WAIT)
            && after.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push_str(WAIT);
            out.push_str("[n]");
            rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// A body just over the 2 MiB every route reads.
fn oversized() -> String {
    format!(
        "{{\"name\": \"{}\"}}",
        "x".repeat(server::body_limit::MAX_BODY_BYTES)
    )
}

const TOKENS: &str = "/admin/api/tokens";

#[tokio::test]
async fn admin_api_token_answers() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let admin = |method: Method, uri: &str| call(method, uri).cookie(&cookie);

    let created = admin(Method::POST, TOKENS)
        .json(&json!({"name": "CI publisher", "description": "Deploys", "type": "custom", "permissions": ["articles.create", "articles.find"], "duration": 30}))
        .send(&app)
        .await;
    let id = created.body["data"]["id"].as_i64().unwrap();
    pin("admin_create_201", created);
    admin(Method::POST, TOKENS)
        .json(&json!({"name": "Reader", "type": "read-only", "duration": null}))
        .send(&app)
        .await;
    let one = format!("{TOKENS}/{id}");

    pin(
        "admin_list_200",
        admin(Method::GET, TOKENS).send(&app).await,
    );
    pin(
        "admin_list_200_paged",
        admin(Method::GET, &format!("{TOKENS}?limit=1&sort=name"))
            .send(&app)
            .await,
    );
    pin(
        "admin_list_400_bad_parameter",
        admin(Method::GET, &format!("{TOKENS}?type=nonsense&limit=0"))
            .send(&app)
            .await,
    );
    pin("admin_show_200", admin(Method::GET, &one).send(&app).await);
    pin(
        "admin_show_400_bad_id",
        admin(Method::GET, &format!("{TOKENS}/seven"))
            .send(&app)
            .await,
    );
    pin(
        "admin_show_404",
        admin(Method::GET, &format!("{TOKENS}/9999"))
            .send(&app)
            .await,
    );
    pin(
        "admin_update_200",
        admin(Method::PATCH, &one)
            .json(&json!({"description": "Deploys the site", "duration": 90}))
            .send(&app)
            .await,
    );
    pin(
        "admin_update_400_field_errors",
        admin(Method::PATCH, &one)
            .json(&json!({"name": "", "permissions": ["nonsense.find"]}))
            .send(&app)
            .await,
    );
    pin(
        "admin_update_400_wrong_type",
        admin(Method::PATCH, &one)
            .json(&json!({"type": 7}))
            .send(&app)
            .await,
    );
    pin(
        "admin_update_409_name_taken",
        admin(Method::PATCH, &one)
            .json(&json!({"name": "reader"}))
            .send(&app)
            .await,
    );
    pin(
        "admin_regenerate_200",
        admin(Method::POST, &format!("{one}/regenerate"))
            .send(&app)
            .await,
    );
    pin(
        "admin_revoke_200",
        admin(Method::DELETE, &one).send(&app).await,
    );
    pin(
        "admin_revoke_409_already_revoked",
        admin(Method::DELETE, &one).send(&app).await,
    );
    pin(
        "admin_regenerate_409_revoked",
        admin(Method::POST, &format!("{one}/regenerate"))
            .send(&app)
            .await,
    );
    pin(
        "admin_update_409_revoked",
        admin(Method::PATCH, &one)
            .json(&json!({"description": "too late"}))
            .send(&app)
            .await,
    );
    pin(
        "admin_list_200_revoked",
        admin(Method::GET, &format!("{TOKENS}?status=revoked"))
            .send(&app)
            .await,
    );
}

#[tokio::test]
async fn admin_api_create_refusals() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let create = || call(Method::POST, TOKENS).cookie(&cookie);

    pin(
        "admin_create_400_field_errors",
        create()
            .json(&json!({"name": " ", "type": "custom", "permissions": [], "duration": "2001-01-01"}))
            .send(&app)
            .await,
    );
    pin(
        "admin_create_400_missing_type_and_bad_duration",
        create()
            .json(&json!({"name": "CI", "duration": 14}))
            .send(&app)
            .await,
    );
    pin(
        "admin_create_400_unknown_field",
        create()
            .json(&json!({"name": "CI", "type": "read-only", "owner": "me"}))
            .send(&app)
            .await,
    );
    pin(
        "admin_create_400_not_json",
        create().raw_json("{\"name\":".into()).send(&app).await,
    );
    pin(
        "admin_create_400_not_an_object",
        create().raw_json("[1, 2]".into()).send(&app).await,
    );
    pin(
        "admin_create_400_no_content_type",
        call(Method::POST, TOKENS).cookie(&cookie).send(&app).await,
    );
    pin(
        "admin_create_413",
        create().raw_json(oversized()).send(&app).await,
    );
    create()
        .json(&json!({"name": "CI", "type": "read-only"}))
        .send(&app)
        .await;
    pin(
        "admin_create_409_name_taken",
        create()
            .json(&json!({"name": "ci", "type": "full-access"}))
            .send(&app)
            .await,
    );
    pin(
        "admin_create_403_cross_site",
        create()
            .header("sec-fetch-site", "cross-site")
            .json(&json!({"name": "evil", "type": "read-only"}))
            .send(&app)
            .await,
    );
    pin(
        "admin_401_no_session",
        call(Method::GET, TOKENS).send(&app).await,
    );
    pin(
        "admin_401_ended_session",
        call(Method::GET, TOKENS)
            .cookie("tollgate_session=not-a-session")
            .send(&app)
            .await,
    );
    pin(
        "admin_404_unknown_path",
        call(Method::GET, "/admin/api/nothing-here")
            .cookie(&cookie)
            .send(&app)
            .await,
    );
    pin(
        "admin_405_wrong_method",
        call(Method::PUT, TOKENS).cookie(&cookie).send(&app).await,
    );

    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, 200, "{}", forget.body);
    pin(
        "admin_create_403_password_confirmation_required",
        create()
            .json(&json!({"name": "later", "type": "read-only"}))
            .send(&app)
            .await,
    );

    let viewer = app.signed_in_as("Viewer").await;
    pin(
        "admin_create_403_role_lacks_permission",
        call(Method::POST, TOKENS)
            .cookie(&viewer)
            .json(&json!({"name": "sneaky", "type": "full-access"}))
            .send(&app)
            .await,
    );
}

#[tokio::test]
async fn admin_api_policy_answers() {
    let app = spawn_app().await;
    let (_, cookie) = app.signed_in_admin().await;
    let admin = |method: Method, uri: &str| call(method, uri).cookie(&cookie);
    let policy = json!({"max_lifetime_days": 90, "default_duration_days": 30, "require_expiry": true, "expiry_warning_days": [7, 1]});
    admin(Method::POST, TOKENS)
        .json(&json!({"name": "Forever", "type": "read-only", "duration": null}))
        .send(&app)
        .await;

    pin(
        "admin_policy_show_200",
        admin(Method::GET, "/admin/api/policy").send(&app).await,
    );
    pin(
        "admin_policy_preview_200",
        admin(Method::POST, "/admin/api/policy/preview")
            .json(&policy)
            .send(&app)
            .await,
    );
    pin(
        "admin_policy_update_200",
        admin(Method::PUT, "/admin/api/policy")
            .json(&policy)
            .send(&app)
            .await,
    );
    pin(
        "admin_policy_update_400",
        admin(Method::PUT, "/admin/api/policy")
            .json(&json!({"max_lifetime_days": 0, "default_duration_days": 120, "require_expiry": true, "expiry_warning_days": [7, 7]}))
            .send(&app)
            .await,
    );
    pin(
        "admin_policy_bring_into_policy_200",
        admin(Method::POST, "/admin/api/policy/bring-into-policy")
            .send(&app)
            .await,
    );
}

#[tokio::test]
async fn token_verify_answers() {
    // Three refused tokens from one address, then it waits.
    let app = spawn_app_with(|config| config.throttle_limit = 3).await;
    let admin = app.admin().await;
    let (_, custom) = app
        .token(&admin, "Partner", TokenType::Custom, &["articles.find"])
        .await;
    let (revoked_id, revoked) = app.token(&admin, "Old", TokenType::ReadOnly, &[]).await;
    app.core.tokens.revoke(&admin, revoked_id).await.unwrap();
    let verify = || call(Method::GET, "/api/tokens/verify");

    pin("verify_200", verify().bearer(&custom).send(&app).await);
    pin("verify_401_missing_token", verify().send(&app).await);
    pin(
        "verify_401_not_bearer",
        verify().bearer("Basic YWRhOnNlY3JldA==").send(&app).await,
    );
    pin(
        "verify_401_query_token_disabled",
        call(Method::GET, "/api/tokens/verify?access_token=tg_x")
            .send(&app)
            .await,
    );
    pin(
        "verify_400_token_sent_twice",
        call(Method::GET, "/api/tokens/verify?access_token=tg_x")
            .bearer(&custom)
            .send(&app)
            .await,
    );
    pin(
        "verify_401_malformed_token",
        verify().bearer("Bearer not-a-token").send(&app).await,
    );
    pin(
        "verify_401_bad_checksum",
        verify()
            .bearer("Bearer tg_00000000000000000000000000000000AAAAAA")
            .send(&app)
            .await,
    );
    pin(
        "verify_401_revoked_token",
        verify().bearer(&revoked).send(&app).await,
    );
    pin(
        "verify_429_throttled",
        verify().bearer(&custom).send(&app).await,
    );
}

#[tokio::test]
async fn content_answers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, full) = app.token(&admin, "full", TokenType::FullAccess, &[]).await;
    let (_, reader) = app.token(&admin, "reader", TokenType::ReadOnly, &[]).await;
    let as_full = |method: Method, uri: &str| call(method, uri).bearer(&full);

    pin(
        "content_list_200",
        as_full(Method::GET, "/api/authors").send(&app).await,
    );
    let created = as_full(Method::POST, "/api/authors")
        .json(&json!({"name": "Ada", "born": 1815, "tags": ["maths"]}))
        .send(&app)
        .await;
    let one = format!("/api/authors/{}", created.body["data"]["id"]);
    pin("content_create_201", created);
    pin(
        "content_find_one_200",
        as_full(Method::GET, &one).send(&app).await,
    );
    pin(
        "content_replace_200",
        as_full(Method::PUT, &one)
            .json(&json!({"name": "Ada Lovelace"}))
            .send(&app)
            .await,
    );
    pin(
        "content_delete_204",
        as_full(Method::DELETE, &one).send(&app).await,
    );
    pin(
        "content_find_one_404",
        as_full(Method::GET, &one).send(&app).await,
    );
    pin(
        "content_find_one_400_bad_id",
        as_full(Method::GET, "/api/authors/seven").send(&app).await,
    );
    pin(
        "content_404_unknown_resource",
        as_full(Method::GET, "/api/planets").send(&app).await,
    );
    pin(
        "content_404_unknown_path",
        as_full(Method::GET, "/api/authors/1/books")
            .send(&app)
            .await,
    );
    pin(
        "content_405_wrong_method",
        as_full(Method::PATCH, "/api/authors").send(&app).await,
    );
    pin(
        "content_create_400_fields_of_the_server",
        as_full(Method::POST, "/api/authors")
            .json(&json!({"id": 7, "name": "Mallory"}))
            .send(&app)
            .await,
    );
    pin(
        "content_create_400_empty_object",
        as_full(Method::POST, "/api/authors")
            .json(&json!({}))
            .send(&app)
            .await,
    );
    pin(
        "content_create_400_not_json",
        as_full(Method::POST, "/api/authors")
            .raw_json("{\"name\":".into())
            .send(&app)
            .await,
    );
    pin(
        "content_create_413",
        as_full(Method::POST, "/api/authors")
            .raw_json(oversized())
            .send(&app)
            .await,
    );
    pin(
        "content_create_403_insufficient_scope",
        call(Method::POST, "/api/authors")
            .bearer(&reader)
            .json(&json!({"name": "Eve"}))
            .send(&app)
            .await,
    );
    pin(
        "content_list_401_missing_token",
        call(Method::GET, "/api/authors").send(&app).await,
    );
}

#[tokio::test]
async fn forward_auth_answers() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (_, reader) = app
        .token(&admin, "Partner – café", TokenType::ReadOnly, &[])
        .await;
    let forward = |method: &str, uri: &str| {
        call(Method::GET, "/auth/forward")
            .header("x-original-method", method)
            .header("x-original-uri", uri)
    };

    pin(
        "forward_200",
        forward("GET", "/api/articles/3?fields=title")
            .bearer(&reader)
            .send(&app)
            .await,
    );
    pin(
        "forward_401_missing_token",
        forward("GET", "/api/articles").send(&app).await,
    );
    pin(
        "forward_403_insufficient_scope",
        forward("DELETE", "/api/articles/3")
            .bearer(&reader)
            .send(&app)
            .await,
    );
    pin(
        "forward_403_no_matching_route",
        forward("GET", "/elsewhere")
            .bearer(&reader)
            .send(&app)
            .await,
    );
    pin(
        "forward_403_ambiguous_path",
        forward("GET", "/api/articles%2F3")
            .bearer(&reader)
            .send(&app)
            .await,
    );
    pin(
        "forward_400_missing_header",
        call(Method::GET, "/auth/forward")
            .header("x-original-method", "GET")
            .bearer(&reader)
            .send(&app)
            .await,
    );
}

#[tokio::test]
async fn health_answers() {
    let app = spawn_app().await;
    pin(
        "healthz_200",
        call(Method::GET, "/healthz").send(&app).await,
    );
    pin("readyz_200", call(Method::GET, "/readyz").send(&app).await);
}

/// The database gone (its pool closed): 503 on every door, readiness included.
#[tokio::test]
async fn answers_with_the_database_away() {
    let app = spawn_app().await;
    let (admin, cookie) = app.signed_in_admin().await;
    let (_, never_checked) = app
        .token(&admin, "never checked", TokenType::ReadOnly, &[])
        .await;
    app.core.store.close().await;

    pin("readyz_503", call(Method::GET, "/readyz").send(&app).await);
    pin(
        "admin_list_503",
        call(Method::GET, TOKENS).cookie(&cookie).send(&app).await,
    );
    pin(
        "verify_503",
        call(Method::GET, "/api/tokens/verify")
            .bearer(&never_checked)
            .send(&app)
            .await,
    );
}

/// The document as this server (the test defaults) serves it: the paths, the schemas
/// derived from the answer types, and the text patterns read from the text rule.
#[tokio::test]
async fn the_openapi_document() {
    let app = spawn_app().await;
    let reply = app.get("/api/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    let mut document = reply.body;
    document["info"]["version"] = json!("[version]");
    insta::assert_json_snapshot!("openapi_document", document);
}

/// Every error code a pinned answer shows is named in the document's `Error` schema: the
/// codes are a description there (a code is a plain string in `ApiError`), so this keeps
/// that list honest. Reads the committed snapshots, so it needs no other test to run first.
#[test]
fn every_pinned_error_code_is_documented() {
    let folder =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots");
    let snapshot = |name: &str| -> Value {
        let text = std::fs::read_to_string(folder.join(name)).unwrap();
        let (_, contents) = text.split_once("\n---\n").unwrap();
        serde_json::from_str(contents).unwrap()
    };
    let document = snapshot("integration__answer_bodies__openapi_document.snap");
    let documented =
        document["components"]["schemas"]["ErrorBody"]["properties"]["code"]["description"]
            .as_str()
            .unwrap()
            .to_owned();
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".snap") || name.contains("openapi_document") {
            continue;
        }
        if let Some(code) = snapshot(&name)["body"]["error"]["code"].as_str() {
            assert!(
                documented.contains(&format!("`{code}`")),
                "{name}: `{code}` is not among the documented codes"
            );
            seen += 1;
        }
    }
    assert!(seen > 40, "only {seen} error answers pinned");
}
