//! Reviewing the inventory: the unused and creator filters, the "Created by" choices, and
//! the export, which pages through every matching token once and in order.

use chrono::{DateTime, Duration, Utc};
use tollgate::admins::actor::Actor;
use tollgate::model::{
    AdminStatus, AuditAction, AuditQuery, CreatorFilter, ExportFormat, RoleRequest, TokenListQuery,
    TokenSort, TokenType, UnusedFor,
};
use tollgate::tokens::export::EXPORT_PAGE;
use tollgate::{ServiceError, Tollgate};

use super::access::add_and_sign_in;
use super::{first_admin, token_request};

/// Sets a token's creation and last use, as time passing would have.
pub(super) async fn backdate(
    core: &Tollgate,
    id: i64,
    created: DateTime<Utc>,
    last_used: Option<DateTime<Utc>>,
) {
    let sql = "UPDATE api_tokens SET created_at = $1, last_used_at = $2 WHERE id = $3";
    execute!(
        core,
        sqlx::query(sql).bind(created).bind(last_used).bind(id)
    );
}

async fn names_listed(core: &Tollgate, by: &Actor, query: TokenListQuery) -> Vec<String> {
    let query = TokenListQuery {
        sort: TokenSort::parse("name").unwrap(),
        ..query
    };
    let page = core.tokens.list_page(by, &query).await.unwrap();
    page.data.into_iter().map(|t| t.name).collect()
}

pub async fn unused_counts_from_the_last_use_or_else_from_creation(core: &Tollgate) {
    let ada = first_admin(core).await;
    let now = Utc::now();
    let days = |n| now - Duration::days(n);
    for (name, created, last_used) in [
        ("fresh-never-used", days(0), None),
        ("40-days-never-used", days(40), None),
        ("100-days-never-used", days(100), None),
        ("old-used-yesterday", days(100), Some(days(1))),
        ("old-used-60-days-ago", days(200), Some(days(60))),
        ("old-used-29-days-ago", days(200), Some(days(29))),
    ] {
        let request = token_request(name, TokenType::ReadOnly, vec![]);
        let id = core.tokens.create(&ada, &request).await.unwrap().token.id;
        backdate(core, id, created, last_used).await;
    }
    let unused = |unused| TokenListQuery {
        unused: Some(unused),
        ..TokenListQuery::default()
    };
    assert_eq!(
        names_listed(core, &ada, unused(UnusedFor::Days30)).await,
        [
            "100-days-never-used",
            "40-days-never-used",
            "old-used-60-days-ago"
        ]
    );
    assert_eq!(
        names_listed(core, &ada, unused(UnusedFor::Days90)).await,
        ["100-days-never-used"]
    );
    // Least recently used first: never used counts as the oldest use of all.
    let by_last_use = TokenListQuery {
        sort: TokenSort::parse("last_used_at").unwrap(),
        ..unused(UnusedFor::Days30)
    };
    let page = core.tokens.list_page(&ada, &by_last_use).await.unwrap();
    let order: Vec<_> = page.data.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        order,
        [
            "40-days-never-used",
            "100-days-never-used",
            "old-used-60-days-ago"
        ],
        "never used first (tied, by id), then the oldest use"
    );
}

pub async fn tokens_filter_by_creator_and_by_creators_who_are_gone(core: &Tollgate) {
    let ada = first_admin(core).await;
    let eddie = Actor::trusted(add_and_sign_in(core, &ada, "Eddie", "Editor").await.admin);
    let dora = Actor::trusted(add_and_sign_in(core, &ada, "Dora", "Editor").await.admin);
    let rita = Actor::trusted(add_and_sign_in(core, &ada, "Rita", "Editor").await.admin);
    // Never made a token: not a choice.
    add_and_sign_in(core, &ada, "Vera", "Viewer").await;
    for (by, name) in [
        (&ada, "ada-1"),
        (&eddie, "eddie-1"),
        (&eddie, "eddie-2"),
        (&dora, "dora-1"),
        (&rita, "rita-1"),
    ] {
        let request = token_request(name, TokenType::ReadOnly, vec![]);
        core.tokens.create(by, &request).await.unwrap();
    }
    // Tokens no admin made have no creator, so are never "gone".
    core.tokens.seed_for_load_test(2, 0).await.unwrap();
    core.admins.deactivate(&ada, dora.id).await.unwrap();
    core.admins.remove(&ada, rita.id).await.unwrap();

    let by = |creator| TokenListQuery {
        created_by: Some(creator),
        ..TokenListQuery::default()
    };
    assert_eq!(
        names_listed(core, &ada, by(CreatorFilter::Admin(eddie.id))).await,
        ["eddie-1", "eddie-2"]
    );
    assert_eq!(
        names_listed(core, &ada, by(CreatorFilter::Admin(rita.id))).await,
        ["rita-1"],
        "a removed admin's tokens are still theirs"
    );
    assert_eq!(
        names_listed(core, &ada, by(CreatorFilter::Gone)).await,
        ["dora-1", "rita-1"]
    );
    assert!(
        names_listed(core, &ada, by(CreatorFilter::Admin(999_999)))
            .await
            .is_empty()
    );

    let creators: Vec<_> = core
        .tokens
        .creators(&ada)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.status))
        .collect();
    assert_eq!(
        creators,
        [
            ("Ada Admin".to_owned(), AdminStatus::Active),
            ("Dora".to_owned(), AdminStatus::Deactivated),
            ("Eddie".to_owned(), AdminStatus::Active),
            ("Rita".to_owned(), AdminStatus::Removed),
        ]
    );
}

/// Every chunk of an export, and the whole of it.
async fn export_all(
    core: &Tollgate,
    by: &Actor,
    query: &TokenListQuery,
    format: ExportFormat,
) -> (usize, String) {
    let mut export = core.tokens.export(by, query, format).await.unwrap();
    let mut chunks = 0;
    let mut out = String::new();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        chunks += 1;
        out.push_str(&chunk);
    }
    (chunks, out)
}

/// The ids of a CSV export's rows (the first column; seeded names hold no commas).
fn csv_ids(csv: &str) -> Vec<i64> {
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "id,name,description,type,status,permissions,created_at,created_by,last_used_at,last_used_ip,expires_at,revoked_at,restrictions"
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect()
}

pub async fn an_export_pages_through_every_matching_token_once_in_order(core: &Tollgate) {
    let ada = first_admin(core).await;
    const SEEDED: usize = 2_345;
    core.tokens.seed_for_load_test(SEEDED, 0).await.unwrap();
    let mut everything = Vec::new();
    let mut query = TokenListQuery {
        limit: tollgate::model::MAX_LIMIT,
        ..TokenListQuery::default()
    };
    loop {
        let page = core.tokens.list_page(&ada, &query).await.unwrap();
        everything.extend(page.data);
        match page.next_cursor {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    assert_eq!(everything.len(), SEEDED);

    // CSV, newest first (the list's default): the list's order, every row once.
    let (chunks, csv) = export_all(core, &ada, &TokenListQuery::default(), ExportFormat::Csv).await;
    let listed: Vec<i64> = everything.iter().map(|t| t.id).collect();
    assert_eq!(csv_ids(&csv), listed);
    assert_eq!(
        chunks,
        SEEDED.div_ceil(EXPORT_PAGE as usize),
        "one chunk per page of {EXPORT_PAGE}, never everything at once"
    );
    assert!(!csv.contains("tg_"), "no value or hint in an export");

    // JSON by name: a valid array, sorted like the list sorts.
    let by_name = TokenListQuery {
        sort: TokenSort::parse("-name").unwrap(),
        ..TokenListQuery::default()
    };
    let (_, json) = export_all(core, &ada, &by_name, ExportFormat::Json).await;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.len(), SEEDED);
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let mut expected = names.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(names, expected);
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "created_at",
            "created_by",
            "description",
            "expires_at",
            "id",
            "last_used_at",
            "last_used_ip",
            "name",
            "permissions",
            "restrictions",
            "revoked_at",
            "status",
            "type"
        ]
    );
    assert!(!json.contains("tg_") && !json.contains("hash") && !json.contains("hint"));
}

pub async fn an_export_keeps_to_the_view_and_is_audited(core: &Tollgate) {
    let ada = first_admin(core).await;
    for name in ["=HYPERLINK(\"evil\")", "plain, with comma"] {
        let request = token_request(name, TokenType::FullAccess, vec![]);
        core.tokens.create(&ada, &request).await.unwrap();
    }
    core.tokens.seed_for_load_test(3, 0).await.unwrap();
    let mine = TokenListQuery {
        created_by: Some(CreatorFilter::Admin(ada.id)),
        ..TokenListQuery::default()
    };
    let (_, csv) = export_all(core, &ada, &mine, ExportFormat::Csv).await;
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "the header and Ada's two tokens: {csv}");
    assert!(lines[1].contains(",\"plain, with comma\",for tests,full-access,active,"));
    assert!(lines[2].contains(",\"'=HYPERLINK(\"\"evil\"\")\",for tests,"));
    assert!(lines[1].contains(",Ada Admin,"), "{}", lines[1]);

    let exports = AuditQuery {
        action: Some(AuditAction::TokenExport),
        ..AuditQuery::default()
    };
    let entries = core.audit.page(&ada, &exports).await.unwrap().entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_name, "Ada Admin");
    assert_eq!(
        entries[0].detail,
        format!("format=csv created_by={} sort=-created_at", ada.id)
    );
}

pub async fn exporting_needs_api_tokens_read(core: &Tollgate) {
    let ada = first_admin(core).await;
    let role = RoleRequest {
        name: "Auditor".into(),
        permissions: vec![tollgate::model::AdminPermission::AuditRead],
    };
    core.roles.create(&ada, &role).await.unwrap();
    let otto = Actor::trusted(add_and_sign_in(core, &ada, "Otto", "Auditor").await.admin);
    let refused = core
        .tokens
        .export(&otto, &TokenListQuery::default(), ExportFormat::Csv)
        .await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(_))));
    assert!(matches!(
        core.tokens.creators(&otto).await,
        Err(ServiceError::Forbidden(_))
    ));
    let exports = AuditQuery {
        action: Some(AuditAction::TokenExport),
        ..AuditQuery::default()
    };
    assert!(
        core.audit
            .page(&ada, &exports)
            .await
            .unwrap()
            .entries
            .is_empty(),
        "a refused export is no export"
    );
}

store_tests!(
    unused_counts_from_the_last_use_or_else_from_creation,
    tokens_filter_by_creator_and_by_creators_who_are_gone,
    an_export_pages_through_every_matching_token_once_in_order,
    an_export_keeps_to_the_view_and_is_audited,
    exporting_needs_api_tokens_read,
);
