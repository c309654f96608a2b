//! Revocation through a database outage: two instances on a private Postgres cluster that
//! the test stops and starts (never the shared one).

use std::time::{Duration, Instant};

use tollgate::cache::Trust;
use tollgate::feed::ReconnectGate;
use tollgate::key::ServerKey;
use tollgate::model::{CreatedToken, TokenType};
use tollgate::store::Store;
use tollgate::verify::Rejection;
use tollgate::{Settings, Tollgate};

use super::private_postgres::PrivatePostgres;
use super::{first_admin, token_request};

/// How late another instance may still accept a revoked token, counted from the later of
/// the revoke and the database answering again.
const PROPAGATION: Duration = Duration::from_secs(1);

async fn instance(url: &str, key: [u8; 32]) -> Tollgate {
    let store = Store::open(url).await.unwrap();
    Tollgate::new(store, ServerKey::from_bytes(key), Settings::default())
}

/// B caches 30 tokens, Postgres restarts, and B's feed is held back from listening again
/// until the test says (the 0.9–1.3 s gap a real reconnect leaves, made on purpose, and
/// longer). While it is held, B goes on verifying 20 of the tokens and A revokes each right
/// after; once released, A revokes the other 10. B must refuse every one within a second,
/// listening or not, and still refuse them once it answers from its cache again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tokens_revoked_while_another_instance_reconnects_are_refused_there() {
    let pg = PrivatePostgres::start();
    let key: [u8; 32] = ServerKey::generate().bytes().try_into().unwrap();
    let a = instance(&pg.url(), key).await;
    let b = instance(&pg.url(), key).await;
    let follow_a = tokio::spawn(a.follow_token_changes().await.unwrap());
    let gate = ReconnectGate::default();
    let follow_b = tokio::spawn(b.follow_token_changes_gated(gate.clone()).await.unwrap());

    let admin = first_admin(&a).await;
    let mut tokens: Vec<CreatedToken> = Vec::new();
    for i in 0..30 {
        let request = token_request(&format!("t{i}"), TokenType::ReadOnly, vec![]);
        tokens.push(a.tokens.create(&admin, &request).await.unwrap());
    }
    for token in &tokens {
        b.verifier
            .authenticate(Some(token.secret.expose()), None)
            .await
            .unwrap();
    }

    gate.hold();
    pg.stop();
    wait_until(|| b.database_away()).await;
    pg.start_again();
    let back = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), gate.reached())
        .await
        .expect("B's feed reconnects and waits at the gate");

    // The gap: Postgres answers, B is not listening yet.
    let mut revoked = Vec::new();
    for token in &tokens[..20] {
        let secret = Some(token.secret.expose());
        b.verifier.authenticate(secret, None).await.unwrap();
        a.tokens.revoke(&admin, token.token.id).await.unwrap();
        revoked.push((token, Instant::now()));
    }
    // …for longer than B may take to refuse them, verifications going on all along.
    let gap_ends = revoked.last().unwrap().1.max(back) + PROPAGATION;
    while Instant::now() < gap_ends {
        for (token, _) in &revoked {
            let _ = b
                .verifier
                .authenticate(Some(token.secret.expose()), None)
                .await;
        }
    }
    let mut accepted = still_accepted(&b, &revoked, back).await;
    gate.release();
    // Right after.
    let mut after = Vec::new();
    for token in &tokens[20..] {
        let secret = Some(token.secret.expose());
        let _ = b.verifier.authenticate(secret, None).await;
        a.tokens.revoke(&admin, token.token.id).await.unwrap();
        after.push((token, Instant::now()));
    }
    // The first 20 again: B listens now and answers from its cache.
    wait_until(|| b.cache_trust() == Trust::Current).await;
    revoked.extend(after);
    accepted.extend(still_accepted(&b, &revoked, back).await);
    accepted.sort();
    accepted.dedup();
    assert!(
        accepted.is_empty(),
        "B still accepted {} of {} revoked tokens a second after the revoke: {accepted:?}",
        accepted.len(),
        revoked.len()
    );

    follow_a.abort();
    follow_b.abort();
    let _ = (follow_a.await, follow_b.await);
    a.store.close().await;
    b.store.close().await;
}

/// Polls `done` (yielding in between) for up to ten seconds.
async fn wait_until(done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The names of the `revoked` tokens (each with when) that `b` still accepts a
/// [`PROPAGATION`] after the later of its revoke and `back`.
async fn still_accepted(
    b: &Tollgate,
    revoked: &[(&CreatedToken, Instant)],
    back: Instant,
) -> Vec<String> {
    let mut accepted = Vec::new();
    for (token, at) in revoked {
        let deadline = (*at).max(back) + PROPAGATION;
        let secret = Some(token.secret.expose());
        loop {
            match b.verifier.authenticate(secret, None).await {
                Err(Rejection::Unknown) => break,
                Ok(_) if Instant::now() < deadline => tokio::task::yield_now().await,
                Ok(_) => {
                    accepted.push(token.token.name.clone());
                    break;
                }
                Err(other) => panic!("{}: unexpected {other:?}", token.token.name),
            }
        }
    }
    accepted
}
