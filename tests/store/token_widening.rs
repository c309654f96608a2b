//! Editing a token: what lets it do more needs the password window, like creating one,
//! and the edit's answer (the token) needs `api_tokens.read`.

use tollgate::admins::actor::RequestOrigin;
use tollgate::catalog::{Action, Permission};
use tollgate::model::{AdminPermission, RoleRequest, TokenLifetime, TokenPatch, TokenType};
use tollgate::{ServiceError, Tollgate};

use super::access::{add_and_sign_in, forbidden_message};
use super::audit::confirmation_lapsed_at_once;
use super::{PASSWORD, first_admin, token_request};

fn patch() -> TokenPatch {
    TokenPatch::default()
}

pub async fn an_edit_that_widens_a_token_needs_a_recently_confirmed_password(core: &Tollgate) {
    let setup = first_admin(core).await;
    let find = Permission::new("articles", Action::Find);
    let create = Permission::new("articles", Action::Create);
    let token = core
        .tokens
        .create(
            &setup,
            &token_request(
                "narrow",
                TokenType::Custom,
                vec![find.clone(), create.clone()],
            ),
        )
        .await
        .unwrap()
        .token;
    let session = confirmation_lapsed_at_once(core)
        .sign_in(
            &tollgate::model::SignInRequest {
                email: "ada@example.com".into(),
                password: PASSWORD.into(),
            },
            &RequestOrigin::default(),
        )
        .await
        .unwrap();
    let ada = core
        .admins
        .actor(&session.secret, RequestOrigin::default())
        .await
        .unwrap()
        .unwrap();

    // Narrowing goes on without the password.
    let narrowing = [
        TokenPatch {
            name: Some("renamed".into()),
            description: Some("why".into()),
            ..patch()
        },
        TokenPatch {
            permissions: Some(vec![find.clone()]),
            ..patch()
        },
        TokenPatch {
            lifetime: Some(TokenLifetime::Days7),
            ..patch()
        },
    ];
    for edit in &narrowing {
        core.tokens.update(&ada, token.id, edit).await.unwrap();
    }

    // Widening waits, and changes nothing.
    let widening = [
        TokenPatch {
            token_type: Some(TokenType::FullAccess),
            ..patch()
        },
        TokenPatch {
            permissions: Some(vec![find.clone(), create.clone()]),
            ..patch()
        },
        TokenPatch {
            lifetime: Some(TokenLifetime::Unlimited),
            ..patch()
        },
        TokenPatch {
            lifetime: Some(TokenLifetime::Days30),
            ..patch()
        },
    ];
    let before = core.tokens.get(&ada, token.id).await.unwrap();
    for edit in &widening {
        let refused = core.tokens.update(&ada, token.id, edit).await;
        assert!(
            matches!(refused, Err(ServiceError::PasswordConfirmationRequired)),
            "{edit:?}: {refused:?}"
        );
    }
    assert_eq!(core.tokens.get(&ada, token.id).await.unwrap(), before);

    // Once the password is typed again, the same edits go through.
    core.admins
        .confirm_password(&session.secret, RequestOrigin::default(), PASSWORD)
        .await
        .unwrap();
    let ada = core
        .admins
        .actor(&session.secret, RequestOrigin::default())
        .await
        .unwrap()
        .unwrap();
    // (Becoming full access last: a full-access token lists no permissions.)
    for edit in widening.iter().rev() {
        core.tokens.update(&ada, token.id, edit).await.unwrap();
    }
    let after = core.tokens.get(&ada, token.id).await.unwrap();
    assert_eq!(after.token_type, TokenType::FullAccess);
}

/// A role that may edit tokens but not see them gets nothing back from an edit, not even
/// from an empty one (which used to answer with the whole token).
pub async fn editing_a_token_needs_reading_it_too(core: &Tollgate) {
    let ada = first_admin(core).await;
    let token = core
        .tokens
        .create(
            &ada,
            &token_request("secret-ish", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap()
        .token;
    core.roles
        .create(
            &ada,
            &RoleRequest {
                name: "Updater".into(),
                permissions: vec![AdminPermission::ApiTokensUpdate],
            },
        )
        .await
        .unwrap();
    let session = add_and_sign_in(core, &ada, "Uma", "Updater").await;
    let uma = tollgate::admins::actor::Actor::trusted(session.admin);
    for edit in [
        patch(),
        TokenPatch {
            name: Some("renamed".into()),
            ..patch()
        },
    ] {
        let message = forbidden_message(core.tokens.update(&uma, token.id, &edit).await);
        assert!(message.contains("viewing API tokens"), "{message}");
    }
    assert_eq!(
        core.tokens.get(&ada, token.id).await.unwrap().name,
        "secret-ish"
    );
}

store_tests!(
    an_edit_that_widens_a_token_needs_a_recently_confirmed_password,
    editing_a_token_needs_reading_it_too,
);
