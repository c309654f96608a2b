//! Sign-in under attack: racing wrong passwords, and every password check throttled.

use tollgate::admins::actor::RequestOrigin;
use tollgate::admins::sign_in_throttle::PER_ACCOUNT;
use tollgate::model::{AuditAction, AuditQuery, ChangePasswordRequest, SignInRequest};
use tollgate::{ServiceError, Tollgate};

use super::{PASSWORD, first_admin};

/// 200 wrong passwords for one account at once: the attempt is counted before the hash is
/// checked, so no more than five are ever checked; the rest are refused without hashing.
pub async fn racing_wrong_passwords_get_five_checks_at_most(core: &Tollgate) {
    first_admin(core).await;
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..200u32 {
        let core = core.clone();
        attempts.spawn(async move {
            // Many addresses, so only the account's own count can refuse them.
            let ip = std::net::Ipv4Addr::from(0xC633_6400 + i); // 198.51.100.0 + i
            let origin = RequestOrigin::new(Some(ip.into()), None);
            let wrong = SignInRequest {
                email: "ada@example.com".into(),
                password: format!("wrong guess {i}"),
            };
            core.admins.sign_in(&wrong, &origin).await.map(|_| ())
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
    eprintln!("200 racing wrong passwords: {checked} checked, {throttled} throttled, {busy} busy");
    assert!(
        checked + busy <= PER_ACCOUNT,
        "{checked} wrong passwords checked (and {busy} waited for a hashing slot); at most {PER_ACCOUNT} may be"
    );
    assert!(throttled >= 200 - PER_ACCOUNT, "{throttled} throttled");
    let hashing = core.admins.password_hashing();
    assert!(
        hashing.peak() <= hashing.slots(),
        "{} password hashes ran at once, with {} slots",
        hashing.peak(),
        hashing.slots()
    );
}

/// A wrong current password when changing one's own password is a failed sign-in: counted
/// with the account's other failures and written to the audit log.
pub async fn a_wrong_current_password_counts_as_a_failed_sign_in(core: &Tollgate) {
    let admin = first_admin(core).await;
    let origin = RequestOrigin::new(Some("192.0.2.44".parse().unwrap()), None);
    let session = core
        .admins
        .sign_in(
            &SignInRequest {
                email: "ada@example.com".into(),
                password: PASSWORD.into(),
            },
            &origin,
        )
        .await
        .unwrap();
    let wrong = ChangePasswordRequest {
        current_password: "not my password".into(),
        password: "a brand new passphrase".into(),
        password_confirm: "a brand new passphrase".into(),
    };
    for _ in 0..PER_ACCOUNT {
        let err = core
            .admins
            .change_own_password(&session.secret, origin.clone(), &wrong)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Invalid(e) if e[0].field == "current_password"),
            "{err}"
        );
    }
    // Now even the right current password waits, and so does signing in.
    let right = ChangePasswordRequest {
        current_password: PASSWORD.into(),
        ..wrong
    };
    let refused = core
        .admins
        .change_own_password(&session.secret, origin.clone(), &right)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ServiceError::TooManyAttempts(_)),
        "{refused}"
    );
    let elsewhere = RequestOrigin::new(Some("203.0.113.9".parse().unwrap()), None);
    let sign_in = core
        .admins
        .sign_in(
            &SignInRequest {
                email: "ada@example.com".into(),
                password: PASSWORD.into(),
            },
            &elsewhere,
        )
        .await;
    assert!(
        matches!(sign_in, Err(ServiceError::TooManyAttempts(_))),
        "{sign_in:?}"
    );

    let log = core
        .audit
        .page(&admin, &AuditQuery::default())
        .await
        .unwrap();
    let failed = log
        .entries
        .iter()
        .filter(|e| e.action == AuditAction::PasswordConfirmFailed)
        .count();
    assert_eq!(
        failed, PER_ACCOUNT as usize,
        "each wrong password is audited"
    );
}

store_tests!(
    racing_wrong_passwords_get_five_checks_at_most,
    a_wrong_current_password_counts_as_a_failed_sign_in,
);
