//! The password re-confirmation, as a script meets it: a session whose confirmation was
//! closed gets 403 `password_confirmation_required` on sensitive calls, writes nothing,
//! and goes on after `POST /rpc/confirm_password`.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::{call, signed_in};
use crate::common::{Reply, TestApp, spawn_app, spawn_app_with};

/// Creates the token "ci" through the admin API with this session.
async fn create(app: &TestApp, cookie: &str) -> Reply {
    let body = json!({"name": "ci", "type": "read-only", "duration": 30});
    call(
        app,
        Method::POST,
        "/admin/api/tokens",
        Some(cookie),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_sensitive_call_waits_for_the_password_and_then_goes_through() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;

    let forget = app
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(forget.status, StatusCode::OK, "{}", forget.body);

    let refused = create(&app, &cookie).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(
        refused.body["error"]["code"],
        "password_confirmation_required"
    );
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/rpc/confirm_password")
    );
    let listed = call(&app, Method::GET, "/admin/api/tokens", Some(&cookie), None).await;
    assert_eq!(listed.status, StatusCode::OK, "reading needs no password");
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        0,
        "nothing written"
    );

    let wrong = app
        .rpc(
            "confirm_password",
            Some(&cookie),
            &json!({"password": "not it"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    assert_eq!(wrong.body["Invalid"][0]["field"], "password");
    let still = create(&app, &cookie).await;
    assert_eq!(still.status, StatusCode::FORBIDDEN);

    let right = app
        .rpc(
            "confirm_password",
            Some(&cookie),
            &json!({"password": "correct horse battery staple"}),
        )
        .await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
    let created = create(&app, &cookie).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
}

#[tokio::test]
async fn confirming_needs_a_session_and_turning_it_off_skips_it() {
    let app = spawn_app().await;
    let anonymous = app
        .rpc("confirm_password", None, &json!({"password": "anything"}))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let relaxed = spawn_app_with(|config| config.reconfirm_minutes = 0).await;
    let cookie = signed_in(&relaxed).await;
    relaxed
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    let created = create(&relaxed, &cookie).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
}

/// Asks whether this session's next sensitive call would need the password first.
async fn password_due(app: &TestApp, cookie: Option<&str>) -> Reply {
    app.rpc("password_confirmation_needed", cookie, &json!({}))
        .await
}

/// The panel asks before a destructive flow whether the password is due, so it can ask
/// for it first; the answer follows the window and asking changes nothing.
#[tokio::test]
async fn the_panel_can_ask_whether_the_password_is_due() {
    let app = spawn_app().await;
    assert_eq!(
        password_due(&app, None).await.status,
        StatusCode::UNAUTHORIZED
    );

    let cookie = signed_in(&app).await;
    let fresh = password_due(&app, Some(&cookie)).await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    assert_eq!(fresh.body, json!(false), "signing in confirms the password");

    app.rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(password_due(&app, Some(&cookie)).await.body, json!(true));
    assert_eq!(
        password_due(&app, Some(&cookie)).await.body,
        json!(true),
        "asking opens nothing"
    );
    assert_eq!(create(&app, &cookie).await.status, StatusCode::FORBIDDEN);

    let relaxed = spawn_app_with(|config| config.reconfirm_minutes = 0).await;
    let cookie = signed_in(&relaxed).await;
    relaxed
        .rpc("forget_password_confirmation", Some(&cookie), &json!({}))
        .await;
    assert_eq!(
        password_due(&relaxed, Some(&cookie)).await.body,
        json!(false),
        "re-confirmation turned off"
    );
}
