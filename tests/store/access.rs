//! Roles and administrators: who may do what, and the rules that keep Tollgate manageable.
//! Each function runs on both backends through `store_tests!`.

use tollgate::admins::{EMAIL_TAKEN, LAST_SUPER_ADMIN, NewSession};
use tollgate::model::{
    AddAdminRequest, AdminPermission, AdminStatus, AdminView, ChangePasswordRequest, RoleRequest,
    SignInRequest, TokenType,
};
use tollgate::roles::{BUILT_IN_ROLE, DUPLICATE_ROLE};
use tollgate::{ServiceError, Tollgate};

use super::{PASSWORD, first_admin, token_request};

async fn role_id(core: &Tollgate, name: &str) -> i64 {
    core.store.role_named(name).await.unwrap().unwrap().id
}

/// Adds an admin with `role` (by name) as `by`, then signs them in.
async fn add_and_sign_in(core: &Tollgate, by: &AdminView, name: &str, role: &str) -> NewSession {
    let email = format!("{}@example.com", name.to_lowercase());
    let request = AddAdminRequest {
        email: email.clone(),
        name: name.into(),
        role_id: role_id(core, role).await,
        password: PASSWORD.into(),
    };
    core.admins.add(by, &request).await.unwrap();
    sign_in(core, &email, PASSWORD).await.unwrap()
}

async fn sign_in(core: &Tollgate, email: &str, password: &str) -> Result<NewSession, ServiceError> {
    let request = SignInRequest {
        email: email.into(),
        password: password.into(),
    };
    core.admins.sign_in(&request).await
}

fn forbidden_message<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Forbidden(message)) => message,
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

fn conflict_message<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(errors)) => errors[0].message.clone(),
        other => panic!("expected Conflict, got {other:?}"),
    }
}

pub async fn the_first_admin_is_a_super_admin_and_the_built_in_roles_exist(core: &Tollgate) {
    let admin = first_admin(core).await;
    assert_eq!(admin.role.name, "Super Admin");
    assert_eq!(admin.permissions, AdminPermission::ALL.to_vec());
    let roles = core.roles.list(&admin).await.unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Super Admin", "Editor", "Viewer"]);
    assert!(roles.iter().all(|r| r.built_in));
    assert_eq!(roles[0].admin_count, 1);
    let listed = core.admins.list(&admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, AdminStatus::Active);
    assert!(
        listed[0].last_sign_in_at.is_some(),
        "set-up signs the admin in"
    );
}

pub async fn a_viewer_reads_tokens_but_cannot_create_or_revoke_them(core: &Tollgate) {
    let admin = first_admin(core).await;
    let kept = core
        .tokens
        .create(&admin, &token_request("kept", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let viewer = add_and_sign_in(core, &admin, "Vera", "Viewer").await.admin;

    assert_eq!(core.tokens.list(&viewer).await.unwrap().len(), 1);
    core.tokens.details(&viewer, kept.token.id).await.unwrap();
    core.tokens.catalog_for(&viewer).unwrap();
    let refused = core
        .tokens
        .create(
            &viewer,
            &token_request("sneaky", TokenType::FullAccess, vec![]),
        )
        .await;
    assert_eq!(
        forbidden_message(refused),
        "Your role (Viewer) does not allow creating API tokens."
    );
    assert_eq!(
        core.store.list_active_tokens().await.unwrap().len(),
        1,
        "nothing written"
    );
    let message = forbidden_message(core.tokens.revoke(&viewer, kept.token.id).await);
    assert!(message.contains("revoking API tokens"), "{message}");
    assert!(core.tokens.list(&admin).await.unwrap()[0].id == kept.token.id);
    forbidden_message(core.admins.list(&viewer).await);
    forbidden_message(core.roles.list(&viewer).await);
}

pub async fn an_editor_creates_tokens_but_cannot_revoke_or_manage_admins(core: &Tollgate) {
    let admin = first_admin(core).await;
    let editor = add_and_sign_in(core, &admin, "Eddie", "Editor").await.admin;
    let created = core
        .tokens
        .create(&editor, &token_request("ci", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    assert_eq!(created.token.created_by.as_deref(), Some("Eddie"));
    forbidden_message(core.tokens.revoke(&editor, created.token.id).await);
    let add = AddAdminRequest {
        email: "new@example.com".into(),
        name: "New".into(),
        role_id: role_id(core, "Viewer").await,
        password: PASSWORD.into(),
    };
    forbidden_message(core.admins.add(&editor, &add).await);
    forbidden_message(core.admins.deactivate(&editor, admin.id).await);
    forbidden_message(core.roles.create(&editor, &RoleRequest::default()).await);
    assert_eq!(
        core.store.count_admins().await.unwrap(),
        2,
        "nothing written"
    );
}

pub async fn a_role_change_counts_from_the_next_request(core: &Tollgate) {
    let admin = first_admin(core).await;
    let session = add_and_sign_in(core, &admin, "Vera", "Viewer").await;
    core.admins
        .change_role(&admin, session.admin.id, role_id(core, "Editor").await)
        .await
        .unwrap();
    let now = core.admins.session(&session.secret).await.unwrap().unwrap();
    assert_eq!(now.role.name, "Editor");
    assert!(now.can(AdminPermission::ApiTokensCreate));
}

pub async fn deactivating_and_removing_sign_out_everywhere_and_block_sign_in(core: &Tollgate) {
    let admin = first_admin(core).await;
    let first = add_and_sign_in(core, &admin, "Vera", "Viewer").await;
    let second = sign_in(core, "vera@example.com", PASSWORD).await.unwrap();
    let id = first.admin.id;

    core.admins.deactivate(&admin, id).await.unwrap();
    for session in [&first, &second] {
        assert!(
            core.admins
                .session(&session.secret)
                .await
                .unwrap()
                .is_none()
        );
    }
    assert_eq!(core.store.count_sessions(id).await.unwrap(), 0);
    assert!(matches!(
        sign_in(core, "vera@example.com", PASSWORD).await,
        Err(ServiceError::BadCredentials)
    ));
    let listed = core.admins.list(&admin).await.unwrap();
    assert_eq!(listed[1].status, AdminStatus::Deactivated);

    core.admins.reactivate(&admin, id).await.unwrap();
    let again = sign_in(core, "vera@example.com", PASSWORD).await.unwrap();
    core.admins.remove(&admin, id).await.unwrap();
    assert!(core.admins.session(&again.secret).await.unwrap().is_none());
    assert!(matches!(
        sign_in(core, "vera@example.com", PASSWORD).await,
        Err(ServiceError::BadCredentials)
    ));
    assert_eq!(core.admins.list(&admin).await.unwrap().len(), 1);
    assert!(matches!(
        core.admins.reactivate(&admin, id).await,
        Err(ServiceError::NotFound(_))
    ));
    let message = conflict_message(core.admins.remove(&admin, admin.id).await);
    assert!(message.contains("yourself"), "{message}");
}

pub async fn tokens_of_a_removed_admin_keep_working_and_still_name_them(core: &Tollgate) {
    let admin = first_admin(core).await;
    let editor = add_and_sign_in(core, &admin, "Eddie", "Editor").await.admin;
    let created = core
        .tokens
        .create(
            &editor,
            &token_request("nightly", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    assert!(!created.token.created_by_removed);
    core.admins.remove(&admin, editor.id).await.unwrap();

    core.verifier
        .authenticate(Some(created.secret.expose()), None)
        .await
        .expect("the token of a removed admin keeps working");
    let listed = &core.tokens.list(&admin).await.unwrap()[0];
    assert_eq!(listed.created_by.as_deref(), Some("Eddie"));
    assert!(listed.created_by_removed);
}

pub async fn the_last_super_admin_cannot_be_demoted_deactivated_or_removed(core: &Tollgate) {
    let a = first_admin(core).await;
    let editor = role_id(core, "Editor").await;
    assert_eq!(
        conflict_message(core.admins.change_role(&a, a.id, editor).await),
        LAST_SUPER_ADMIN
    );
    let b = add_and_sign_in(core, &a, "Bea", "Super Admin").await.admin;
    // A deactivated Super Admin does not count: B deactivated, A is the last one again.
    core.admins.deactivate(&a, b.id).await.unwrap();
    assert_eq!(
        conflict_message(core.admins.change_role(&a, a.id, editor).await),
        LAST_SUPER_ADMIN
    );
    core.admins.reactivate(&a, b.id).await.unwrap();
    core.admins.change_role(&a, a.id, editor).await.unwrap();
    let a = core.store.admin(a.id).await.unwrap().unwrap();
    assert_eq!(a.role.name, "Editor");
    // Now B is the last one, and no one (not even B) can take that away.
    assert_eq!(
        conflict_message(core.admins.change_role(&b, b.id, editor).await),
        LAST_SUPER_ADMIN
    );
    forbidden_message(core.admins.remove(&a, b.id).await);
    let b_now = core.store.admin(b.id).await.unwrap().unwrap();
    assert_eq!(b_now.role.name, "Super Admin", "nothing was written");
}

pub async fn racing_demotions_leave_one_super_admin(core: &Tollgate) {
    let a = first_admin(core).await;
    let b = add_and_sign_in(core, &a, "Bea", "Super Admin").await.admin;
    let viewer = role_id(core, "Viewer").await;
    let (demote_b, demote_a) = tokio::join!(
        core.admins.change_role(&a, b.id, viewer),
        core.admins.change_role(&b, a.id, viewer),
    );
    assert_eq!(
        [demote_b.is_ok(), demote_a.is_ok()]
            .iter()
            .filter(|ok| **ok)
            .count(),
        1,
        "{demote_b:?} {demote_a:?}"
    );
    let super_admins = core
        .admins
        .list(
            &core
                .store
                .admin(if demote_b.is_ok() { a.id } else { b.id })
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.role.name == "Super Admin")
        .count();
    assert_eq!(super_admins, 1);
}

pub async fn adding_an_admin_checks_every_field(core: &Tollgate) {
    let admin = first_admin(core).await;
    let bad = AddAdminRequest {
        email: "not-an-email".into(),
        name: " ".into(),
        role_id: role_id(core, "Viewer").await,
        password: "short".into(),
    };
    match core.admins.add(&admin, &bad).await {
        Err(ServiceError::Invalid(errors)) => {
            let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["email", "name", "password"]);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let unknown_role = AddAdminRequest {
        email: "x@example.com".into(),
        name: "X".into(),
        role_id: 999,
        password: PASSWORD.into(),
    };
    assert!(matches!(
        core.admins.add(&admin, &unknown_role).await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "role_id"
    ));
    let taken = AddAdminRequest {
        email: "ADA@example.com".into(),
        ..unknown_role
    };
    let taken = AddAdminRequest {
        role_id: role_id(core, "Viewer").await,
        ..taken
    };
    assert_eq!(
        conflict_message(core.admins.add(&admin, &taken).await),
        EMAIL_TAKEN
    );
    assert_eq!(
        core.store.count_admins().await.unwrap(),
        1,
        "nothing written"
    );
}

pub async fn custom_roles_are_created_edited_and_deleted_once_unused(core: &Tollgate) {
    let admin = first_admin(core).await;
    let request = RoleRequest {
        name: "Auditor".into(),
        permissions: vec![AdminPermission::AuditRead, AdminPermission::ApiTokensRead],
    };
    let auditor = core.roles.create(&admin, &request).await.unwrap();
    assert!(!auditor.built_in);
    assert_eq!(
        auditor.permissions,
        [AdminPermission::ApiTokensRead, AdminPermission::AuditRead]
    );
    let same_name = RoleRequest {
        name: "auditor".into(),
        ..request.clone()
    };
    assert_eq!(
        conflict_message(core.roles.create(&admin, &same_name).await),
        DUPLICATE_ROLE
    );
    assert!(matches!(
        core.roles.create(&admin, &RoleRequest { name: "Empty".into(), permissions: vec![] }).await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "permissions"
    ));

    let edited = RoleRequest {
        name: "Token auditor".into(),
        permissions: vec![AdminPermission::ApiTokensRead],
    };
    let updated = core
        .roles
        .update(&admin, auditor.id, &edited)
        .await
        .unwrap();
    assert_eq!(updated.name, "Token auditor");
    let viewer = role_id(core, "Viewer").await;
    assert_eq!(
        conflict_message(core.roles.update(&admin, viewer, &edited).await),
        BUILT_IN_ROLE
    );
    assert_eq!(
        conflict_message(core.roles.delete(&admin, viewer).await),
        BUILT_IN_ROLE
    );

    let holder = add_and_sign_in(core, &admin, "Hal", "Token auditor")
        .await
        .admin;
    assert_eq!(holder.permissions, [AdminPermission::ApiTokensRead]);
    let message = conflict_message(core.roles.delete(&admin, auditor.id).await);
    assert!(message.contains("another role"), "{message}");
    core.admins.remove(&admin, holder.id).await.unwrap();
    core.roles.delete(&admin, auditor.id).await.unwrap();
    assert!(core.store.role(auditor.id).await.unwrap().is_none());
    assert!(matches!(
        core.roles.delete(&admin, auditor.id).await,
        Err(ServiceError::NotFound(_))
    ));
}

pub async fn nobody_hands_out_more_than_their_own_role_allows(core: &Tollgate) {
    let admin = first_admin(core).await;
    let managers = RoleRequest {
        name: "People manager".into(),
        permissions: vec![
            AdminPermission::AdminsRead,
            AdminPermission::AdminsManage,
            AdminPermission::ApiTokensRead,
        ],
    };
    core.roles.create(&admin, &managers).await.unwrap();
    let manager = add_and_sign_in(core, &admin, "Mia", "People manager")
        .await
        .admin;

    let promote = AddAdminRequest {
        email: "friend@example.com".into(),
        name: "Friend".into(),
        role_id: role_id(core, "Super Admin").await,
        password: PASSWORD.into(),
    };
    forbidden_message(core.admins.add(&manager, &promote).await);
    let super_admin = role_id(core, "Super Admin").await;
    forbidden_message(
        core.admins
            .change_role(&manager, manager.id, super_admin)
            .await,
    );
    let wider = RoleRequest {
        name: "Wider".into(),
        permissions: vec![AdminPermission::ApiTokensCreate],
    };
    forbidden_message(core.roles.create(&manager, &wider).await);

    // Nor take away from someone above them.
    let message = forbidden_message(core.admins.deactivate(&manager, admin.id).await);
    assert!(message.contains("whose role (Super Admin)"), "{message}");
    let viewer_role = role_id(core, "Viewer").await;
    forbidden_message(
        core.admins
            .change_role(&manager, admin.id, viewer_role)
            .await,
    );
    forbidden_message(core.admins.remove(&manager, admin.id).await);
    assert!(
        core.admins
            .session(
                &core
                    .admins
                    .sign_in(&SignInRequest {
                        email: "ada@example.com".into(),
                        password: PASSWORD.into(),
                    })
                    .await
                    .unwrap()
                    .secret
            )
            .await
            .unwrap()
            .is_some()
    );

    let viewer = AddAdminRequest {
        role_id: viewer_role,
        ..promote
    };
    let added = core.admins.add(&manager, &viewer).await.unwrap();
    core.admins.deactivate(&manager, added.id).await.unwrap();
}

pub async fn admins_change_their_own_name_and_password(core: &Tollgate) {
    let admin = first_admin(core).await;
    let viewer = add_and_sign_in(core, &admin, "Vera", "Viewer").await;
    let other = sign_in(core, "vera@example.com", PASSWORD).await.unwrap();

    let renamed = core
        .admins
        .change_own_name(&viewer.admin, "  Vera Lynn ")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Vera Lynn");
    assert!(matches!(
        core.admins.change_own_name(&viewer.admin, "").await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "name"
    ));

    let wrong = ChangePasswordRequest {
        current_password: "not my password".into(),
        password: "a brand new passphrase".into(),
        password_confirm: "a brand new passphrase".into(),
    };
    assert!(matches!(
        core.admins.change_own_password(&viewer.secret, &wrong).await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "current_password"
    ));
    assert!(core.admins.session(&other.secret).await.unwrap().is_some());

    let right = ChangePasswordRequest {
        current_password: PASSWORD.into(),
        ..wrong
    };
    core.admins
        .change_own_password(&viewer.secret, &right)
        .await
        .unwrap();
    assert!(core.admins.session(&viewer.secret).await.unwrap().is_some());
    assert!(core.admins.session(&other.secret).await.unwrap().is_none());
    assert!(sign_in(core, "vera@example.com", PASSWORD).await.is_err());
    sign_in(core, "vera@example.com", "a brand new passphrase")
        .await
        .unwrap();
}

pub async fn the_command_line_adds_admins_and_resets_passwords(core: &Tollgate) {
    let added = core
        .admins
        .add_from_command_line("Root@Example.com", "Root", "super admin", PASSWORD)
        .await
        .unwrap();
    assert_eq!(added.role.name, "Super Admin");
    assert!(!core.admins.needs_setup().await.unwrap(), "set-up is done");
    let session = sign_in(core, "root@example.com", PASSWORD).await.unwrap();
    assert!(matches!(
        core.admins
            .add_from_command_line("b@example.com", "B", "Janitor", PASSWORD)
            .await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "role"
    ));

    core.admins
        .reset_password_from_command_line("root@example.com", "another long password")
        .await
        .unwrap();
    assert!(
        core.admins
            .session(&session.secret)
            .await
            .unwrap()
            .is_none()
    );
    sign_in(core, "root@example.com", "another long password")
        .await
        .unwrap();
    assert!(matches!(
        core.admins
            .reset_password_from_command_line("nobody@example.com", "another long password")
            .await,
        Err(ServiceError::NotFound(_))
    ));
}
