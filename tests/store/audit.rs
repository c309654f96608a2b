//! The audit log and the password re-confirmation, on both databases.

use chrono::{Duration, Utc};
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::admins::sign_in_throttle::SignInThrottle;
use tollgate::admins::{Admins, NewSession, SessionSettings};
use tollgate::audit::Audit;
use tollgate::catalog::{Action, Permission};
use tollgate::model::Grace;
use tollgate::model::{
    AddAdminRequest, AuditAction, AuditEntry, AuditQuery, AuditTargetKind, RoleRequest,
    SignInRequest, TokenPatch, TokenType,
};
use tollgate::store::Store;
use tollgate::{ServiceError, Tollgate};

use super::access::{add_and_sign_in, forbidden_message, role_id};
use super::{PASSWORD, first_admin, listed, token_request};

fn laptop() -> RequestOrigin {
    RequestOrigin::new(
        Some("192.0.2.10".parse().unwrap()),
        Some("Mozilla/5.0 (Laptop)"),
    )
}

fn ada_signs_in() -> SignInRequest {
    SignInRequest {
        email: "ada@example.com".into(),
        password: PASSWORD.into(),
    }
}

/// The whole log, newest first.
async fn everything(core: &Tollgate, reader: &Actor) -> Vec<AuditEntry> {
    core.audit
        .page(reader, &AuditQuery::default())
        .await
        .unwrap()
        .entries
}

pub async fn every_change_is_audited_with_who_where_and_names_as_they_were(core: &Tollgate) {
    let setup = first_admin(core).await;
    let session = core
        .admins
        .sign_in(&ada_signs_in(), &laptop())
        .await
        .unwrap();
    let ada = core
        .admins
        .actor(&session.secret, laptop())
        .await
        .unwrap()
        .unwrap();

    let created = core
        .tokens
        .create(&ada, &token_request("deploy", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let id = created.token.id;
    let rename = TokenPatch {
        name: Some("deploy-prod".into()),
        ..TokenPatch::default()
    };
    core.tokens.update(&ada, id, &rename).await.unwrap();
    let regenerated = core.tokens.regenerate(&ada, id, Grace::Now).await.unwrap();
    core.tokens.revoke(&ada, id).await.unwrap();

    let role = RoleRequest {
        name: "Auditor".into(),
        permissions: vec![tollgate::model::AdminPermission::AuditRead],
    };
    let auditor_role = core.roles.create(&ada, &role).await.unwrap();
    let vera = core
        .admins
        .add(
            &ada,
            &AddAdminRequest {
                email: "vera@example.com".into(),
                name: "Vera".into(),
                role_id: role_id(core, "Viewer").await,
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    core.admins
        .change_role(&ada, vera.id, auditor_role.id)
        .await
        .unwrap();
    core.admins.deactivate(&ada, vera.id).await.unwrap();
    let wrong = SignInRequest {
        password: "not the password".into(),
        ..ada_signs_in()
    };
    assert!(core.admins.sign_in(&wrong, &laptop()).await.is_err());
    core.admins
        .sign_out(&session.secret, laptop())
        .await
        .unwrap();

    let log = everything(core, &setup).await;
    let actions: Vec<AuditAction> = log.iter().rev().map(|e| e.action).collect();
    use AuditAction::*;
    assert_eq!(
        actions,
        [
            AdminSetUp,
            SignIn,
            TokenCreate,
            TokenUpdate,
            TokenRegenerate,
            TokenRevoke,
            RoleCreate,
            AdminAdd,
            AdminRoleChange,
            AdminDeactivate,
            SignInFailed,
            SignOut,
        ]
    );
    let find = |action| log.iter().find(|e| e.action == action).unwrap();

    let create = find(TokenCreate);
    assert_eq!(create.actor_id, Some(ada.id));
    assert_eq!(create.actor_name, "Ada Admin");
    assert_eq!(create.ip.as_deref(), Some("192.0.2.10"));
    assert_eq!(create.user_agent.as_deref(), Some("Mozilla/5.0 (Laptop)"));
    let target = create.target.as_ref().unwrap();
    assert_eq!(
        (target.kind, target.id, target.name.as_str()),
        (AuditTargetKind::Token, id, "deploy"),
        "the name it had then"
    );
    assert_eq!(
        find(TokenUpdate).detail,
        "changed: name (was “deploy”)",
        "renames say what it was"
    );
    assert_eq!(
        find(TokenRevoke).target.as_ref().unwrap().name,
        "deploy-prod"
    );
    assert_eq!(find(AdminRoleChange).detail, "role: Viewer → Auditor");
    assert_eq!(find(AdminDeactivate).target.as_ref().unwrap().name, "Vera");
    assert_eq!(find(RoleCreate).detail, "permissions: audit.read");
    let failed = find(SignInFailed);
    assert_eq!(
        (failed.actor_id, failed.actor_name.as_str()),
        (None, "ada@example.com")
    );

    // Never a secret: no token value, password or session id anywhere in the log.
    let text = serde_json::to_string(&log).unwrap();
    for secret in [
        created.secret.expose(),
        regenerated.secret.expose(),
        PASSWORD,
        "not the password",
        session.secret.expose(),
    ] {
        assert!(!text.contains(secret), "the log holds a secret");
    }
}

pub async fn the_audit_log_filters_and_pages_for_those_allowed(core: &Tollgate) {
    let ada = first_admin(core).await;
    let eddie_session = add_and_sign_in(core, &ada, "Eddie", "Editor").await;
    let eddie = Actor::trusted(eddie_session.admin.clone());
    for n in 0..55 {
        let name = format!("batch-{n:02}");
        core.tokens
            .create(&eddie, &token_request(&name, TokenType::ReadOnly, vec![]))
            .await
            .unwrap();
    }
    let target = core
        .tokens
        .create(
            &ada,
            &token_request("Special One", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap()
        .token;
    core.tokens.revoke(&ada, target.id).await.unwrap();

    let page = |query: AuditQuery| {
        let ada = ada.clone();
        async move { core.audit.page(&ada, &query).await.unwrap() }
    };
    // Pages: 50, then the rest, no overlap, newest first.
    let first = page(AuditQuery::default()).await;
    assert_eq!(first.entries.len(), 50);
    let before = first.next_before.expect("there is more");
    let second = page(AuditQuery {
        before: Some(before),
        ..AuditQuery::default()
    })
    .await;
    assert!(second.next_before.is_none());
    let ids: Vec<i64> = first
        .entries
        .iter()
        .chain(&second.entries)
        .map(|e| e.id)
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    // Set-up, two adds/sign-ins, 56 creates and a revoke.
    assert_eq!(ids.len(), 1 + 2 + 56 + 1);

    let by_eddie = page(AuditQuery {
        actor: Some(eddie.id),
        ..AuditQuery::default()
    })
    .await;
    assert!(
        by_eddie
            .entries
            .iter()
            .all(|e| e.actor_id == Some(eddie.id))
    );
    // His sign-in and 50 of his 55 creates.
    assert_eq!(by_eddie.entries.len(), 50);
    let revokes = page(AuditQuery {
        action: Some(AuditAction::TokenRevoke),
        ..AuditQuery::default()
    })
    .await;
    assert_eq!(revokes.entries.len(), 1);
    for token in [target.id.to_string(), "special".to_owned()] {
        let about = page(AuditQuery {
            token: Some(token),
            ..AuditQuery::default()
        })
        .await;
        let actions: Vec<AuditAction> = about.entries.iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            [AuditAction::TokenRevoke, AuditAction::TokenCreate]
        );
    }
    let today = Utc::now().date_naive();
    let tomorrow = page(AuditQuery {
        from: Some(today + Duration::days(1)),
        ..AuditQuery::default()
    })
    .await;
    assert!(tomorrow.entries.is_empty());
    let up_to_today = page(AuditQuery {
        from: Some(today - Duration::days(1)),
        to: Some(today),
        action: Some(AuditAction::TokenRevoke),
        ..AuditQuery::default()
    })
    .await;
    assert_eq!(up_to_today.entries.len(), 1);
    let names: Vec<&str> = first.actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Ada Admin", "Eddie"]);

    // An Editor has no audit.read.
    forbidden_message(core.audit.page(&eddie, &AuditQuery::default()).await);
}

/// Sessions whose password confirmation is already over when they start.
pub(super) fn confirmation_lapsed_at_once(core: &Tollgate) -> Admins {
    Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::hours(12),
            idle: Duration::hours(1),
            reconfirm_window: Some(Duration::seconds(-1)),
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    )
}

async fn actor(core: &Tollgate, session: &NewSession) -> Actor {
    core.admins
        .actor(&session.secret, laptop())
        .await
        .unwrap()
        .unwrap()
}

pub async fn sensitive_actions_need_a_recently_confirmed_password(core: &Tollgate) {
    first_admin(core).await;
    let session = confirmation_lapsed_at_once(core)
        .sign_in(&ada_signs_in(), &laptop())
        .await
        .unwrap();
    let ada = actor(core, &session).await;
    assert!(ada.confirmed_until().unwrap() < Utc::now());

    // Reading goes on; creating is refused and writes nothing.
    assert!(listed(core, &ada).await.is_empty());
    let request = token_request("needs-password", TokenType::ReadOnly, vec![]);
    assert!(matches!(
        core.tokens.create(&ada, &request).await,
        Err(ServiceError::PasswordConfirmationRequired)
    ));
    assert!(listed(core, &ada).await.is_empty());
    assert!(matches!(
        core.roles
            .create(
                &ada,
                &RoleRequest {
                    name: "Nope".into(),
                    permissions: vec![tollgate::model::AdminPermission::AuditRead],
                },
            )
            .await,
        Err(ServiceError::PasswordConfirmationRequired)
    ));

    // A wrong password opens nothing; the right one opens the window on this session.
    assert!(matches!(
        core.admins
            .confirm_password(&session.secret, laptop(), "guess")
            .await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "password"
    ));
    assert!(matches!(
        core.tokens
            .create(&actor(core, &session).await, &request)
            .await,
        Err(ServiceError::PasswordConfirmationRequired)
    ));
    let until = core
        .admins
        .confirm_password(&session.secret, laptop(), PASSWORD)
        .await
        .unwrap()
        .unwrap();
    assert!(until > Utc::now() + Duration::minutes(9));
    let ada = actor(core, &session).await;
    let created = core.tokens.create(&ada, &request).await.unwrap();
    core.tokens.revoke(&ada, created.token.id).await.unwrap();

    let log = everything(core, &ada).await;
    let confirmations: Vec<AuditAction> = log
        .iter()
        .filter(|e| e.action.as_str().starts_with("password."))
        .map(|e| e.action)
        .collect();
    assert_eq!(
        confirmations,
        [
            AuditAction::PasswordConfirmed,
            AuditAction::PasswordConfirmFailed
        ]
    );
}

pub async fn permission_is_checked_before_the_password(core: &Tollgate) {
    let ada = first_admin(core).await;
    let viewer = add_and_sign_in(core, &ada, "Vera", "Viewer").await;
    let lapsed = confirmation_lapsed_at_once(core)
        .sign_in(
            &SignInRequest {
                email: "vera@example.com".into(),
                password: PASSWORD.into(),
            },
            &laptop(),
        )
        .await
        .unwrap();
    for session in [&viewer, &lapsed] {
        let vera = actor(core, session).await;
        let request = token_request("viewer-made", TokenType::ReadOnly, vec![]);
        // A Viewer is told about their role, not asked for a password that can't help.
        forbidden_message(core.tokens.create(&vera, &request).await);
    }
}

/// A change and its audit event are one transaction: a change that does not land writes
/// no event, and when the event cannot be written the change is not made either.
pub async fn changes_land_together_with_their_audit_events(core: &Tollgate) {
    let ada = first_admin(core).await;
    let read = Permission::new("articles", Action::Find);
    let gone = core
        .tokens
        .create(&ada, &token_request("gone", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.tokens.revoke(&ada, gone.token.id).await.unwrap();
    assert!(matches!(
        core.tokens.revoke(&ada, gone.token.id).await,
        Err(ServiceError::AlreadyRevoked(_))
    ));
    let revokes = AuditQuery {
        action: Some(AuditAction::TokenRevoke),
        ..AuditQuery::default()
    };
    assert_eq!(
        core.audit.page(&ada, &revokes).await.unwrap().entries.len(),
        1
    );

    let kept = core
        .tokens
        .create(&ada, &token_request("kept", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let secret = Some(kept.secret.expose());
    // From here on, no audit event can be written.
    let drop_log = "DROP TABLE audit_events";
    match &core.store {
        Store::Sqlite(pool) => drop(sqlx::query(drop_log).execute(pool).await.unwrap()),
        Store::Postgres(pool) => drop(sqlx::query(drop_log).execute(pool).await.unwrap()),
    }

    let unlogged = token_request("unlogged", TokenType::ReadOnly, vec![]);
    assert!(core.tokens.create(&ada, &unlogged).await.is_err());
    let rename = TokenPatch {
        name: Some("renamed".into()),
        ..TokenPatch::default()
    };
    assert!(
        core.tokens
            .update(&ada, kept.token.id, &rename)
            .await
            .is_err()
    );
    assert!(
        core.tokens
            .regenerate(&ada, kept.token.id, Grace::Now)
            .await
            .is_err()
    );
    assert!(core.tokens.revoke(&ada, kept.token.id).await.is_err());

    let names: Vec<String> = listed(core, &ada)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["kept"], "no “unlogged”, no “renamed”");
    let verified = core.verifier.verify(secret, None, &read).await.unwrap();
    assert_eq!(
        verified.id, kept.token.id,
        "the old value still works: not regenerated, not revoked"
    );

    // Administrators and roles alike.
    let vera = AddAdminRequest {
        email: "vera@example.com".into(),
        name: "Vera".into(),
        role_id: role_id(core, "Viewer").await,
        password: PASSWORD.into(),
    };
    assert!(core.admins.add(&ada, &vera).await.is_err());
    let auditors = RoleRequest {
        name: "Auditors".into(),
        permissions: vec![tollgate::model::AdminPermission::AuditRead],
    };
    assert!(core.roles.create(&ada, &auditors).await.is_err());
    assert!(
        core.admins
            .change_own_name(&ada, "Ada Renamed")
            .await
            .is_err()
    );
    let admins: Vec<String> = core
        .admins
        .list(&ada)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(admins, ["Ada Admin"], "no Vera, and not renamed");
    let roles = core.roles.list(&ada).await.unwrap();
    assert!(roles.iter().all(|r| r.name != "Auditors"));
}

store_tests!(
    every_change_is_audited_with_who_where_and_names_as_they_were,
    the_audit_log_filters_and_pages_for_those_allowed,
    changes_land_together_with_their_audit_events,
    sensitive_actions_need_a_recently_confirmed_password,
    permission_is_checked_before_the_password,
);
