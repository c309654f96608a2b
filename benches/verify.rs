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

/// A core on a throwaway SQLite database with two read-only tokens: one unrestricted,
/// one with [`every_restriction`].
fn core_with_tokens(
    runtime: &tokio::runtime::Runtime,
) -> (Tollgate, String, String, tempfile::TempDir) {
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
        let request = NewTokenRequest {
            name: "bench, restricted".into(),
            restrictions,
            metadata,
            ..request
        };
        let restricted = core.tokens.create(&admin, &request).await.unwrap();
        (
            core,
            plain.secret.expose().to_owned(),
            restricted.secret.expose().to_owned(),
            dir,
        )
    })
}

fn verify(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (core, token, restricted, _dir) = core_with_tokens(&runtime);
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
                        .verify(Some(black_box(&restricted)), client, &needed),
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

criterion_group!(benches, parse_and_hash, verify);
criterion_main!(benches);
