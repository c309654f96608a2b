//! `GET /admin/api/tokens`: search, filters, sort and the keyset cursor, and refused
//! parameters named.

use axum::http::Method;
use serde_json::{Value, json};

use super::{assert_error, call, create_token, read_only, signed_in};
use crate::common::{Reply, TestApp, spawn_app};

fn names(reply: &Reply) -> Vec<String> {
    reply.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn get(app: &TestApp, cookie: &str, query: &str) -> Reply {
    let path = format!("/admin/api/tokens{query}");
    call(app, Method::GET, &path, Some(cookie), None).await
}

#[tokio::test]
async fn the_list_searches_filters_sorts_and_pages() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for name in ["delta", "Alpha", "charlie", "bravo"] {
        create_token(&app, &cookie, read_only(name)).await;
    }
    let custom = json!({"name": "echo", "type": "custom", "permissions": ["authors.find"], "description": "Nightly export"});
    create_token(&app, &cookie, custom).await;
    let (gone, _) = create_token(&app, &cookie, read_only("foxtrot")).await;
    call(
        &app,
        Method::DELETE,
        &format!("/admin/api/tokens/{gone}"),
        Some(&cookie),
        None,
    )
    .await;

    let newest_first = get(&app, &cookie, "").await;
    assert_eq!(
        names(&newest_first),
        ["echo", "bravo", "charlie", "Alpha", "delta"]
    );
    assert_eq!(newest_first.body["next_cursor"], Value::Null);

    let mut paged = Vec::new();
    let mut query = "?sort=-name&limit=2".to_owned();
    loop {
        let page = get(&app, &cookie, &query).await;
        assert_eq!(page.status, 200, "{}", page.body);
        paged.extend(names(&page));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => query = format!("?sort=-name&limit=2&after={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, ["echo", "delta", "charlie", "bravo", "Alpha"]);

    let revoked = get(&app, &cookie, "?status=revoked").await;
    assert_eq!(names(&revoked), ["foxtrot"]);
    assert_eq!(revoked.body["data"][0]["revoked_by"], "Ada");
    assert_eq!(names(&get(&app, &cookie, "?type=custom").await), ["echo"]);
    assert_eq!(
        names(&get(&app, &cookie, "?search=NIGHTLY").await),
        ["echo"]
    );
    assert_eq!(
        names(&get(&app, &cookie, "?search=ha&sort=name").await),
        ["Alpha", "charlie"]
    );
    assert_eq!(
        names(
            &get(
                &app,
                &cookie,
                "?status=active&type=read-only&sort=type&limit=1"
            )
            .await
        ),
        ["delta"],
        "ties by id"
    );
}

#[tokio::test]
async fn bad_list_parameters_are_named() {
    let app = spawn_app().await;
    let cookie = signed_in(&app).await;
    for name in ["a", "b"] {
        create_token(&app, &cookie, read_only(name)).await;
    }
    let page = get(&app, &cookie, "?sort=name&limit=1").await;
    let cursor = page.body["next_cursor"].as_str().unwrap().to_owned();
    for (query, field) in [
        ("?sort=token_hash".to_owned(), "sort"),
        ("?status=deleted".to_owned(), "status"),
        ("?type=admin".to_owned(), "type"),
        ("?limit=0".to_owned(), "limit"),
        ("?limit=101".to_owned(), "limit"),
        ("?after=garbage".to_owned(), "after"),
        (format!("?sort=-name&after={cursor}"), "after"),
    ] {
        let reply = get(&app, &cookie, &query).await;
        assert_error(&reply, 400, "validation_failed", Some(field));
    }
}
