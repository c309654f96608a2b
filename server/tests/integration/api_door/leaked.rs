//! `POST /api/tokens/leaked`: no credentials, the same answer whatever the values, the
//! field named when the report itself is malformed, and a throttle per client.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tollgate::model::{LEAK_REPORT_MAX, TokenType};
use tollgate::tokens::leaks::REPORTS_PER_WINDOW;

use crate::common::{TestApp, spawn_app};

const PATH: &str = "/api/tokens/leaked";

fn value_of(authorization: &str) -> &str {
    authorization.strip_prefix("Bearer ").unwrap()
}

async fn report_from(app: &TestApp, peer: &str, body: &Value) -> crate::common::Reply {
    let mut request = Request::post(PATH)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
    app.send(request).await
}

#[tokio::test]
async fn reported_tokens_stop_working_and_the_answer_never_says_which_were_tokens() {
    let app = spawn_app().await;
    let (admin, cookie) = app.signed_in_admin().await;
    let (leaked_id, leaked) = app.token(&admin, "leaked", TokenType::ReadOnly, &[]).await;
    let (_, kept) = app.token(&admin, "kept", TokenType::ReadOnly, &[]).await;
    assert_eq!(
        app.get("/api/articles", Some(&leaked)).await.status,
        StatusCode::OK
    );
    let never_issued = tollgate::tokens::format::PlainToken::generate().into_exposed();
    let source = "https://github.com/acme/app/blob/main/deploy.sh";

    let with_token = app
        .post_json(
            PATH,
            None,
            &json!({"tokens": [value_of(&leaked), "tg_garbage", never_issued], "source": source}),
        )
        .await;
    let without = app
        .post_json(
            PATH,
            None,
            &json!({"tokens": ["tg_garbage", never_issued, "x"]}),
        )
        .await;
    for answer in [&with_token, &without] {
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
        assert_eq!(answer.body, json!({"received": 3}));
    }

    let refused = app.get("/api/articles", Some(&leaked)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/api/articles", Some(&kept)).await.status,
        StatusCode::OK
    );

    let mut shown = Request::get(format!("/admin/api/tokens/{leaked_id}"))
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    shown.extensions_mut().insert(ConnectInfo(
        crate::common::CLIENT
            .parse::<std::net::SocketAddr>()
            .unwrap(),
    ));
    let shown = app.send(shown).await;
    assert_eq!(shown.body["data"]["status"], "revoked");
    assert_eq!(shown.body["data"]["revoked_by"], Value::Null);
    assert_eq!(
        shown.body["data"]["leak"],
        json!({"reported_from": "127.0.0.1", "source": source})
    );
}

#[tokio::test]
async fn a_malformed_report_is_refused_with_the_field_to_fix() {
    let app = spawn_app().await;
    let too_many = vec!["tg_x"; LEAK_REPORT_MAX + 1];
    let cases = [
        (json!({}), "tokens"),
        (json!({"tokens": "tg_x"}), "tokens"),
        (json!({"tokens": []}), "tokens"),
        (json!({"tokens": too_many}), "tokens"),
        (
            json!({"tokens": ["tg_x"], "source": "javascript:alert(1)"}),
            "source",
        ),
        (json!({"tokens": ["tg_x"], "reporter": "me"}), "reporter"),
    ];
    for (body, field) in cases {
        let answer = app.post_json(PATH, None, &body).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            answer.body
        );
        let details = answer.body["error"]["details"].as_array().unwrap();
        assert!(
            details
                .iter()
                .any(|d| d["field"].as_str().unwrap_or("").starts_with(field)),
            "{body}: {}",
            answer.body
        );
    }
    let not_json = Request::post(PATH)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("tg_x"))
        .unwrap();
    assert_eq!(app.send(not_json).await.status, StatusCode::BAD_REQUEST);
    let wrong_method = app.get(PATH, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn each_client_may_report_a_limited_number_of_times_a_minute() {
    let app = spawn_app().await;
    let body = json!({"tokens": ["tg_garbage"]});
    for _ in 0..REPORTS_PER_WINDOW {
        let answer = report_from(&app, "192.0.2.10:5000", &body).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED);
    }
    let refused = report_from(&app, "192.0.2.10:5001", &body).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    assert!(refused.header(header::RETRY_AFTER).parse::<u64>().unwrap() > 0);
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("leak reports")
    );
    let elsewhere = report_from(&app, "192.0.2.11:5000", &body).await;
    assert_eq!(elsewhere.status, StatusCode::ACCEPTED);
}
