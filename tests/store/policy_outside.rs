//! Tokens outside a new policy are not silently broken, nor silently kept: every view of a
//! working token says whether the policy in force would allow its expiry today, the list
//! and the export filter by it (`policy=outside`) with the same condition the policy page
//! counts, and a create that names no lifetime gets the policy's default duration.

use chrono::{DateTime, Duration, Utc};
use tollgate::Tollgate;
use tollgate::admins::actor::Actor;
use tollgate::model::{
    ExportFormat, PolicyFilter, TokenLifetime, TokenListQuery, TokenSort, TokenStatus, TokenType,
};
use tollgate::policy::{PolicyRequest, TokenPolicy};

use super::{first_admin, token_request};

async fn create(core: &Tollgate, admin: &Actor, name: &str, lifetime: TokenLifetime) -> i64 {
    let request = tollgate::model::NewTokenRequest {
        lifetime: Some(lifetime),
        ..token_request(name, TokenType::ReadOnly, vec![])
    };
    core.tokens.create(admin, &request).await.unwrap().token.id
}

/// Sets a token's expiry, as time passing would have made it come.
async fn set_expiry(core: &Tollgate, id: i64, at: DateTime<Utc>) {
    let sql = "UPDATE api_tokens SET expires_at = $1 WHERE id = $2";
    execute!(core, sqlx::query(sql).bind(at).bind(id));
}

fn policy(max: Option<i64>, default: Option<i64>, require_expiry: bool) -> PolicyRequest {
    PolicyRequest {
        max_lifetime_days: max,
        default_duration_days: default,
        require_expiry,
        expiry_warning_days: vec![7, 1],
        ..PolicyRequest::default()
    }
}

fn outside(query: TokenListQuery) -> TokenListQuery {
    TokenListQuery {
        policy: Some(PolicyFilter::Outside),
        sort: TokenSort::parse("name").unwrap(),
        ..query
    }
}

async fn names(core: &Tollgate, by: &Actor, query: TokenListQuery) -> Vec<String> {
    let page = core.tokens.list_page(by, &query).await.unwrap();
    page.data.into_iter().map(|t| t.name).collect()
}

pub async fn the_list_flags_and_filters_the_tokens_outside_the_policy(core: &Tollgate) {
    let admin = first_admin(core).await;
    let week = create(core, &admin, "week", TokenLifetime::Days7).await;
    let quarter = create(core, &admin, "quarter", TokenLifetime::Days90).await;
    let forever = create(core, &admin, "forever", TokenLifetime::Unlimited).await;
    let revoked = create(core, &admin, "revoked", TokenLifetime::Unlimited).await;
    core.tokens.revoke(&admin, revoked).await.unwrap();
    let expired = create(core, &admin, "expired", TokenLifetime::Days90).await;
    set_expiry(core, expired, Utc::now() - Duration::days(1)).await;

    // The default policy puts nothing outside: no flag, and the filter lists nothing.
    let page = core
        .tokens
        .list_page(&admin, &TokenListQuery::default())
        .await
        .unwrap();
    assert!(page.data.iter().all(|t| !t.outside_policy));
    assert!(
        names(core, &admin, outside(TokenListQuery::default()))
            .await
            .is_empty()
    );

    core.policy
        .save(&admin, &policy(Some(30), Some(30), true))
        .await
        .unwrap();
    // Every view says it: the list's rows, the token's page, one token.
    let page = core
        .tokens
        .list_page(&admin, &TokenListQuery::default())
        .await
        .unwrap();
    let flagged: Vec<&str> = page
        .data
        .iter()
        .filter(|t| t.outside_policy)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        flagged,
        ["forever", "quarter"],
        "newest first; expired and week inside"
    );
    assert!(
        core.tokens
            .details(&admin, quarter)
            .await
            .unwrap()
            .token
            .outside_policy
    );
    assert!(
        core.tokens
            .get(&admin, forever)
            .await
            .unwrap()
            .outside_policy
    );
    assert!(!core.tokens.get(&admin, week).await.unwrap().outside_policy);
    assert!(
        !core
            .tokens
            .get(&admin, revoked)
            .await
            .unwrap()
            .outside_policy
    );
    assert!(
        !core
            .tokens
            .get(&admin, expired)
            .await
            .unwrap()
            .outside_policy
    );

    // The filter lists exactly those, with the other filters, and across pages.
    assert_eq!(
        names(core, &admin, outside(TokenListQuery::default())).await,
        ["forever", "quarter"]
    );
    let revoked_only = TokenListQuery {
        status: Some(TokenStatus::Revoked),
        ..TokenListQuery::default()
    };
    assert!(names(core, &admin, outside(revoked_only)).await.is_empty());
    let searched = TokenListQuery {
        search: Some("quar".into()),
        ..TokenListQuery::default()
    };
    assert_eq!(names(core, &admin, outside(searched)).await, ["quarter"]);
    let first = core
        .tokens
        .list_page(
            &admin,
            &TokenListQuery {
                limit: 1,
                ..outside(TokenListQuery::default())
            },
        )
        .await
        .unwrap();
    assert_eq!(first.data[0].name, "forever");
    let second = core
        .tokens
        .list_page(
            &admin,
            &TokenListQuery {
                limit: 1,
                after: first.next_cursor,
                ..outside(TokenListQuery::default())
            },
        )
        .await
        .unwrap();
    assert_eq!(second.data[0].name, "quarter");
    assert!(second.data[0].outside_policy);
    assert_eq!(second.next_cursor, None);

    // The same tokens the policy page counts and "bring into policy" would shorten.
    let in_force = core.policy.get(&admin).await.unwrap();
    let mut ids = core
        .store
        .tokens_outside_policy(&in_force, Utc::now())
        .await
        .unwrap();
    ids.sort_unstable();
    assert_eq!(ids, [quarter, forever]);

    // Only "every token must expire": only the one that never does.
    core.policy
        .save(&admin, &policy(None, Some(30), true))
        .await
        .unwrap();
    assert_eq!(
        names(core, &admin, outside(TokenListQuery::default())).await,
        ["forever"]
    );
    assert!(
        !core
            .tokens
            .get(&admin, quarter)
            .await
            .unwrap()
            .outside_policy
    );
}

/// The Rust rule that flags a view and the SQL that filters the list agree, on both
/// databases, at moments when tokens have expired or come inside the maximum.
pub async fn the_flag_and_the_filter_are_one_rule(core: &Tollgate) {
    let admin = first_admin(core).await;
    for (name, lifetime) in [
        ("week", TokenLifetime::Days7),
        ("month", TokenLifetime::Days30),
        ("quarter", TokenLifetime::Days90),
        ("forever", TokenLifetime::Unlimited),
    ] {
        create(core, &admin, name, lifetime).await;
    }
    let all = TokenListQuery::default();
    for request in [
        policy(Some(20), Some(7), false),
        policy(Some(60), Some(30), true),
        policy(None, Some(30), true),
        PolicyRequest::from(&TokenPolicy::default()),
    ] {
        let candidate = TokenPolicy::parse(&request).unwrap();
        for days_later in [0, 10, 45, 100] {
            let now = Utc::now() + Duration::days(days_later);
            let listed = |query| {
                let candidate = &candidate;
                async move {
                    core.store
                        .list_tokens(&query, candidate, None, now)
                        .await
                        .unwrap()
                        .data
                }
            };
            let flagged: Vec<i64> = listed(all.clone())
                .await
                .into_iter()
                .filter(|t| candidate.puts_outside(t, now))
                .map(|t| t.id)
                .collect();
            let filtered: Vec<i64> = listed(TokenListQuery {
                policy: Some(PolicyFilter::Outside),
                ..all.clone()
            })
            .await
            .into_iter()
            .map(|t| t.id)
            .collect();
            assert_eq!(flagged, filtered, "{request:?}, {days_later} days later");
            let counted = core
                .store
                .count_outside_policy(&candidate, now)
                .await
                .unwrap();
            assert_eq!(counted, filtered.len() as i64);
        }
    }
}

pub async fn the_export_keeps_to_the_outside_filter(core: &Tollgate) {
    let admin = first_admin(core).await;
    create(core, &admin, "week", TokenLifetime::Days7).await;
    create(core, &admin, "forever", TokenLifetime::Unlimited).await;
    core.policy
        .save(&admin, &policy(Some(30), Some(30), true))
        .await
        .unwrap();
    let query = outside(TokenListQuery::default());
    let mut export = core
        .tokens
        .export(&admin, &query, ExportFormat::Json)
        .await
        .unwrap();
    let mut out = String::new();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        out.push_str(&chunk);
    }
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["forever"]);
    let audited = core
        .audit
        .page(&admin, &tollgate::model::AuditQuery::default())
        .await
        .unwrap()
        .entries;
    assert!(
        audited.iter().any(|e| e.detail.contains("policy=outside")),
        "the export's audit names the filter"
    );
}

pub async fn a_create_without_a_lifetime_gets_the_policy_default(core: &Tollgate) {
    let admin = first_admin(core).await;
    let create_default = |name: &'static str| {
        let admin = &admin;
        async move {
            let request = tollgate::model::NewTokenRequest {
                lifetime: None,
                ..token_request(name, TokenType::ReadOnly, vec![])
            };
            let before = Utc::now();
            let token = core.tokens.create(admin, &request).await.unwrap().token;
            (before, token.expires_at)
        }
    };
    let about = |(before, at): (DateTime<Utc>, Option<DateTime<Utc>>), days: i64| {
        let at = at.expect("an expiry");
        let exact = before + Duration::days(days);
        assert!(
            at >= exact && at - exact < Duration::seconds(5),
            "{at} is not {days} days after {before}"
        );
    };
    // The default policy's default: 30 days.
    about(create_default("thirty").await, 30);
    core.policy
        .save(&admin, &policy(Some(14), Some(7), true))
        .await
        .unwrap();
    about(create_default("seven").await, 7);
    // A default that is no preset: 00:00 UTC on the day it ends, as the create form starts.
    core.policy
        .save(&admin, &policy(Some(60), Some(45), true))
        .await
        .unwrap();
    let (before, at) = create_default("forty-five").await;
    let day = (before + Duration::days(45)).date_naive();
    assert_eq!(at, Some(tollgate::lifetime::midnight_utc(day)));
    // No default (unlimited), allowed without a maximum or a required expiry.
    core.policy
        .save(&admin, &policy(None, None, false))
        .await
        .unwrap();
    assert_eq!(create_default("forever").await.1, None);
}

store_tests!(
    the_list_flags_and_filters_the_tokens_outside_the_policy,
    the_flag_and_the_filter_are_one_rule,
    the_export_keeps_to_the_outside_filter,
    a_create_without_a_lifetime_gets_the_policy_default,
);
