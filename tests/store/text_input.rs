//! Free text at every door: control characters (a NUL, which Postgres cannot store) and
//! invisible characters are field errors on both backends, never a 500; names compare and
//! search as folded (case, compatibility forms) on both backends alike.
//! Each function runs on both backends through `store_tests!`.

use base64::Engine;
use tollgate::Tollgate;
use tollgate::admins::actor::Actor;
use tollgate::admins::roles::DUPLICATE_ROLE;
use tollgate::model::{
    AddAdminRequest, AuditQuery, FieldError, RoleRequest, TokenListQuery, TokenPatch, TokenSort,
    TokenType,
};
use tollgate::store::Store;
use tollgate::tokens::DUPLICATE_NAME;
use tollgate::{ServiceError, model::AdminPermission};

use super::access::{role_id, sign_in};
use super::{PASSWORD, first_admin, listed, token_request};

/// The one field error of an `Invalid`, or a panic saying what came instead.
fn field_error<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> FieldError {
    match result {
        Err(ServiceError::Invalid(mut errors)) if errors.len() == 1 => errors.remove(0),
        other => panic!("expected one field error, got {other:?}"),
    }
}

fn assert_names(error: &FieldError, field: &str, character: &str) {
    assert_eq!(error.field, field, "{error:?}");
    assert!(error.message.contains(character), "{error:?}");
}

fn conflict_message<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(errors)) => errors[0].message.clone(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

pub async fn a_nul_in_a_description_is_a_field_error_on_create(core: &Tollgate) {
    let admin = first_admin(core).await;
    let mut request = token_request("nul", TokenType::ReadOnly, vec![]);
    request.description = "before\0after".into();
    let error = field_error(core.tokens.create(&admin, &request).await);
    assert_names(&error, "description", "U+0000 (character 7)");
    assert!(listed(core, &admin).await.is_empty());
}

pub async fn a_nul_in_a_description_is_a_field_error_on_edit(core: &Tollgate) {
    let admin = first_admin(core).await;
    let created = core
        .tokens
        .create(&admin, &token_request("edit", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let patch = TokenPatch {
        description: Some("a\0".into()),
        ..TokenPatch::default()
    };
    let error = field_error(core.tokens.update(&admin, created.token.id, &patch).await);
    assert_names(&error, "description", "U+0000");
    let kept = core.tokens.get(&admin, created.token.id).await.unwrap();
    assert_eq!(kept.description, "for tests");
}

pub async fn a_nul_in_the_list_search_is_a_field_error(core: &Tollgate) {
    let admin = first_admin(core).await;
    let query = TokenListQuery {
        search: Some("de\0ploy".into()),
        ..TokenListQuery::default()
    };
    let error = field_error(core.tokens.list_page(&admin, &query).await);
    assert_names(&error, "search", "U+0000");
}

pub async fn a_nul_in_a_list_cursor_is_a_field_error(core: &Tollgate) {
    let admin = first_admin(core).await;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(br#"{"s":"name","k":"a\u0000","i":1}"#);
    let query = TokenListQuery {
        sort: TokenSort::parse("name").unwrap(),
        after: Some(forged),
        ..TokenListQuery::default()
    };
    let error = field_error(core.tokens.list_page(&admin, &query).await);
    assert_eq!(error.field, "after");
}

pub async fn a_nul_in_the_sign_in_email_is_a_field_error(core: &Tollgate) {
    first_admin(core).await;
    let error = field_error(sign_in(core, "ada\0@example.com", PASSWORD).await);
    assert_names(&error, "email", "U+0000");
}

pub async fn a_nul_in_a_new_admins_email_is_a_field_error(core: &Tollgate) {
    let admin = first_admin(core).await;
    let request = AddAdminRequest {
        email: "vera\0@example.com".into(),
        name: "Vera".into(),
        role_id: role_id(core, "Viewer").await,
        password: PASSWORD.into(),
    };
    let error = field_error(core.admins.add(&admin, &request).await);
    assert_names(&error, "email", "U+0000");
}

pub async fn a_nul_in_the_audit_token_filter_is_a_field_error(core: &Tollgate) {
    let admin = first_admin(core).await;
    let query = AuditQuery {
        token: Some("ci\0".into()),
        ..AuditQuery::default()
    };
    let error = field_error(core.audit.page(&admin, &query).await);
    assert_names(&error, "token", "U+0000");
}

/// Documents are JSON, stored as its text: a `\u0000` in a string stays an escape there
/// and comes back as it was sent, on Postgres too.
pub async fn a_document_string_may_hold_any_character(core: &Tollgate) {
    let body = serde_json::json!({ "title": "a\u{0}b\u{202e}c" });
    let created = core.content.create("articles", body).await.unwrap();
    let read = core.content.get("articles", created.id).await.unwrap();
    assert_eq!(read.fields["title"], "a\u{0}b\u{202e}c");
}

pub async fn invisible_characters_in_names_and_descriptions_are_refused(core: &Tollgate) {
    let admin = first_admin(core).await;
    let error = field_error(
        core.tokens
            .create(
                &admin,
                &token_request("ci\u{202e}yolped", TokenType::ReadOnly, vec![]),
            )
            .await,
    );
    assert_names(&error, "name", "U+202E (character 3)");
    let mut request = token_request("ci", TokenType::ReadOnly, vec![]);
    request.description = "zero\u{200b}width".into();
    let error = field_error(core.tokens.create(&admin, &request).await);
    assert_names(&error, "description", "U+200B");
    let role = RoleRequest {
        name: "Edi\u{2066}tor".into(),
        permissions: vec![AdminPermission::ApiTokensRead],
    };
    assert_names(
        &field_error(core.roles.create(&admin, &role).await),
        "name",
        "U+2066",
    );
    assert_names(
        &field_error(core.admins.change_own_name(&admin, "Ada\u{feff}").await),
        "name",
        "U+FEFF",
    );
    assert!(listed(core, &admin).await.is_empty());
}

pub async fn names_with_nothing_visible_are_refused(core: &Tollgate) {
    let admin = first_admin(core).await;
    for name in [
        "\u{202e}\u{200b}\u{200f}",
        " \u{3164} ",
        "\u{115f}",
        "\u{fe0f}",
        "\u{3000}\u{a0}",
    ] {
        let error = field_error(
            core.tokens
                .create(&admin, &token_request(name, TokenType::ReadOnly, vec![]))
                .await,
        );
        assert_eq!(error.field, "name", "{name:?}: {error:?}");
    }
    assert!(listed(core, &admin).await.is_empty());
}

pub async fn token_names_conflict_whatever_their_case_or_form(core: &Tollgate) {
    let admin = first_admin(core).await;
    let create = |name: &'static str| {
        let admin: Actor = admin.clone();
        async move {
            core.tokens
                .create(&admin, &token_request(name, TokenType::ReadOnly, vec![]))
                .await
        }
    };
    create("ÉTÉ").await.unwrap();
    assert_eq!(conflict_message(create("été").await), DUPLICATE_NAME);
    create("deploy").await.unwrap();
    assert_eq!(
        conflict_message(create("ＤＥＰＬＯＹ").await),
        DUPLICATE_NAME
    );
    // A rename meets the same rule.
    let other = create("other").await.unwrap();
    let patch = TokenPatch {
        name: Some("Été".into()),
        ..TokenPatch::default()
    };
    assert_eq!(
        conflict_message(core.tokens.update(&admin, other.token.id, &patch).await),
        DUPLICATE_NAME
    );
}

pub async fn search_finds_names_and_descriptions_in_any_case_and_form(core: &Tollgate) {
    let admin = first_admin(core).await;
    core.tokens
        .create(
            &admin,
            &token_request("ÉTÉ report", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    let mut request = token_request("plain", TokenType::ReadOnly, vec![]);
    request.description = "Für die ÜBERSICHT".into();
    core.tokens.create(&admin, &request).await.unwrap();
    let found = |search: &'static str| {
        let admin = admin.clone();
        async move {
            let query = TokenListQuery {
                search: Some(search.into()),
                ..TokenListQuery::default()
            };
            let page = core.tokens.list_page(&admin, &query).await.unwrap();
            page.data.into_iter().map(|t| t.name).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("été").await, ["ÉTÉ report"]);
    assert_eq!(found("ＲＥＰＯＲＴ").await, ["ÉTÉ report"]);
    assert_eq!(found("übersicht").await, ["plain"]);
    // The name sort pages by the same folded key.
    let by_name = TokenListQuery {
        sort: TokenSort::parse("name").unwrap(),
        limit: 1,
        ..TokenListQuery::default()
    };
    let first = core.tokens.list_page(&admin, &by_name).await.unwrap();
    assert_eq!(first.data[0].name, "plain");
    let next = TokenListQuery {
        after: first.next_cursor,
        ..by_name
    };
    let second = core.tokens.list_page(&admin, &next).await.unwrap();
    assert_eq!(second.data[0].name, "ÉTÉ report");
}

pub async fn the_audit_token_filter_finds_names_in_any_case_and_form(core: &Tollgate) {
    let admin = first_admin(core).await;
    core.tokens
        .create(
            &admin,
            &token_request("ÉTÉ report", TokenType::ReadOnly, vec![]),
        )
        .await
        .unwrap();
    for filter in ["été", "ＲＥＰＯＲＴ", "ÉTÉ"] {
        let query = AuditQuery {
            token: Some(filter.into()),
            ..AuditQuery::default()
        };
        let page = core.audit.page(&admin, &query).await.unwrap();
        let names: Vec<_> = page
            .entries
            .iter()
            .map(|e| e.target.as_ref().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["ÉTÉ report"], "{filter}");
    }
}

pub async fn role_names_conflict_whatever_their_case_or_form(core: &Tollgate) {
    let admin = first_admin(core).await;
    let role = |name: &str| RoleRequest {
        name: name.into(),
        permissions: vec![AdminPermission::ApiTokensRead],
    };
    core.roles.create(&admin, &role("Prüfer")).await.unwrap();
    assert_eq!(
        conflict_message(core.roles.create(&admin, &role("PRÜFER")).await),
        DUPLICATE_ROLE
    );
    assert_eq!(
        conflict_message(core.roles.create(&admin, &role("ｅｄｉｔｏｒ")).await),
        DUPLICATE_ROLE
    );
    assert!(core.store.role_named("prüfer").await.unwrap().is_some());
}

async fn exec(store: &Store, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match store {
        Store::Sqlite(pool) => drop(sqlx::raw_sql(sql).execute(pool).await.unwrap()),
        Store::Postgres(pool) => drop(sqlx::raw_sql(sql).execute(pool).await.unwrap()),
    }
}

/// Rows from before the folded columns (or from an older instance) get their keys when
/// the store migrates; two working names that only now count as alike both keep working
/// and stay found, and the next one is refused.
pub async fn rows_without_folded_names_are_filled_in_on_migrating(core: &Tollgate) {
    let admin = first_admin(core).await;
    for name in ["ÉTÉ", "été"] {
        let mut request = token_request(name, TokenType::ReadOnly, vec![]);
        request.description = "Über".into();
        let created = core.tokens.create(&admin, &request).await.unwrap();
        // As an older Tollgate would have left it.
        exec(
            &core.store,
            &format!(
                "UPDATE api_tokens SET name_fold = NULL, description_fold = NULL WHERE id = {}",
                created.token.id
            ),
        )
        .await;
        if name == "ÉTÉ" {
            exec(&core.store, "UPDATE roles SET name_fold = NULL").await;
        }
    }
    core.store.migrate().await.unwrap();
    let query = TokenListQuery {
        search: Some("über".into()),
        ..TokenListQuery::default()
    };
    let page = core.tokens.list_page(&admin, &query).await.unwrap();
    assert_eq!(page.data.len(), 2);
    let again = core
        .tokens
        .create(&admin, &token_request("Été", TokenType::ReadOnly, vec![]))
        .await;
    assert_eq!(conflict_message(again), DUPLICATE_NAME);
    assert!(core.store.role_named("VIEWER").await.unwrap().is_some());
}

store_tests!(
    a_nul_in_a_description_is_a_field_error_on_create,
    a_nul_in_a_description_is_a_field_error_on_edit,
    a_nul_in_the_list_search_is_a_field_error,
    a_nul_in_a_list_cursor_is_a_field_error,
    a_nul_in_the_sign_in_email_is_a_field_error,
    a_nul_in_a_new_admins_email_is_a_field_error,
    a_nul_in_the_audit_token_filter_is_a_field_error,
    a_document_string_may_hold_any_character,
    invisible_characters_in_names_and_descriptions_are_refused,
    names_with_nothing_visible_are_refused,
    token_names_conflict_whatever_their_case_or_form,
    search_finds_names_and_descriptions_in_any_case_and_form,
    role_names_conflict_whatever_their_case_or_form,
    the_audit_token_filter_finds_names_in_any_case_and_form,
    rows_without_folded_names_are_filled_in_on_migrating,
);
