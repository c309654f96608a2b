//! Roles: who may do what, at every use case, and custom roles.
//! Each function runs on both backends through `store_tests!`.

use tollgate::admins::NewSession;
use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::admins::roles::{BUILT_IN_ROLE, DUPLICATE_ROLE};
use tollgate::model::{
    AddAdminRequest, AdminPermission, AdminStatus, RoleRequest, SignInRequest, TokenType,
};
use tollgate::{ServiceError, Tollgate};

use super::{PASSWORD, first_admin, listed, token_request};

pub(super) async fn role_id(core: &Tollgate, name: &str) -> i64 {
    core.store.role_named(name).await.unwrap().unwrap().id
}

/// Adds an admin with `role` (by name) as `by`, then signs them in.
pub(super) async fn add_and_sign_in(
    core: &Tollgate,
    by: &Actor,
    name: &str,
    role: &str,
) -> NewSession {
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

pub(super) async fn sign_in(
    core: &Tollgate,
    email: &str,
    password: &str,
) -> Result<NewSession, ServiceError> {
    let request = SignInRequest {
        email: email.into(),
        password: password.into(),
    };
    core.admins
        .sign_in(&request, &RequestOrigin::default())
        .await
}

pub(super) fn forbidden_message<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Forbidden(message)) => message,
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

pub(super) fn conflict_message<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
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
    let viewer = Actor::trusted(add_and_sign_in(core, &admin, "Vera", "Viewer").await.admin);

    assert_eq!(listed(core, &viewer).await.len(), 1);
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
    assert_eq!(listed(core, &admin).await.len(), 1, "nothing written");
    let message = forbidden_message(core.tokens.revoke(&viewer, kept.token.id).await);
    assert!(message.contains("revoking API tokens"), "{message}");
    assert!(listed(core, &admin).await[0].id == kept.token.id);
    forbidden_message(core.admins.list(&viewer).await);
    forbidden_message(core.roles.list(&viewer).await);
}

pub async fn an_editor_creates_tokens_but_cannot_revoke_or_manage_admins(core: &Tollgate) {
    let admin = first_admin(core).await;
    let editor = Actor::trusted(add_and_sign_in(core, &admin, "Eddie", "Editor").await.admin);
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

    let holder = Actor::trusted(
        add_and_sign_in(core, &admin, "Hal", "Token auditor")
            .await
            .admin,
    );
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
    let manager = Actor::trusted(
        add_and_sign_in(core, &admin, "Mia", "People manager")
            .await
            .admin,
    );

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
                    .sign_in(
                        &SignInRequest {
                            email: "ada@example.com".into(),
                            password: PASSWORD.into(),
                        },
                        &RequestOrigin::default(),
                    )
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

store_tests!(
    the_first_admin_is_a_super_admin_and_the_built_in_roles_exist,
    a_viewer_reads_tokens_but_cannot_create_or_revoke_them,
    an_editor_creates_tokens_but_cannot_revoke_or_manage_admins,
    a_role_change_counts_from_the_next_request,
    custom_roles_are_created_edited_and_deleted_once_unused,
    nobody_hands_out_more_than_their_own_role_allows,
);
