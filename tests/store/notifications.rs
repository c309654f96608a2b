//! Who hears of a new token, and that they see it masked.
//! Each function runs on both backends through `store_tests!`.

use super::*;
use crate::access::add_and_sign_in;

async fn new_tokens_are_announced_in_the_inbox_masked(core: &Tollgate) {
    let admin = first_admin(core).await;
    assert_eq!(core.notifications.inbox(&admin).await.unwrap().unread, 0);

    let created = core
        .tokens
        .create(&admin, &token_request("ci", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.tokens
        .create(
            &admin,
            &token_request("partner", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();

    let inbox = core.notifications.inbox(&admin).await.unwrap();
    assert_eq!(inbox.items.len(), 2, "the creator keeps the entries");
    assert_eq!(inbox.unread, 0, "but their own creations are not news");
    let oldest = &inbox.items[1];
    assert!(
        oldest
            .message
            .contains("Ada Admin created the API token “ci”")
    );
    assert!(oldest.message.contains(&created.token.hint));
    assert!(!oldest.message.contains(created.secret.expose()));
    assert_eq!(
        oldest.link.as_deref(),
        Some(format!("/settings/api-tokens/{}", created.token.id).as_str())
    );
    assert!(inbox.items[0].message.contains("“partner”"), "newest first");

    assert!(inbox.items.iter().all(|n| n.read));
}

/// The creator's copy of the news is stored read; every other admin who hears gets it
/// unread, until they mark it read themselves.
async fn your_own_creations_are_not_news_but_others_hear_of_them(core: &Tollgate) {
    let ada = first_admin(core).await;
    let grace = Actor::trusted(
        add_and_sign_in(core, &ada, "Grace", "Super Admin")
            .await
            .admin,
    );

    core.tokens
        .create(&ada, &token_request("by ada", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    core.tokens
        .create(
            &grace,
            &token_request("by grace", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();

    let ada_inbox = core.notifications.inbox(&ada).await.unwrap();
    assert_eq!(ada_inbox.unread, 1, "only Grace's token is news to Ada");
    assert_eq!(ada_inbox.items.len(), 2);
    assert!(ada_inbox.items[0].message.contains("“by grace”"));
    assert!(!ada_inbox.items[0].read);
    assert!(ada_inbox.items[1].read, "her own, already read");

    let grace_inbox = core.notifications.inbox(&grace).await.unwrap();
    assert_eq!(grace_inbox.unread, 1, "only Ada's token is news to Grace");
    assert!(grace_inbox.items[0].read);
    assert!(!grace_inbox.items[1].read);

    core.notifications.mark_all_read(&grace).await.unwrap();
    let grace_inbox = core.notifications.inbox(&grace).await.unwrap();
    assert_eq!(grace_inbox.unread, 0);
    assert!(grace_inbox.items.iter().all(|n| n.read));
    assert_eq!(
        core.notifications.inbox(&ada).await.unwrap().unread,
        1,
        "marking read is per admin"
    );
}

/// A Viewer may read tokens, so hears; a role without `api_tokens.read` and a deactivated
/// admin do not.
async fn only_active_admins_who_may_read_tokens_hear_of_new_ones(core: &Tollgate) {
    use tollgate::model::{AdminPermission, RoleRequest};
    let ada = first_admin(core).await;
    let viewer = Actor::trusted(add_and_sign_in(core, &ada, "Vera", "Viewer").await.admin);
    core.roles
        .create(
            &ada,
            &RoleRequest {
                name: "Auditor".into(),
                permissions: vec![AdminPermission::AuditRead],
            },
        )
        .await
        .unwrap();
    let auditor = Actor::trusted(add_and_sign_in(core, &ada, "Otto", "Auditor").await.admin);
    let gone = Actor::trusted(add_and_sign_in(core, &ada, "Gina", "Viewer").await.admin);
    core.admins.deactivate(&ada, gone.id).await.unwrap();

    core.tokens
        .create(
            &ada,
            &token_request("announced", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();

    let unread = |admin: Actor| async move { core.store.inbox(admin.id, 10).await.unwrap().1 };
    assert_eq!(unread(ada).await, 0, "the creator already knows");
    assert_eq!(unread(viewer).await, 1);
    assert_eq!(unread(auditor).await, 0, "no api_tokens.read, no news");
    assert_eq!(unread(gone).await, 0, "deactivated admins hear nothing");
}

store_tests!(
    new_tokens_are_announced_in_the_inbox_masked,
    only_active_admins_who_may_read_tokens_hear_of_new_ones,
    your_own_creations_are_not_news_but_others_hear_of_them,
);
