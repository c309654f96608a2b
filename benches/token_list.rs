//! The token list at 100 000 tokens: `cargo bench -p tollgate --bench token_list`.
//! SQLite always; Postgres too when TOLLGATE_TEST_POSTGRES_URL is set (in a throwaway
//! schema). Prints the first page of each query and, for every sort, every page of a walk
//! through the whole list: keyset pages cost the same at the end as at the start.
//! Results: docs/PERFORMANCE.md.

use std::time::{Duration, Instant};

use chrono::Utc;
use tollgate::catalog::{Action, Permission};
use tollgate::model::{
    AdminPermission, AdminView, Metadata, Restrictions, RoleRef, SortColumn, SortDirection,
    TokenListParams, TokenListQuery, TokenSort, TokenType,
};
use tollgate::server_key::ServerKey;
use tollgate::store::{NewTokenRecord, Store};
use tollgate::tokens::mint::{Minted, mint};
use tollgate::{Settings, Tollgate};

const TOKENS: usize = 100_000;
const BATCH: usize = 5_000;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("list.db").display());
    run("SQLite", &sqlite).await;
    if let Ok(base) = std::env::var("TOLLGATE_TEST_POSTGRES_URL") {
        let schema = format!("bench_list_{}", std::process::id());
        raw(&base, &format!("CREATE SCHEMA {schema}")).await;
        let url = format!("{base}?options=-c%20search_path%3D{schema}");
        run("Postgres", &url).await;
        raw(&base, &format!("DROP SCHEMA {schema} CASCADE")).await;
    }
}

/// Runs `sql` on the base Postgres database, without migrating it (other checkouts may
/// own its schema).
async fn raw(url: &str, sql: &str) {
    let pool = sqlx::postgres::PgPool::connect(url).await.unwrap();
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    sqlx::raw_sql(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

async fn exec(store: &Store, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match store {
        Store::Sqlite(pool) => drop(sqlx::raw_sql(sql).execute(pool).await.unwrap()),
        Store::Postgres(pool) => drop(sqlx::raw_sql(sql).execute(pool).await.unwrap()),
    }
}

/// 100 000 tokens of every type, spread over creation times and expiries; a third used,
/// one in five never expiring, one in fifty revoked.
async fn seed(store: &Store, key: &ServerKey) {
    let now = Utc::now();
    let custom = [Permission::new("articles", Action::Find)];
    for start in (0..TOKENS).step_by(BATCH) {
        let minted: Vec<(String, Minted)> = (start..start + BATCH)
            .map(|n| (format!("token-{n:06}"), mint(key)))
            .collect();
        let (restrictions, metadata) = (Restrictions::default(), Metadata::default());
        let records: Vec<NewTokenRecord<'_>> = minted
            .iter()
            .enumerate()
            .map(|(i, (name, minted))| {
                let n = (start + i) as i64;
                let token_type = TokenType::ALL[(n % 3) as usize];
                NewTokenRecord {
                    name,
                    description: if n % 10 == 0 {
                        "nightly export"
                    } else {
                        "load test"
                    },
                    token_type,
                    permissions: if token_type == TokenType::Custom {
                        &custom
                    } else {
                        &[]
                    },
                    secret: minted.stored(),
                    created_by: None,
                    created_at: now - chrono::Duration::minutes(n),
                    expires_at: (n % 5 != 0).then(|| now + chrono::Duration::hours(n % 9000 - 500)),
                    restrictions: &restrictions,
                    metadata: &metadata,
                }
            })
            .collect();
        store.insert_tokens(&records).await.unwrap();
    }
    exec(
        store,
        "UPDATE api_tokens SET last_used_at = created_at WHERE id % 3 = 0",
    )
    .await;
    exec(
        store,
        "UPDATE api_tokens SET revoked_at = created_at, token_hash = NULL WHERE id % 50 = 0",
    )
    .await;
}

fn query(pairs: &[(&str, &str)]) -> TokenListQuery {
    let mut p = TokenListParams::default();
    for (name, value) in pairs {
        let value = Some((*value).to_owned());
        match *name {
            "search" => p.search = value,
            "type" => p.token_type = value,
            "status" => p.status = value,
            "sort" => p.sort = value,
            _ => unreachable!(),
        }
    }
    TokenListQuery::parse(&p).unwrap()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The median of `runs` first pages.
async fn first_page(core: &Tollgate, admin: &AdminView, q: &TokenListQuery) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..21 {
        let started = Instant::now();
        rows = core.tokens.list_page(admin, q).await.unwrap().data.len();
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], rows)
}

async fn run(backend: &str, url: &str) {
    let store = Store::open(url).await.unwrap();
    let key = ServerKey::generate();
    let started = Instant::now();
    seed(&store, &key).await;
    if backend == "Postgres" {
        exec(&store, "ANALYZE api_tokens").await; // what autovacuum does after a bulk load
    }
    println!(
        "\n## {backend}: {TOKENS} tokens seeded in {:.1?}\n",
        started.elapsed()
    );
    // What the first start after the `folded_names` migration does: fold every row.
    exec(
        &store,
        "UPDATE api_tokens SET name_fold = NULL, description_fold = NULL",
    )
    .await;
    let started = Instant::now();
    store.migrate().await.unwrap();
    println!(
        "names of {TOKENS} tokens folded in {:.1?}",
        started.elapsed()
    );
    let started = Instant::now();
    store.migrate().await.unwrap();
    println!("a start with nothing to fold: {:.1?}\n", started.elapsed());
    let core = Tollgate::new(store, key, Settings::default());
    // Only reading: an admin whose role may read tokens.
    let admin = AdminView {
        id: 0,
        email: String::new(),
        name: String::new(),
        role: RoleRef {
            id: 0,
            name: "bench".into(),
        },
        permissions: vec![AdminPermission::ApiTokensRead],
    };

    println!("| query (first page of 50) | rows | median |\n|---|---|---|");
    for pairs in [
        &[][..],
        &[("status", "revoked")],
        &[("status", "expired"), ("sort", "-expires_at")],
        &[("status", "active"), ("type", "custom"), ("sort", "name")],
        &[("search", "nightly"), ("sort", "-last_used_at")],
        &[("search", "token-09999")],
        &[("search", "no such token")],
    ] {
        let (median, rows) = first_page(&core, &admin, &query(pairs)).await;
        let label: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("| `{}` | {rows} | {} |", label.join("&"), ms(median));
    }

    println!(
        "\n| sort: walk of every page of 100 | pages | first | median | slowest | last |\n|---|---|---|---|---|---|"
    );
    for column in SortColumn::ALL {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let mut q = TokenListQuery {
                sort: TokenSort { column, direction },
                limit: 100,
                ..TokenListQuery::default()
            };
            let mut times = Vec::new();
            loop {
                let started = Instant::now();
                let page = core.tokens.list_page(&admin, &q).await.unwrap();
                times.push(started.elapsed());
                match page.next_cursor {
                    Some(cursor) => q.after = Some(cursor),
                    None => break,
                }
            }
            let (first, last) = (times[0], *times.last().unwrap());
            let pages = times.len();
            times.sort();
            println!(
                "| `{}` | {pages} | {} | {} | {} | {} |",
                q.sort.as_param(),
                ms(first),
                ms(times[pages / 2]),
                ms(times[pages - 1]),
                ms(last)
            );
        }
    }
    core.store.close().await;
}
