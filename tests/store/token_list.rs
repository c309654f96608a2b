//! The token list: every sort, paged by keyset cursor, agrees with sorting everything at
//! once; filters and search pick the right tokens.

use chrono::{Duration, Utc};
use tollgate::admins::actor::Actor;
use tollgate::catalog::{Action, Permission};
use tollgate::model::{
    SortColumn, SortDirection, TokenLifetime, TokenListQuery, TokenSort, TokenStatus, TokenType,
    TokenView,
};
use tollgate::policy::TokenPolicy;
use tollgate::store::Store;
use tollgate::{ServiceError, Tollgate};

use super::{first_admin, token_request};

/// Six tokens of every type, lifetime and use; "delta" revoked, "echo" expired.
async fn six_tokens(core: &Tollgate) -> Actor {
    let admin = first_admin(core).await;
    let find = Permission::new("articles", Action::Find);
    let specs = [
        (
            "alpha",
            TokenType::ReadOnly,
            vec![],
            TokenLifetime::Days7,
            "",
        ),
        (
            "Bravo",
            TokenType::FullAccess,
            vec![],
            TokenLifetime::Unlimited,
            "Deploy bot",
        ),
        (
            "charlie",
            TokenType::Custom,
            vec![find],
            TokenLifetime::Days90,
            "50% off",
        ),
        (
            "delta",
            TokenType::ReadOnly,
            vec![],
            TokenLifetime::Days30,
            "",
        ),
        (
            "echo",
            TokenType::ReadOnly,
            vec![],
            TokenLifetime::Days30,
            "",
        ),
        (
            "foxtrot",
            TokenType::FullAccess,
            vec![],
            TokenLifetime::Unlimited,
            "",
        ),
    ];
    let mut ids = Vec::new();
    for (name, token_type, permissions, lifetime, description) in specs {
        let mut request = token_request(name, token_type, permissions);
        request.lifetime = Some(lifetime);
        request.description = description.into();
        let created = core.tokens.create(&admin, &request).await.unwrap();
        if name == "alpha" || name == "foxtrot" {
            let secret = Some(created.secret.expose());
            core.verifier.authenticate(secret, None).await.unwrap();
            core.usage.flush(&core.store).await.unwrap();
        }
        ids.push(created.token.id);
    }
    core.tokens.revoke(&admin, ids[3]).await.unwrap();
    let past = Utc::now() - Duration::days(1);
    let sql = "UPDATE api_tokens SET expires_at = $1 WHERE id = $2";
    match &core.store {
        Store::Sqlite(pool) => drop(
            sqlx::query(sql)
                .bind(past)
                .bind(ids[4])
                .execute(pool)
                .await
                .unwrap(),
        ),
        Store::Postgres(pool) => drop(
            sqlx::query(sql)
                .bind(past)
                .bind(ids[4])
                .execute(pool)
                .await
                .unwrap(),
        ),
    }
    admin
}

fn names(tokens: &[TokenView]) -> Vec<&str> {
    tokens.iter().map(|t| t.name.as_str()).collect()
}

/// What `sort` promises, computed here from the whole list.
fn sorted(mut tokens: Vec<TokenView>, sort: TokenSort) -> Vec<TokenView> {
    tokens.sort_by(|a, b| {
        let by_key = match sort.column {
            SortColumn::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            SortColumn::Type => a.token_type.as_str().cmp(b.token_type.as_str()),
            SortColumn::CreatedAt => a.created_at.cmp(&b.created_at),
            // Never used sorts first; never expiring sorts last.
            SortColumn::LastUsedAt => a.last_used_at.cmp(&b.last_used_at),
            SortColumn::ExpiresAt => {
                (a.expires_at.is_none(), a.expires_at).cmp(&(b.expires_at.is_none(), b.expires_at))
            }
        };
        let order = by_key.then(a.id.cmp(&b.id));
        match sort.direction {
            SortDirection::Asc => order,
            SortDirection::Desc => order.reverse(),
        }
    });
    tokens
}

pub async fn every_sort_pages_through_the_whole_list_in_order(core: &Tollgate) {
    let admin = six_tokens(core).await;
    let everything = core
        .tokens
        .list_page(&admin, &TokenListQuery::default())
        .await
        .unwrap();
    assert_eq!(everything.next_cursor, None);
    assert_eq!(
        everything.data.len(),
        5,
        "revoked tokens are not in the default list"
    );
    for column in SortColumn::ALL {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let sort = TokenSort { column, direction };
            let mut query = TokenListQuery {
                sort,
                limit: 2,
                ..TokenListQuery::default()
            };
            let mut paged = Vec::new();
            loop {
                let page = core.tokens.list_page(&admin, &query).await.unwrap();
                assert!(page.data.len() <= 2);
                paged.extend(page.data);
                match page.next_cursor {
                    Some(cursor) => query.after = Some(cursor),
                    None => break,
                }
            }
            let expected = sorted(everything.data.clone(), sort);
            assert_eq!(names(&paged), names(&expected), "{}", sort.as_param());
        }
    }
}

pub async fn filters_and_search_pick_their_tokens(core: &Tollgate) {
    let admin = six_tokens(core).await;
    let list = |query: TokenListQuery| {
        let admin = admin.clone();
        async move {
            let query = TokenListQuery {
                sort: TokenSort::parse("name").unwrap(),
                ..query
            };
            core.tokens.list_page(&admin, &query).await.unwrap().data
        }
    };
    let status = |s| TokenListQuery {
        status: Some(s),
        ..TokenListQuery::default()
    };
    let revoked = list(status(TokenStatus::Revoked)).await;
    assert_eq!(names(&revoked), ["delta"]);
    assert_eq!(revoked[0].revoked_by.as_deref(), Some("Ada Admin"));
    assert_eq!(names(&list(status(TokenStatus::Expired)).await), ["echo"]);
    assert_eq!(
        names(&list(status(TokenStatus::Active)).await),
        ["alpha", "Bravo", "charlie", "foxtrot"]
    );
    let typed = TokenListQuery {
        token_type: Some(TokenType::ReadOnly),
        ..TokenListQuery::default()
    };
    assert_eq!(names(&list(typed).await), ["alpha", "echo"]);
    let search = |text: &str| TokenListQuery {
        search: Some(text.into()),
        ..TokenListQuery::default()
    };
    assert_eq!(
        names(&list(search("DEPLOY")).await),
        ["Bravo"],
        "description, any case"
    );
    assert_eq!(
        names(&list(search("HARL")).await),
        ["charlie"],
        "name, any case"
    );
    assert_eq!(names(&list(search("50%")).await), ["charlie"]);
    assert!(
        list(search("%")).await.len() == 1,
        "% is a character, not a wildcard"
    );
    assert!(list(search("_")).await.is_empty());
}

pub async fn a_cursor_only_continues_its_own_sort(core: &Tollgate) {
    let admin = six_tokens(core).await;
    let by_name = TokenListQuery {
        sort: TokenSort::parse("name").unwrap(),
        limit: 1,
        ..TokenListQuery::default()
    };
    let cursor = core
        .tokens
        .list_page(&admin, &by_name)
        .await
        .unwrap()
        .next_cursor;
    let by_type = TokenListQuery {
        sort: TokenSort::parse("-type").unwrap(),
        after: cursor,
        ..TokenListQuery::default()
    };
    for query in [
        by_type,
        TokenListQuery {
            after: Some("not-a-cursor".into()),
            ..TokenListQuery::default()
        },
    ] {
        match core.tokens.list_page(&admin, &query).await {
            Err(ServiceError::Invalid(errors)) => assert_eq!(errors[0].field, "after"),
            other => panic!("expected Invalid(after), got {other:?}"),
        }
    }
}

/// The list's status filters (SQL) and the core's "expired" (Rust) draw the line at the
/// same moment: a token whose expiry is exactly now is expired in both, a tick before
/// it is active in both.
pub async fn the_status_filters_and_the_expired_predicate_agree_at_the_boundary(core: &Tollgate) {
    let admin = first_admin(core).await;
    let day = (Utc::now() + Duration::days(2)).date_naive();
    let mut request = token_request("edge", TokenType::ReadOnly, vec![]);
    request.lifetime = Some(TokenLifetime::until_day(day));
    let created = core.tokens.create(&admin, &request).await.unwrap();
    let at = created.token.expires_at.unwrap();
    assert_eq!(at, tollgate::lifetime::midnight_utc(day));
    let tick = Duration::microseconds(1);
    for now in [at - tick, at, at + tick] {
        let expired = tollgate::lifetime::is_expired(Some(at), now);
        assert_eq!(expired, now >= at, "{now}");
        for sort in ["-created_at", "expires_at", "-expires_at"] {
            let listed = |status| {
                let query = TokenListQuery {
                    status: Some(status),
                    sort: TokenSort::parse(sort).unwrap(),
                    ..TokenListQuery::default()
                };
                async move {
                    let page = core
                        .store
                        .list_tokens(&query, &TokenPolicy::default(), None, now)
                        .await
                        .unwrap();
                    page.data.iter().any(|t| t.id == created.token.id)
                }
            };
            assert_eq!(listed(TokenStatus::Expired).await, expired, "{now} {sort}");
            assert_eq!(listed(TokenStatus::Active).await, !expired, "{now} {sort}");
        }
        let status = if expired {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        };
        assert_eq!(created.token.status(now), status, "{now}");
    }
}

store_tests!(
    every_sort_pages_through_the_whole_list_in_order,
    filters_and_search_pick_their_tokens,
    a_cursor_only_continues_its_own_sort,
    the_status_filters_and_the_expired_predicate_agree_at_the_boundary,
);
