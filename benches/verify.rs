//! The hot path, piece by piece: `cargo bench -p tollgate --bench verify`.
//! Numbers and the machine they were measured on: docs/PERFORMANCE.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tollgate::catalog::{Action, Permission};
use tollgate::model::{
    Metadata, NewAdminRequest, NewTokenRequest, Quota, QuotaRefill, RateLimit, RatePeriod,
    Restrictions, TokenLifetime, TokenType,
};
use tollgate::server_key::ServerKey;
use tollgate::store::Store;
use tollgate::tokens::format::PlainToken;
use tollgate::{Settings, Tollgate};

fn parse_and_hash(c: &mut Criterion) {
    let key = ServerKey::generate();
    let token = PlainToken::generate().into_exposed();
    c.bench_function("parse + checksum", |b| {
        b.iter(|| PlainToken::parse(black_box(&token)).unwrap())
    });
    c.bench_function("parse + checksum + HMAC", |b| {
        b.iter(|| PlainToken::parse(black_box(&token)).unwrap().hash(&key))
    });
    let garbage = format!("{}x", &token[..token.len() - 1]);
    c.bench_function("refuse a typo (checksum)", |b| {
        b.iter(|| PlainToken::parse(black_box(&garbage)).unwrap_err())
    });
}

/// Every restriction a working token can carry, none of which refuses the bench's client
/// (192.0.2.1): the most work a cache hit does.
fn every_restriction() -> (Restrictions, Metadata) {
    let restrictions = Restrictions {
        allowed_networks: vec![
            "10.0.0.0/8".into(),
            "2001:db8::/32".into(),
            "198.51.100.0/24".into(),
            "192.0.2.0/24".into(),
        ],
        rate_limit: Some(RateLimit {
            requests: 1_000_000,
            per: RatePeriod::Second,
        }),
        quota: Some(Quota {
            requests: 1_000_000_000_000,
            refill: Some(QuotaRefill::Monthly),
        }),
        not_before: Some(chrono::Utc::now() - chrono::Duration::days(1)),
    };
    let metadata = serde_json::json!({"customer": "acme", "plan": "pro"});
    let serde_json::Value::Object(map) = metadata else {
        unreachable!()
    };
    (restrictions, Metadata(map))
}

/// A core on a throwaway SQLite database with read-only tokens: one unrestricted, and
/// `restricted` with [`every_restriction`].
fn core_with_tokens(
    runtime: &tokio::runtime::Runtime,
    restricted: usize,
) -> (Tollgate, String, Vec<String>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    runtime.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let core = Tollgate::new(store, ServerKey::generate(), Settings::default());
        let password = "correct horse battery staple".to_owned();
        let admin = core
            .admins
            .create_first(
                &NewAdminRequest {
                    email: "bench@example.com".into(),
                    name: "Bench".into(),
                    password: password.clone(),
                    password_confirm: password,
                },
                &tollgate::admins::actor::RequestOrigin::default(),
            )
            .await
            .unwrap()
            .admin;
        let admin = tollgate::admins::actor::Actor::trusted(admin);
        let request = NewTokenRequest {
            name: "bench".into(),
            description: String::new(),
            lifetime: Some(TokenLifetime::Unlimited),
            token_type: TokenType::ReadOnly,
            permissions: Vec::new(),
            ..Default::default()
        };
        let plain = core.tokens.create(&admin, &request).await.unwrap();
        let (restrictions, metadata) = every_restriction();
        let mut values = Vec::new();
        for n in 0..restricted {
            let request = NewTokenRequest {
                name: format!("bench, restricted {n}"),
                restrictions: restrictions.clone(),
                metadata: metadata.clone(),
                ..request.clone()
            };
            let created = core.tokens.create(&admin, &request).await.unwrap();
            values.push(created.secret.expose().to_owned());
        }
        (core, plain.secret.expose().to_owned(), values, dir)
    })
}

fn verify(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (core, token, restricted, _dir) = core_with_tokens(&runtime, 1);
    let restricted = &restricted[0];
    let needed = Permission::new("articles", Action::FindOne);
    let client = Some("192.0.2.1".parse().unwrap());

    c.bench_function("full verify, cache hit", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    core.verifier
                        .verify(Some(black_box(&token)), client, &needed),
                )
                .unwrap()
        })
    });
    c.bench_function("full verify, cache hit, every restriction", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    core.verifier
                        .verify(Some(black_box(restricted)), client, &needed),
                )
                .unwrap()
        })
    });
    // A well-formed token nobody issued: the cache cannot help, one indexed read.
    let unknown = PlainToken::generate().into_exposed();
    c.bench_function("verify an unknown token (database read)", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    core.verifier
                        .verify(Some(black_box(&unknown)), None, &needed),
                )
                .unwrap_err()
        })
    });
}

/// Cache hits from several threads at once, as the server's worker threads make them:
/// whatever the verifier shares (the cache, the usage counters, the throttles, the rate
/// and quota leases) shows here as contention. Reported per verification: with no
/// contention, N threads take 1/N of one thread's time each. The unrestricted token is the
/// same on every thread (one hot entry); each thread has a restricted token of its own,
/// since one token's rate limit (at most a million a second) is less than two threads ask.
fn verify_from_several_threads(c: &mut Criterion) {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    // A runtime whose own workers drive the database and timers while the bench's threads
    // block on verifications (as axum's workers would).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap();
    let (core, token, restricted, _dir) = core_with_tokens(&runtime, threads);
    let needed = Permission::new("articles", Action::FindOne);
    let client = Some("192.0.2.1".parse().unwrap());
    let verify = |token: &str| {
        runtime
            .block_on(
                core.verifier
                    .verify(Some(black_box(token)), client, &needed),
            )
            .unwrap()
    };
    let same = vec![token; threads];
    let mut group = c.benchmark_group(format!("full verify, cache hit, {threads} threads at once"));
    for (name, tokens) in [
        ("no restriction", &same),
        ("every restriction", &restricted),
    ] {
        tokens.iter().for_each(|token| drop(verify(token))); // into the cache
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let each = iterations.div_ceil(threads as u64);
                let start = std::time::Instant::now();
                std::thread::scope(|scope| {
                    for token in tokens {
                        scope.spawn(|| (0..each).for_each(|_| drop(verify(token))));
                    }
                });
                start.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse_and_hash, verify, verify_from_several_threads);
criterion_main!(benches);
