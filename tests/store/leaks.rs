//! Leaked-token reports: a reported value stops working at once, the report is audited
//! with where it came from, the admins hear of it, and nothing tells a guesser anything.

use tollgate::model::{AuditAction, AuditQuery, Grace, LEAK_REPORTER, LeakReportRequest};
use tollgate::tokens::format::PlainToken;
use tollgate::tokens::leaks::REPORTS_PER_WINDOW;
use tollgate::tokens::verifier::Rejection;

use super::*;

store_tests!(
    a_reported_token_is_revoked_audited_and_announced_without_its_value,
    a_reported_previous_value_stops_and_the_current_value_keeps_working,
    reports_of_values_that_are_no_working_token_change_nothing,
    reports_are_throttled_per_address,
    the_list_filters_tokens_revoked_as_leaked,
);

const REPORTER: &str = "203.0.113.9";

fn reporter() -> RequestOrigin {
    RequestOrigin::new(Some(REPORTER.parse().unwrap()), Some("secret-scanner/1.0"))
}

fn report(values: &[&str], source: Option<&str>) -> LeakReportRequest {
    LeakReportRequest {
        source: source.map(str::to_owned),
        tokens: values.iter().map(|v| (*v).to_owned()).collect(),
    }
}

async fn leak_events(core: &Tollgate, admin: &Actor) -> Vec<tollgate::model::AuditEntry> {
    let query = AuditQuery {
        action: Some(AuditAction::TokenLeaked),
        ..Default::default()
    };
    core.audit.page(admin, &query).await.unwrap().entries
}

async fn a_reported_token_is_revoked_audited_and_announced_without_its_value(core: &Tollgate) {
    let admin = first_admin(core).await;
    let reader = core
        .tokens
        .create(
            &admin,
            &token_request("deploy", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let value = reader.secret.expose().to_owned();
    core.verifier
        .authenticate(Some(&value), None)
        .await
        .unwrap(); // cached now
    let source = "https://github.com/acme/app/blob/main/.env";
    let receipt = core
        .tokens
        .report_leaked(
            &report(&[&value, "tg_garbage", &value], Some(source)),
            &reporter(),
        )
        .await
        .unwrap();
    assert_eq!(
        receipt.received, 3,
        "every value sent is counted, valid or not"
    );

    assert_eq!(
        core.verifier
            .authenticate(Some(&value), None)
            .await
            .unwrap_err(),
        Rejection::Unknown,
        "refused at once, though it was cached"
    );
    let token = core.tokens.get(&admin, reader.token.id).await.unwrap();
    assert!(token.revoked_at.is_some());
    assert_eq!(token.revoked_by, None, "no admin revoked it");
    let leak = token.leak.expect("marked as leaked");
    assert_eq!(leak.source.as_deref(), Some(source));
    assert_eq!(leak.reported_from.as_deref(), Some(REPORTER));

    let events = leak_events(core, &admin).await;
    assert_eq!(events.len(), 1, "a value sent twice is acted on once");
    let event = &events[0];
    assert_eq!(event.actor_name, LEAK_REPORTER);
    assert_eq!(event.actor_id, None);
    assert_eq!(event.ip.as_deref(), Some(REPORTER));
    assert_eq!(event.user_agent.as_deref(), Some("secret-scanner/1.0"));
    assert_eq!(event.target.as_ref().unwrap().id, reader.token.id);
    assert!(
        event.detail.contains("reported as leaked"),
        "{}",
        event.detail
    );
    assert!(event.detail.contains(source), "{}", event.detail);

    let inbox = core.notifications.inbox(&admin).await.unwrap();
    let news = &inbox.items[0];
    assert!(!news.read, "news for the admin: nobody they know did it");
    assert!(news.message.contains("“deploy”") && news.message.contains("leaked"));
    assert!(news.message.contains(&token.hint));
    assert!(!news.message.contains(&value), "never the value");
    assert_eq!(
        news.link.as_deref(),
        Some(tollgate::panel_paths::token(token.id).as_str())
    );
}

async fn a_reported_previous_value_stops_and_the_current_value_keeps_working(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("rolling", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let old = created.secret.expose().to_owned();
    let rolled = core
        .tokens
        .regenerate(&admin, created.token.id, Grace::Hour)
        .await
        .unwrap();
    let new = rolled.secret.expose().to_owned();
    core.verifier.authenticate(Some(&old), None).await.unwrap(); // in its grace period

    core.tokens
        .report_leaked(&report(&[&old], None), &reporter())
        .await
        .unwrap();
    assert_eq!(
        core.verifier
            .authenticate(Some(&old), None)
            .await
            .unwrap_err(),
        Rejection::Unknown
    );
    core.verifier.authenticate(Some(&new), None).await.unwrap();
    let token = core.tokens.get(&admin, created.token.id).await.unwrap();
    assert!(token.revoked_at.is_none() && token.leak.is_none());
    assert!(!token.previous_value_works(Utc::now()));
    let events = leak_events(core, &admin).await;
    assert_eq!(events.len(), 1);
    assert!(
        events[0].detail.contains("previous value"),
        "{}",
        events[0].detail
    );
}

async fn reports_of_values_that_are_no_working_token_change_nothing(core: &Tollgate) {
    let admin = first_admin(core).await;
    let revoked = core
        .tokens
        .create(&admin, &token_request("gone", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.tokens.revoke(&admin, revoked.token.id).await.unwrap();
    let working = core
        .tokens
        .create(&admin, &token_request("kept", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let never_issued = PlainToken::generate().into_exposed();
    let receipt = core
        .tokens
        .report_leaked(
            &report(
                &[revoked.secret.expose(), &never_issued, "not a token"],
                None,
            ),
            &reporter(),
        )
        .await
        .unwrap();
    assert_eq!(
        receipt.received, 3,
        "the same answer as for a working value"
    );
    assert!(leak_events(core, &admin).await.is_empty());
    let gone = core.tokens.get(&admin, revoked.token.id).await.unwrap();
    assert!(gone.leak.is_none(), "an admin's revocation stays theirs");
    core.verifier
        .authenticate(Some(working.secret.expose()), None)
        .await
        .unwrap();
}

async fn reports_are_throttled_per_address(core: &Tollgate) {
    let nothing = report(&["tg_nothing"], None);
    for _ in 0..REPORTS_PER_WINDOW {
        core.tokens
            .report_leaked(&nothing, &reporter())
            .await
            .unwrap();
    }
    let refused = core.tokens.report_leaked(&nothing, &reporter()).await;
    assert!(
        matches!(refused, Err(ServiceError::TooManyReports(wait)) if wait.as_secs() > 0),
        "{refused:?}"
    );
    let elsewhere = RequestOrigin::new(Some("198.51.100.1".parse().unwrap()), None);
    core.tokens
        .report_leaked(&nothing, &elsewhere)
        .await
        .unwrap();
}

/// Instance B answers a token from its cache; the report goes to A: B refuses it next.
/// (Postgres only: on SQLite one process owns the database, so there is no second instance.)
#[tokio::test]
async fn postgres_a_token_reported_to_one_instance_is_refused_by_another() {
    let db = TestDb::postgres().await;
    let (b, _admin, created) = second_instance::a_token_cached_by_a_second_instance(&db).await;
    let follow = tokio::spawn(b.follow_token_changes().await.unwrap());
    let value = created.secret.expose();
    b.verifier.authenticate(Some(value), None).await.unwrap();
    db.core
        .tokens
        .report_leaked(&report(&[value], None), &reporter())
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while b.verifier.authenticate(Some(value), None).await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "instance B still accepts a reported token 5 s later"
        );
        tokio::task::yield_now().await;
    }
    follow.abort();
    let _ = follow.await;
    b.store.close().await;
    db.finish().await;
}

async fn the_list_filters_tokens_revoked_as_leaked(core: &Tollgate) {
    let admin = first_admin(core).await;
    let mut made = Vec::new();
    for name in ["by admin", "leaked", "working"] {
        let created = core
            .tokens
            .create(&admin, &token_request(name, TokenType::ReadOnly, vec![]))
            .await
            .unwrap();
        made.push(created);
    }
    core.tokens.revoke(&admin, made[0].token.id).await.unwrap();
    core.tokens
        .report_leaked(&report(&[made[1].secret.expose()], None), &reporter())
        .await
        .unwrap();
    let names = |status: &str| {
        let params = tollgate::model::TokenListParams {
            status: Some(status.to_owned()),
            sort: Some("name".to_owned()),
            ..Default::default()
        };
        let query = tollgate::model::TokenListQuery::parse(&params).unwrap();
        let admin = admin.clone();
        async move {
            let page = core.tokens.list_page(&admin, &query).await.unwrap();
            page.data.into_iter().map(|t| t.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(names("leaked").await, ["leaked"]);
    assert_eq!(names("revoked").await, ["by admin", "leaked"]);
    assert_eq!(names("active").await, ["working"]);
}
