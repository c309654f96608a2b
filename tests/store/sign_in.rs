//! Setting up the first admin, signing in, sessions, and the failed sign-in throttle.
//! Each function runs on both backends through `store_tests!`.

use super::*;
use crate::access::add_and_sign_in;

async fn the_first_admin_can_be_created_exactly_once(core: &Tollgate) {
    assert!(core.admins.needs_setup().await.unwrap());
    let session = core
        .admins
        .create_first(&admin_request(), &RequestOrigin::default())
        .await
        .unwrap();
    assert_eq!(session.admin.email, "ada@example.com");
    assert!(!core.admins.needs_setup().await.unwrap());

    let mut second = admin_request();
    second.email = "eve@example.com".into();
    assert!(matches!(
        core.admins
            .create_first(&second, &RequestOrigin::default())
            .await,
        Err(ServiceError::AlreadySetUp)
    ));
    assert_eq!(core.store.count_admins().await.unwrap(), 1);
}

async fn racing_first_admin_requests_create_one_admin(core: &Tollgate) {
    let ada = admin_request();
    let mut eve = admin_request();
    eve.email = "eve@example.com".into();
    let here = RequestOrigin::default();
    let (a, b) = tokio::join!(
        core.admins.create_first(&ada, &here),
        core.admins.create_first(&eve, &here)
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1);
    assert_eq!(core.store.count_admins().await.unwrap(), 1);
}

async fn sign_in_needs_the_right_email_and_password(core: &Tollgate) {
    first_admin(core).await;
    let sign_in = |email: &str, password: &str| SignInRequest {
        email: email.into(),
        password: password.into(),
    };
    let ok = core
        .admins
        .sign_in(
            &sign_in(" ADA@example.com", PASSWORD),
            &RequestOrigin::default(),
        )
        .await
        .unwrap();
    assert_eq!(ok.admin.name, "Ada Admin");
    for (email, password) in [
        ("ada@example.com", "wrong password!"),
        ("bob@example.com", PASSWORD),
        ("", ""),
    ] {
        let err = core
            .admins
            .sign_in(&sign_in(email, password), &RequestOrigin::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::BadCredentials { .. }),
            "{email}: {err}"
        );
    }
}

async fn sessions_last_until_sign_out(core: &Tollgate) {
    let session = core
        .admins
        .create_first(&admin_request(), &RequestOrigin::default())
        .await
        .unwrap();
    let found = core.admins.session(&session.secret).await.unwrap().unwrap();
    assert_eq!(found, session.admin);
    core.admins
        .sign_out(&session.secret, RequestOrigin::default())
        .await
        .unwrap();
    assert_eq!(core.admins.session(&session.secret).await.unwrap(), None);
}

async fn expired_sessions_are_refused(core: &Tollgate) {
    first_admin(core).await;
    let short = tollgate::admins::Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::seconds(-1),
            idle: Duration::hours(1),
            reconfirm_window: None,
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    );
    let session = short
        .sign_in(
            &SignInRequest {
                email: "ada@example.com".into(),
                password: PASSWORD.into(),
            },
            &RequestOrigin::default(),
        )
        .await
        .unwrap();
    assert_eq!(core.admins.session(&session.secret).await.unwrap(), None);
    assert_eq!(
        core.admins.purge_expired_sessions().await.unwrap(),
        0,
        "the expired session was already removed"
    );
}

/// The sixth wrong password for an account is not even checked, and an unknown email is
/// answered exactly like a known one; another address may still try other accounts.
async fn failed_sign_ins_close_the_account_and_the_address_alike(core: &Tollgate) {
    first_admin(core).await;
    let attacker = &RequestOrigin::new(Some("198.51.100.7".parse().unwrap()), None);
    let attempt = |email: &'static str, password: &'static str| SignInRequest {
        email: email.into(),
        password: password.into(),
    };
    for email in ["ada@example.com", "nobody@example.com"] {
        for _ in 0..tollgate::admins::sign_in_throttle::PER_ACCOUNT {
            let err = core
                .admins
                .sign_in(&attempt(email, "wrong password!"), attacker)
                .await
                .unwrap_err();
            assert!(matches!(err, ServiceError::BadCredentials { .. }), "{err}");
        }
        let refused = core
            .admins
            .sign_in(&attempt(email, PASSWORD), attacker)
            .await
            .unwrap_err();
        let ServiceError::TooManyAttempts(retry_after) = refused else {
            panic!("{email}: expected TooManyAttempts, got {refused}");
        };
        assert!(retry_after.as_secs() > 0);
        assert!(
            refused.to_string().contains("Try again in 15 minutes"),
            "{refused}"
        );
    }
    // The right password from elsewhere still waits: the account itself is closed.
    let elsewhere = &RequestOrigin::new(Some("203.0.113.9".parse().unwrap()), None);
    assert!(matches!(
        core.admins
            .sign_in(&attempt("ada@example.com", PASSWORD), elsewhere)
            .await,
        Err(ServiceError::TooManyAttempts(_))
    ));
}

/// A session unused for longer than the idle timeout ends even within its lifetime; "sign
/// out everywhere" ends every session of that admin and no one else's.
async fn an_idle_session_ends_and_sign_out_everywhere_ends_them_all(core: &Tollgate) {
    let ada = first_admin(core).await;
    let patient = tollgate::admins::Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::hours(12),
            idle: Duration::hours(1),
            reconfirm_window: None,
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    );
    let impatient = tollgate::admins::Admins::new(
        core.store.clone(),
        SessionSettings {
            ttl: Duration::hours(12),
            idle: Duration::seconds(-1),
            reconfirm_window: None,
        },
        SignInThrottle::default(),
        Audit::new(core.store.clone()),
    );
    let sign_in = || SignInRequest {
        email: "ada@example.com".into(),
        password: PASSWORD.into(),
    };
    let idle = patient
        .sign_in(&sign_in(), &RequestOrigin::default())
        .await
        .unwrap();
    assert!(
        impatient.session(&idle.secret).await.unwrap().is_none(),
        "idle too long"
    );
    assert!(
        patient.session(&idle.secret).await.unwrap().is_none(),
        "and it is gone for good"
    );

    let laptop = patient
        .sign_in(&sign_in(), &RequestOrigin::default())
        .await
        .unwrap();
    let phone = patient
        .sign_in(&sign_in(), &RequestOrigin::default())
        .await
        .unwrap();
    let vera = add_and_sign_in(core, &ada, "Vera", "Viewer").await;
    // Laptop, phone, and the session the set-up page started.
    assert_eq!(patient.sign_out_everywhere(&ada).await.unwrap(), 3);
    assert!(patient.session(&laptop.secret).await.unwrap().is_none());
    assert!(patient.session(&phone.secret).await.unwrap().is_none());
    assert!(
        patient.session(&vera.secret).await.unwrap().is_some(),
        "others stay"
    );
}

/// The password dialog counts against the sign-in lock, so it says the same countdown, and
/// once locked it refuses with when it unlocks and the way out.
async fn a_wrong_password_in_the_dialog_warns_before_the_lock(core: &Tollgate) {
    let session = core
        .admins
        .create_first(&admin_request(), &RequestOrigin::default())
        .await
        .unwrap();
    let here = RequestOrigin::new(Some("198.51.100.8".parse().unwrap()), None);
    let mut messages = Vec::new();
    for _ in 0..tollgate::admins::sign_in_throttle::PER_ACCOUNT {
        let err = core
            .admins
            .confirm_password(&session.secret, here.clone(), "a typo")
            .await
            .unwrap_err();
        let ServiceError::Invalid(errors) = err else {
            panic!("expected a field error, got {err}");
        };
        messages.push(errors[0].message.clone());
    }
    assert_eq!(messages[0], "Your current password is not correct.");
    assert_eq!(
        messages[2],
        "Your current password is not correct. 2 attempts left before sign-in is locked for 15 minutes."
    );
    assert!(
        messages[4].contains("sign-in is now locked"),
        "{}",
        messages[4]
    );
    let locked = core
        .admins
        .confirm_password(&session.secret, here, PASSWORD)
        .await
        .unwrap_err();
    assert!(
        matches!(locked, ServiceError::TooManyAttempts(_)),
        "{locked}"
    );
    assert!(
        locked
            .to_string()
            .contains("tollgate admin reset-password --email <email>"),
        "{locked}"
    );
}

store_tests!(
    a_wrong_password_in_the_dialog_warns_before_the_lock,
    the_first_admin_can_be_created_exactly_once,
    racing_first_admin_requests_create_one_admin,
    sign_in_needs_the_right_email_and_password,
    sessions_last_until_sign_out,
    expired_sessions_are_refused,
    failed_sign_ins_close_the_account_and_the_address_alike,
    an_idle_session_ends_and_sign_out_everywhere_ends_them_all,
);
