//! Managing administrators: status changes that sign out at once, the last Super Admin,
//! adding admins, one's own profile, and the command line. Each function runs on both
//! backends through `store_tests!`.

use tollgate::admins::actor::{Actor, RequestOrigin};
use tollgate::admins::{EMAIL_TAKEN, LAST_SUPER_ADMIN};
use tollgate::model::{AddAdminRequest, AdminStatus, ChangePasswordRequest, TokenType};
use tollgate::store::Store;
use tollgate::{ServiceError, Tollgate};

use super::access::{add_and_sign_in, conflict_message, forbidden_message, role_id, sign_in};
use super::{PASSWORD, first_admin, listed, token_request};

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
    assert_eq!(sessions_in_the_database(core, id).await, 0);
    assert!(matches!(
        sign_in(core, "vera@example.com", PASSWORD).await,
        Err(ServiceError::BadCredentials { .. })
    ));
    let listed = core.admins.list(&admin).await.unwrap();
    assert_eq!(listed[1].status, AdminStatus::Deactivated);

    core.admins.reactivate(&admin, id).await.unwrap();
    let again = sign_in(core, "vera@example.com", PASSWORD).await.unwrap();
    core.admins.remove(&admin, id).await.unwrap();
    assert!(core.admins.session(&again.secret).await.unwrap().is_none());
    assert!(matches!(
        sign_in(core, "vera@example.com", PASSWORD).await,
        Err(ServiceError::BadCredentials { .. })
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
    let editor = Actor::trusted(add_and_sign_in(core, &admin, "Eddie", "Editor").await.admin);
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
    let listed = &listed(core, &admin).await[0];
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
    let b = Actor::trusted(add_and_sign_in(core, &a, "Bea", "Super Admin").await.admin);
    // A deactivated Super Admin does not count: B deactivated, A is the last one again.
    core.admins.deactivate(&a, b.id).await.unwrap();
    assert_eq!(
        conflict_message(core.admins.change_role(&a, a.id, editor).await),
        LAST_SUPER_ADMIN
    );
    core.admins.reactivate(&a, b.id).await.unwrap();
    core.admins.change_role(&a, a.id, editor).await.unwrap();
    let a = Actor::trusted(core.store.admin(a.id).await.unwrap().unwrap());
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
    let b = Actor::trusted(add_and_sign_in(core, &a, "Bea", "Super Admin").await.admin);
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

pub async fn admins_change_their_own_name_and_password(core: &Tollgate) {
    let admin = first_admin(core).await;
    let viewer = add_and_sign_in(core, &admin, "Vera", "Viewer").await;
    let other = sign_in(core, "vera@example.com", PASSWORD).await.unwrap();

    let renamed = core
        .admins
        .change_own_name(&Actor::trusted(viewer.admin.clone()), "  Vera Lynn ")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Vera Lynn");
    assert!(matches!(
        core.admins.change_own_name(&Actor::trusted(viewer.admin.clone()), "").await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "name"
    ));

    let wrong = ChangePasswordRequest {
        current_password: "not my password".into(),
        password: "a brand new passphrase".into(),
        password_confirm: "a brand new passphrase".into(),
    };
    assert!(matches!(
        core.admins.change_own_password(&viewer.secret, RequestOrigin::default(), &wrong).await,
        Err(ServiceError::Invalid(errors)) if errors[0].field == "current_password"
    ));
    assert!(core.admins.session(&other.secret).await.unwrap().is_some());

    let right = ChangePasswordRequest {
        current_password: PASSWORD.into(),
        ..wrong
    };
    core.admins
        .change_own_password(&viewer.secret, RequestOrigin::default(), &right)
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

store_tests!(
    deactivating_and_removing_sign_out_everywhere_and_block_sign_in,
    tokens_of_a_removed_admin_keep_working_and_still_name_them,
    the_last_super_admin_cannot_be_demoted_deactivated_or_removed,
    racing_demotions_leave_one_super_admin,
    adding_an_admin_checks_every_field,
    admins_change_their_own_name_and_password,
    the_command_line_adds_admins_and_resets_passwords,
);

/// How many session rows the database holds for `admin_id`, read directly.
async fn sessions_in_the_database(core: &Tollgate, admin_id: i64) -> i64 {
    let sql = "SELECT COUNT(*) FROM admin_sessions WHERE admin_id = $1";
    match &core.store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).bind(admin_id).fetch_one(pool).await,
        Store::Postgres(pool) => sqlx::query_scalar(sql).bind(admin_id).fetch_one(pool).await,
    }
    .unwrap()
}
