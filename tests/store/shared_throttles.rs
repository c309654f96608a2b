//! The throttles count across instances: two instances on one database give an attacker
//! the allowance of one (sign-in and leak reports exactly; bad tokens plus at most one
//! failure per other instance), and only failures write.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::DurationRound;

use tollgate::admins::sign_in_throttle::PER_ACCOUNT;
use tollgate::failure_throttle::{self, FailureWindows, SharedThrottle, ThrottleKind};
use tollgate::model::LeakReportRequest;
use tollgate::tokens::leaks::REPORTS_PER_WINDOW;

use super::*;

fn from(ip: &str) -> RequestOrigin {
    RequestOrigin::new(Some(ip.parse().unwrap()), None)
}

fn wrong_password(i: u32) -> SignInRequest {
    SignInRequest {
        email: "ada@example.com".into(),
        password: format!("wrong guess {i}"),
    }
}

/// Instance A for even attempts, B for odd ones: a round-robin load balancer.
fn round_robin<'a>(a: &'a Tollgate, b: &'a Tollgate, i: u32) -> &'a Tollgate {
    if i.is_multiple_of(2) { a } else { b }
}

/// Wrong passwords alternating between two instances (and addresses) lock the account
/// after five in all, not five on each; then the right one waits too, on both.
async fn wrong_passwords_alternating_between_instances_lock_after_five_in_all(db: &TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    first_admin(a).await;
    let mut answers = Vec::new();
    for i in 0..2 * PER_ACCOUNT {
        let origin = from(&format!("198.51.100.{i}"));
        let answer = round_robin(a, b, i)
            .admins
            .sign_in(&wrong_password(i), &origin)
            .await
            .unwrap_err();
        answers.push(match answer {
            ServiceError::BadCredentials { attempts_left } => attempts_left,
            ServiceError::TooManyAttempts(_) => None,
            other => panic!("attempt {i}: unexpected {other}"),
        });
    }
    assert_eq!(
        answers,
        [
            Some(4),
            Some(3),
            Some(2),
            Some(1),
            Some(0),
            None,
            None,
            None,
            None,
            None
        ],
        "checked while the shared count had room, counted down across instances"
    );
    let right = SignInRequest {
        email: "ada@example.com".into(),
        password: PASSWORD.into(),
    };
    for instance in [a, b] {
        let refused = instance.admins.sign_in(&right, &from("203.0.113.9")).await;
        assert!(
            matches!(refused, Err(ServiceError::TooManyAttempts(_))),
            "{refused:?}"
        );
    }
}

/// 200 wrong passwords at once, half through each instance: the reservation is one
/// conditional upsert, so no more than five are checked across both.
async fn racing_wrong_passwords_on_two_instances_get_five_checks_at_most(db: &TestDb) {
    let b = db.second_instance().await;
    first_admin(&db.core).await;
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..200u32 {
        let instance = round_robin(&db.core, &b, i).clone();
        attempts.spawn(async move {
            let ip = std::net::Ipv4Addr::from(0xC633_6400 + i); // 198.51.100.0 + i
            let origin = RequestOrigin::new(Some(ip.into()), None);
            instance.admins.sign_in(&wrong_password(i), &origin).await
        });
    }
    let (mut checked, mut throttled, mut busy) = (0, 0, 0);
    while let Some(answer) = attempts.join_next().await {
        match answer.unwrap() {
            Err(ServiceError::BadCredentials { .. }) => checked += 1,
            Err(ServiceError::TooManyAttempts(_)) => throttled += 1,
            Err(ServiceError::Busy(_)) => busy += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert!(
        checked + busy <= PER_ACCOUNT,
        "{checked} checked and {busy} busy across two instances; at most {PER_ACCOUNT} may be"
    );
    assert!(throttled >= 200 - PER_ACCOUNT, "{throttled} throttled");
}

/// The throttle itself, racing on two instances' pools: exactly the limit is granted.
async fn racing_reservations_from_two_instances_get_exactly_the_limit(db: &TestDb) {
    let b = db.second_instance().await;
    let throttle = |store: &Store| {
        let windows = FailureWindows::new(store.clone(), Arc::new(ServerKey::from_bytes(db.key)));
        SharedThrottle::new(
            ThrottleKind::SignInAccount,
            PER_ACCOUNT,
            std::time::Duration::from_secs(60),
        )
        .shared_through(windows)
    };
    let (on_a, on_b) = (throttle(&db.core.store), throttle(&b.store));
    let key = [42u8; 32];
    let mut racing = tokio::task::JoinSet::new();
    for i in 0..100u32 {
        let throttle = if i.is_multiple_of(2) { &on_a } else { &on_b }.clone();
        racing.spawn(async move { throttle.reserve(key).await.is_ok() });
    }
    let granted = racing.join_all().await.into_iter().filter(|ok| *ok).count();
    assert_eq!(granted, PER_ACCOUNT as usize);
    assert!(on_a.check(&key).is_err() && on_b.check(&key).is_err());
}

/// Invalid tokens alternating between two instances: each refuses from memory once it has
/// seen the shared window full, so the address gets the limit plus at most one failure
/// on the other instance (which learns of the full window as it counts it), not twice
/// the limit. Then every request from it waits, a valid token too, on both.
async fn bad_tokens_alternating_between_instances_are_refused_after_the_limit(db: &TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let admin = first_admin(a).await;
    let created = a
        .tokens
        .create(&admin, &token_request("good", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let ip: IpAddr = "198.51.100.66".parse().unwrap();
    let limit = failure_throttle::DEFAULT_LIMIT;
    let mut checked = 0;
    for i in 0..3 * limit {
        match round_robin(a, b, i)
            .verifier
            .authenticate(Some("tg_not-a-token"), Some(ip))
            .await
        {
            Err(Rejection::Malformed(_)) => checked += 1,
            Err(Rejection::Throttled { .. }) => {}
            other => panic!("request {i}: unexpected {other:?}"),
        }
    }
    assert!(
        (limit..=limit + 1).contains(&checked),
        "{checked} invalid tokens were checked across two instances; the limit is {limit}"
    );
    for instance in [a, b] {
        let refused = instance
            .verifier
            .authenticate(Some(created.secret.expose()), Some(ip))
            .await;
        assert!(
            matches!(refused, Err(Rejection::Throttled { .. })),
            "{refused:?}"
        );
    }
}

/// A valid token, verified again and again on both instances, writes no failure window;
/// one invalid token writes one.
async fn a_valid_token_request_writes_nothing(db: &TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let admin = first_admin(a).await;
    let created = a
        .tokens
        .create(&admin, &token_request("good", TokenType::ReadOnly, vec![]))
        .await
        .unwrap();
    let ip: IpAddr = "198.51.100.67".parse().unwrap();
    for i in 0..20 {
        round_robin(a, b, i)
            .verifier
            .authenticate(Some(created.secret.expose()), Some(ip))
            .await
            .unwrap();
    }
    assert_eq!(a.store.count_failure_windows().await.unwrap(), 0);
    let _ = b
        .verifier
        .authenticate(Some("tg_not-a-token"), Some(ip))
        .await
        .unwrap_err();
    assert_eq!(a.store.count_failure_windows().await.unwrap(), 1);
}

/// Leak reports from one address, alternating between instances: exactly the limit in
/// all, then both refuse.
async fn leak_reports_alternating_between_instances_get_the_limit_in_all(db: &TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    let nothing = LeakReportRequest {
        source: None,
        tokens: vec!["tg_nothing".into()],
    };
    let reporter = from("198.51.100.68");
    let mut received = 0;
    for i in 0..2 * REPORTS_PER_WINDOW {
        match round_robin(a, b, i)
            .tokens
            .report_leaked(&nothing, &reporter)
            .await
        {
            Ok(_) => received += 1,
            Err(ServiceError::TooManyReports(wait)) => assert!(wait.as_secs() > 0),
            Err(other) => panic!("report {i}: unexpected {other}"),
        }
    }
    assert_eq!(received, REPORTS_PER_WINDOW);
}

/// `tollgate admin reset-password` lifts the account's lock on every instance: the count
/// is in the database, so a restart no longer would, and the reset must.
async fn a_password_reset_lifts_the_lock_on_every_instance(db: &TestDb) {
    let (a, b) = (&db.core, &db.second_instance().await);
    first_admin(a).await;
    for i in 0..PER_ACCOUNT {
        let _ = a
            .admins
            .sign_in(&wrong_password(i), &from("198.51.100.69"))
            .await
            .unwrap_err();
    }
    let new_password = "a brand new passphrase";
    let new = SignInRequest {
        email: "ada@example.com".into(),
        password: new_password.into(),
    };
    assert!(matches!(
        b.admins.sign_in(&new, &from("203.0.113.9")).await,
        Err(ServiceError::TooManyAttempts(_))
    ));
    // The command line is a third process on the same database.
    let cli = db.second_instance().await;
    cli.admins
        .reset_password_from_command_line(" Ada@Example.com", new_password)
        .await
        .unwrap();
    for instance in [a, b] {
        instance
            .admins
            .sign_in(&new, &from("203.0.113.9"))
            .await
            .unwrap();
    }
}

/// An instance whose database write fails still throttles on its own count: the request
/// is answered as it would have been, never failed because the throttle could not write.
async fn an_instance_that_cannot_write_counts_alone(db: &TestDb) {
    let b = db.second_instance().await;
    b.store.close().await;
    let ip: IpAddr = "198.51.100.70".parse().unwrap();
    for _ in 0..failure_throttle::DEFAULT_LIMIT {
        assert!(matches!(
            b.verifier
                .authenticate(Some("tg_not-a-token"), Some(ip))
                .await,
            Err(Rejection::Malformed(_))
        ));
    }
    assert!(matches!(
        b.verifier
            .authenticate(Some("tg_not-a-token"), Some(ip))
            .await,
        Err(Rejection::Throttled { .. })
    ));
    assert_eq!(db.core.store.count_failure_windows().await.unwrap(), 0);
}

store_tests!(
    instances:
    wrong_passwords_alternating_between_instances_lock_after_five_in_all,
    racing_wrong_passwords_on_two_instances_get_five_checks_at_most,
    racing_reservations_from_two_instances_get_exactly_the_limit,
    bad_tokens_alternating_between_instances_are_refused_after_the_limit,
    a_valid_token_request_writes_nothing,
    leak_reports_alternating_between_instances_get_the_limit_in_all,
    a_password_reset_lifts_the_lock_on_every_instance,
    an_instance_that_cannot_write_counts_alone,
);

/// A window, with the clock set by hand: full after the limit, restarted once closed,
/// forgiven only in its own window, and purged once closed.
async fn a_closed_window_restarts_and_is_purged(core: &Tollgate) {
    let store = &core.store;
    let (kind, subject) = ("sign-in-account", &[1u8; 32][..]);
    let window = Duration::seconds(60);
    let t0 = Utc::now().duration_trunc(Duration::seconds(1)).unwrap();
    for expected in 1..=3 {
        let counted = store
            .count_failure(kind, subject, t0, window)
            .await
            .unwrap();
        assert_eq!(counted.failures, expected);
        assert_eq!(
            counted.closes_at,
            t0 + window,
            "the first failure opened it"
        );
    }
    let later = t0 + Duration::seconds(10);
    let full = store
        .reserve_failure(kind, subject, 3, later, window)
        .await
        .unwrap();
    assert_eq!(full, Err(t0 + window), "full: refused until it closes");
    let not_full = store
        .reserve_failure(kind, subject, 4, later, window)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(not_full.failures, 4);

    let reopened = store
        .reserve_failure(kind, subject, 3, t0 + window, window)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reopened.failures, 1, "a closed window restarts at one");
    assert_eq!(reopened.closes_at, t0 + window + window);
    // A forgiveness owed to the old window takes nothing from the new one.
    store
        .forgive_failure(kind, subject, t0 + window)
        .await
        .unwrap();
    let again = store
        .count_failure(kind, subject, t0 + window, window)
        .await
        .unwrap();
    assert_eq!(again.failures, 2);

    assert_eq!(
        store
            .purge_closed_failure_windows(t0 + window)
            .await
            .unwrap(),
        0,
        "still open"
    );
    core.tokens.run_lifecycle_jobs(t0 + window + window).await;
    assert_eq!(store.count_failure_windows().await.unwrap(), 0, "purged");
}

store_tests!(a_closed_window_restarts_and_is_purged);
