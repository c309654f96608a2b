//! Creating tokens and verifying them: types, names, expiry, revocation, and what the
//! database holds. Each function runs on both backends through `store_tests!`.

use super::*;

async fn a_created_token_is_listed_and_verifies(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("  CI deploy  ", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let secret = created.secret.expose();
    assert!(secret.starts_with("tg_"));
    assert_eq!(created.token.name, "CI deploy");
    assert_eq!(
        created.token.hint,
        format!("tg_…{}", &secret[secret.len() - 4..])
    );
    assert_eq!(created.token.created_by.as_deref(), Some("Ada Admin"));
    let expires = created.token.expires_at.unwrap();
    assert!(
        (expires - (Utc::now() + Duration::days(30)))
            .num_seconds()
            .abs()
            < 60
    );

    let list = listed(core, &admin).await;
    assert_eq!(list, vec![created.token.clone()]);

    let verified = core
        .verifier
        .authenticate(Some(secret), None)
        .await
        .unwrap();
    assert_eq!(verified.id, created.token.id);
    assert_eq!(verified.token_type, TokenType::ReadOnly);
}

async fn token_types_grant_what_they_promise(core: &Tollgate) {
    let admin = first_admin(core).await;
    let find = Permission::new("articles", Action::Find);
    let create = Permission::new("articles", Action::Create);
    let authors = Permission::new("authors", Action::Find);
    let cases = [
        (TokenType::ReadOnly, vec![], [true, false, true]),
        (TokenType::FullAccess, vec![], [true, true, true]),
        (TokenType::Custom, vec![find.clone()], [true, false, false]),
    ];
    for (i, (token_type, permissions, expected)) in cases.into_iter().enumerate() {
        let created = core
            .tokens
            .create(
                &admin,
                &token_request(&format!("t{i}"), token_type, permissions),
            )
            .await
            .unwrap();
        let secret = Some(created.secret.expose());
        for (needed, allowed) in [&find, &create, &authors].into_iter().zip(expected) {
            let result = core.verifier.verify(secret, None, needed).await;
            assert_eq!(result.is_ok(), allowed, "{token_type:?} {needed}");
            if !allowed {
                assert_eq!(
                    result.unwrap_err(),
                    Rejection::Forbidden {
                        needed: needed.clone()
                    }
                );
            }
        }
    }
}

async fn duplicate_names_conflict_until_the_first_is_revoked(core: &Tollgate) {
    let admin = first_admin(core).await;
    let first = core
        .tokens
        .create(
            &admin,
            &token_request("Deploy", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let err = core
        .tokens
        .create(
            &admin,
            &token_request(" deploy ", TokenType::FullAccess, vec![]),
        )
        .await
        .unwrap_err();
    match err {
        ServiceError::Conflict(errors) => assert_eq!(errors[0].message, DUPLICATE_NAME),
        other => panic!("expected a conflict, got {other:?}"),
    }
    core.tokens.revoke(&admin, first.token.id).await.unwrap();
    core.tokens
        .create(
            &admin,
            &token_request("Deploy", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
}

async fn invalid_requests_save_nothing(core: &Tollgate) {
    let admin = first_admin(core).await;
    let bad = [
        token_request("", TokenType::ReadOnly, vec![]),
        token_request("x", TokenType::Custom, vec![]),
        token_request(&"x".repeat(101), TokenType::ReadOnly, vec![]),
        token_request(
            "x",
            TokenType::Custom,
            vec![Permission::new("secrets", Action::Find)],
        ),
    ];
    for request in bad {
        let err = core.tokens.create(&admin, &request).await.unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    }
    assert!(listed(core, &admin).await.is_empty());
}

async fn revoking_stops_a_token_at_once(core: &Tollgate) {
    let admin = first_admin(core).await;
    let keep = core
        .tokens
        .create(&admin, &token_request("keep", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let gone = core
        .tokens
        .create(&admin, &token_request("gone", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.verifier
        .authenticate(Some(gone.secret.expose()), None)
        .await
        .unwrap();

    core.tokens.revoke(&admin, gone.token.id).await.unwrap();

    assert_eq!(
        core.verifier
            .authenticate(Some(gone.secret.expose()), None)
            .await
            .unwrap_err(),
        Rejection::Unknown
    );
    assert!(
        core.verifier
            .authenticate(Some(keep.secret.expose()), None)
            .await
            .is_ok(),
        "revoking one token leaves others alone"
    );
    let names: Vec<_> = listed(core, &admin)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["keep"]);
    assert!(matches!(
        core.tokens.revoke(&admin, gone.token.id).await,
        Err(ServiceError::AlreadyRevoked(_))
    ));
    assert!(matches!(
        core.tokens.revoke(&admin, 999_999).await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn expired_tokens_are_refused(core: &Tollgate) {
    let admin = first_admin(core).await;
    let mut request = token_request("weekly", TokenType::ReadOnly, vec![]);
    request.lifetime = Some(TokenLifetime::Days7);
    let created = core.tokens.create(&admin, &request).await.unwrap();
    let secret = Some(created.secret.expose());
    let expires = created.token.expires_at.unwrap();

    assert!(
        core.verifier
            .authenticate_at(secret, None, expires - Duration::seconds(1))
            .await
            .is_ok()
    );
    assert_eq!(
        core.verifier
            .authenticate_at(secret, None, expires)
            .await
            .unwrap_err(),
        Rejection::Expired(expires)
    );

    let mut forever = token_request("forever", TokenType::ReadOnly, vec![]);
    forever.lifetime = Some(TokenLifetime::Unlimited);
    let forever = core.tokens.create(&admin, &forever).await.unwrap();
    assert_eq!(forever.token.expires_at, None);
    let far_future = Utc::now() + Duration::days(365 * 50);
    assert!(
        core.verifier
            .authenticate_at(Some(forever.secret.expose()), None, far_future)
            .await
            .is_ok()
    );
}

async fn garbage_and_unknown_tokens_are_refused(core: &Tollgate) {
    assert_eq!(
        core.verifier.authenticate(None, None).await.unwrap_err(),
        Rejection::Missing
    );
    assert!(matches!(
        core.verifier.authenticate(Some("tg_garbage"), None).await,
        Err(Rejection::Malformed(_))
    ));
    let never_issued = tollgate::tokens::format::PlainToken::generate();
    assert_eq!(
        core.verifier
            .authenticate(Some(never_issued.expose()), None)
            .await
            .unwrap_err(),
        Rejection::Unknown
    );
}

async fn the_database_never_holds_a_token_value(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(
            &admin,
            &token_request("secret", TokenType::FullAccess, vec![]),
        )
        .await
        .unwrap();
    let random_part = &created.secret.expose()[3..];
    let sql = "SELECT name || description || token_type || permissions || COALESCE(token_hash, '') || hint FROM api_tokens";
    let rows: Vec<String> = match &core.store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    };
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].contains(random_part));
}

store_tests!(
    a_created_token_is_listed_and_verifies,
    token_types_grant_what_they_promise,
    duplicate_names_conflict_until_the_first_is_revoked,
    invalid_requests_save_nothing,
    revoking_stops_a_token_at_once,
    expired_tokens_are_refused,
    garbage_and_unknown_tokens_are_refused,
    the_database_never_holds_a_token_value,
);
