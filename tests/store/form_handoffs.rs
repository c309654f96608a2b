//! The no-JS handoffs: sealed in the database, taken once by the session and page they
//! were left for, on any instance with the same key.

use chrono::{Duration, Utc};
use tollgate::admins::SessionSecret;
use tollgate::form_handoffs::{FormHandoffs, LIFETIME};
use tollgate::server_key::ServerKey;

use super::*;

store_tests!(
    a_value_is_taken_once_by_its_session_for_its_page,
    a_stale_value_is_not_handed_over,
    the_database_holds_neither_the_value_nor_the_session_id,
    what_nobody_came_for_is_purged,
);
store_tests!(instances:
    a_second_instance_takes_what_the_first_left,
    an_instance_with_another_key_opens_nothing,
);

const VALUE: &[u8] = b"tg_the-value-of-a-new-token-00000000000000";

fn session(id: &str) -> SessionSecret {
    SessionSecret::from_cookie(id)
}

async fn a_value_is_taken_once_by_its_session_for_its_page(core: &Tollgate) {
    let handoffs = &core.form_handoffs;
    let (mine, my_other_tab) = (session("session-a"), session("session-b"));
    let now = Utc::now();
    handoffs.put(&mine, "reveal/1", VALUE, now).await.unwrap();
    assert_eq!(
        handoffs.take(&my_other_tab, "reveal/1", now).await.unwrap(),
        None,
        "another session, even of the same admin, gets nothing"
    );
    assert_eq!(handoffs.take(&mine, "reveal/2", now).await.unwrap(), None);
    assert_eq!(
        handoffs
            .take(&mine, "reveal/1", now)
            .await
            .unwrap()
            .as_deref(),
        Some(VALUE)
    );
    assert_eq!(
        handoffs.take(&mine, "reveal/1", now).await.unwrap(),
        None,
        "once"
    );

    // A second post replaces what waited.
    handoffs
        .put(&mine, "create-form", b"first", now)
        .await
        .unwrap();
    handoffs
        .put(&mine, "create-form", b"second", now)
        .await
        .unwrap();
    assert_eq!(
        handoffs
            .take(&mine, "create-form", now)
            .await
            .unwrap()
            .as_deref(),
        Some(&b"second"[..])
    );
}

async fn a_stale_value_is_not_handed_over(core: &Tollgate) {
    let mine = session("session-a");
    let then = Utc::now();
    core.form_handoffs
        .put(&mine, "policy", VALUE, then)
        .await
        .unwrap();
    let later = then + LIFETIME;
    assert_eq!(
        core.form_handoffs
            .take(&mine, "policy", later)
            .await
            .unwrap(),
        None
    );
}

/// Every column of every row, as text: what someone reading the database would see.
async fn rows_as_text(core: &Tollgate) -> Vec<String> {
    const ROWS: &str = "SELECT session_hash, page, sealed FROM form_handoffs";
    let rows: Vec<(String, String, Vec<u8>)> = match &core.store {
        tollgate::store::Store::Sqlite(pool) => sqlx::query_as(ROWS).fetch_all(pool).await,
        tollgate::store::Store::Postgres(pool) => sqlx::query_as(ROWS).fetch_all(pool).await,
    }
    .unwrap();
    rows.into_iter()
        .map(|(session, page, sealed)| {
            format!("{session} {page} {}", String::from_utf8_lossy(&sealed))
        })
        .collect()
}

async fn the_database_holds_neither_the_value_nor_the_session_id(core: &Tollgate) {
    core.form_handoffs
        .put(
            &session("the-secret-session-id"),
            "reveal/7",
            VALUE,
            Utc::now(),
        )
        .await
        .unwrap();
    let rows = rows_as_text(core).await;
    assert_eq!(rows.len(), 1);
    let value = std::str::from_utf8(VALUE).unwrap();
    assert!(!rows[0].contains(value), "the value in clear: {rows:?}");
    assert!(!rows[0].contains("tg_"), "{rows:?}");
    assert!(!rows[0].contains("the-secret-session-id"), "{rows:?}");
    assert!(!format!("{:?}", core.form_handoffs).contains("key"));
}

async fn what_nobody_came_for_is_purged(core: &Tollgate) {
    let now = Utc::now();
    core.form_handoffs
        .put(
            &session("left"),
            "reveal/1",
            VALUE,
            now - LIFETIME - Duration::seconds(1),
        )
        .await
        .unwrap();
    core.form_handoffs
        .put(&session("fresh"), "reveal/2", VALUE, now)
        .await
        .unwrap();
    assert_eq!(core.form_handoffs.purge(now).await.unwrap(), 1);
    assert_eq!(rows_as_text(core).await.len(), 1);
}

/// The POST lands on one instance, the redirected GET on the other.
async fn a_second_instance_takes_what_the_first_left(db: &TestDb) {
    let other = db.second_instance().await;
    let mine = session("session-a");
    let now = Utc::now();
    db.core
        .form_handoffs
        .put(&mine, "reveal/1", VALUE, now)
        .await
        .unwrap();
    assert_eq!(
        other
            .form_handoffs
            .take(&mine, "reveal/1", now)
            .await
            .unwrap()
            .as_deref(),
        Some(VALUE)
    );
    assert_eq!(
        db.core
            .form_handoffs
            .take(&mine, "reveal/1", now)
            .await
            .unwrap(),
        None
    );
    other.store.close().await;
}

/// Sealed means sealed: without the server key the row opens for nobody.
async fn an_instance_with_another_key_opens_nothing(db: &TestDb) {
    let stranger = FormHandoffs::new(db.core.store.clone(), &ServerKey::generate());
    let mine = session("session-a");
    let now = Utc::now();
    db.core
        .form_handoffs
        .put(&mine, "reveal/1", VALUE, now)
        .await
        .unwrap();
    assert_eq!(stranger.take(&mine, "reveal/1", now).await.unwrap(), None);
}
