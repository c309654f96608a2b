use std::fmt;

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use crate::admins::actor::{Actor, Confirmation, RequestOrigin};
use crate::admins::sign_in_throttle::SignInThrottle;
use crate::audit::{Audit, By};
use crate::error::ServiceError;
use crate::model::{AdminView, AuditAction, NewAdminRequest, SignInRequest};
use crate::store::{Store, StoreError};
use crate::validate::{Email, Lines, NewAdmin, text};

/// Who may do what: the built-in roles and the check every admin use case starts with.
pub mod access;
/// Managing other administrators: Settings > Administrators and the CLI.
mod accounts;
/// Who is acting and from where (the audit log, the password re-confirmation).
pub mod actor;
/// Argon2, with a bound on how many hashes run at once.
mod passwords;
/// What every administrator may change about themselves.
mod profile;
/// Roles: named sets of admin permissions, built-in and custom.
pub mod roles;
/// Failed sign-ins per account and per address.
pub mod sign_in_throttle;

pub use accounts::{EMAIL_TAKEN, LAST_SUPER_ADMIN};
pub use passwords::PasswordHashing;

/// A session id as sent in the cookie. The database only ever sees its SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionSecret(String);

impl SessionSecret {
    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the OS random generator is available");
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn from_cookie(value: &str) -> Self {
        Self(value.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// SHA-256, hex: what the database stores, and what anything else may key a session
    /// by (the no-JS handoffs) without holding the id itself.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecret(<redacted>)")
    }
}

/// A freshly started session: who, and the secret to put in the cookie.
#[derive(Debug)]
pub struct NewSession {
    pub admin: AdminView,
    pub secret: SessionSecret,
    pub max_age: Duration,
}

/// Administrators: the first-admin set-up, passwords and sessions.
#[derive(Clone)]
pub struct Admins {
    store: Store,
    session_ttl: Duration,
    /// A session unused this long ends, whatever its lifetime.
    session_idle: Duration,
    throttle: SignInThrottle,
    /// Every Argon2 run of this instance goes through it: at most one per core at once.
    passwords: PasswordHashing,
    /// How long a typed password counts as "just confirmed"; `None`: never asked again.
    reconfirm_window: Option<Duration>,
    audit: Audit,
}

/// [`crate::Settings::session_ttl`] unless configured: a working day and then some.
pub const DEFAULT_SESSION_TTL: Duration = Duration::hours(12);
/// [`crate::Settings::session_idle`] unless configured.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::hours(1);
/// [`crate::Settings::reconfirm_window`] unless configured.
pub const DEFAULT_RECONFIRM_WINDOW: Duration = Duration::minutes(10);

/// What [`Admins`] needs from configuration.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub ttl: Duration,
    pub idle: Duration,
    pub reconfirm_window: Option<Duration>,
}

/// The longest an email can be; longer "emails" in a failed sign-in are cut in the log.
const EMAIL_MAX: usize = 254;

/// How stale a session's "last used" may get before a request refreshes it.
const TOUCH_EVERY: Duration = Duration::minutes(1);

impl Admins {
    pub fn new(
        store: Store,
        sessions: SessionSettings,
        throttle: SignInThrottle,
        audit: Audit,
    ) -> Self {
        Self {
            store,
            session_ttl: sessions.ttl,
            session_idle: sessions.idle,
            reconfirm_window: sessions.reconfirm_window,
            throttle,
            passwords: PasswordHashing::default(),
            audit,
        }
    }

    /// The hashing slots, as they are shared and used (for tests and capacity planning).
    pub fn password_hashing(&self) -> &PasswordHashing {
        &self.passwords
    }

    pub async fn needs_setup(&self) -> Result<bool, ServiceError> {
        Ok(self.store.count_admins().await? == 0)
    }

    /// Creates the first administrator and signs them in. Refused once any admin exists.
    pub async fn create_first(
        &self,
        request: &NewAdminRequest,
        origin: &RequestOrigin,
    ) -> Result<NewSession, ServiceError> {
        if !self.needs_setup().await? {
            return Err(ServiceError::AlreadySetUp);
        }
        let new = NewAdmin::parse(request).map_err(ServiceError::Invalid)?;
        let hash = self.passwords.hash(new.password.expose()).await?;
        let admin = self
            .store
            .insert_first_admin(new.email.as_str(), new.name.as_str(), &hash, Utc::now())
            .await
            .map_err(|e| match e {
                StoreError::UniqueViolation => ServiceError::AlreadySetUp,
                other => other.into(),
            })?;
        tracing::info!(admin_id = admin.id, "first administrator created");
        let visitor = By::Visitor {
            name: &admin.name,
            id: Some(admin.id),
            origin,
        };
        self.audit
            .record(visitor, AuditAction::AdminSetUp, None, "")
            .await;
        self.start_session(admin).await
    }

    /// Checks an email and password; the same error whether the email or the password is wrong.
    /// Refused without looking while the account or address has too many recent failures
    /// (those refusals are not written to the audit log: an attacker could flood it).
    pub async fn sign_in(
        &self,
        request: &SignInRequest,
        origin: &RequestOrigin,
    ) -> Result<NewSession, ServiceError> {
        // Text no email can hold (a NUL, say) is refused before anything is looked up.
        text::check("email", "Email", &request.email, Lines::One)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let attempt = self
            .throttle
            .reserve(&request.email, origin.ip)
            .await
            .map_err(ServiceError::TooManyAttempts)?;
        let credentials = match Email::parse(&request.email) {
            Ok(email) => self.store.admin_credentials(email.as_str()).await?,
            Err(_) => None,
        };
        let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
        let matches = match self.passwords.verify(&request.password, stored_hash).await {
            Ok(matches) => matches,
            Err(busy) => {
                // Nothing was checked: that is no failed guess.
                self.throttle.forgive(attempt).await;
                return Err(busy);
            }
        };
        match credentials {
            Some(credentials) if matches => {
                self.throttle.forgive(attempt).await;
                let admin = credentials.admin;
                let visitor = By::Visitor {
                    name: &admin.name,
                    id: Some(admin.id),
                    origin,
                };
                self.audit
                    .record(visitor, AuditAction::SignIn, None, "")
                    .await;
                self.start_session(admin).await
            }
            _ => {
                let tried: String = request.email.trim().chars().take(EMAIL_MAX).collect();
                let visitor = By::Visitor {
                    name: &tried,
                    id: None,
                    origin,
                };
                self.audit
                    .record(visitor, AuditAction::SignInFailed, None, "")
                    .await;
                Err(ServiceError::BadCredentials {
                    attempts_left: Some(attempt.failures_left()),
                })
            }
        }
    }

    /// The admin a session cookie belongs to, if the session exists, has not reached its
    /// lifetime and was used within the idle timeout.
    pub async fn session(&self, secret: &SessionSecret) -> Result<Option<AdminView>, ServiceError> {
        Ok(self.live_session(secret).await?.map(|record| record.admin))
    }

    /// The session's admin as an [`Actor`] acting from `origin`: what every door hands the
    /// use cases that change something.
    pub async fn actor(
        &self,
        secret: &SessionSecret,
        origin: RequestOrigin,
    ) -> Result<Option<Actor>, ServiceError> {
        let Some(record) = self.live_session(secret).await? else {
            return Ok(None);
        };
        let confirmation = match self.reconfirm_window {
            None => Confirmation::NotRequired,
            Some(_) => Confirmation::Until(record.confirmed_until),
        };
        Ok(Some(Actor {
            admin: record.admin,
            origin,
            confirmation,
        }))
    }

    /// Checks the signed-in admin's password again and opens the re-confirmation window
    /// on this session. A wrong password counts as a failed sign-in for throttling.
    pub async fn confirm_password(
        &self,
        secret: &SessionSecret,
        origin: RequestOrigin,
        password: &str,
    ) -> Result<Option<DateTime<Utc>>, ServiceError> {
        let actor = self
            .actor(secret, origin)
            .await?
            .ok_or(ServiceError::NotFound("session"))?;
        self.check_own_password(&actor, password, "password", "")
            .await?;
        let until = self.reconfirm_window.map(|window| Utc::now() + window);
        self.store.confirm_session(&secret.hash(), until).await?;
        self.audit
            .record(By::Admin(&actor), AuditAction::PasswordConfirmed, None, "")
            .await;
        Ok(until)
    }

    /// Checks a signed-in admin's own password, typed again (to confirm it, or to change
    /// it): counted like a sign-in against the account and address, and a wrong one is
    /// audited (with `detail` saying where) and refused as an error on `field`.
    async fn check_own_password(
        &self,
        me: &Actor,
        password: &str,
        field: &str,
        detail: &str,
    ) -> Result<(), ServiceError> {
        let attempt = self
            .throttle
            .reserve(&me.email, me.origin.ip)
            .await
            .map_err(ServiceError::TooManyAttempts)?;
        let stored = self
            .store
            .admin_password_hash(me.id)
            .await?
            .ok_or(ServiceError::NotFound("administrator"))?;
        match self.passwords.verify(password, Some(stored)).await {
            Ok(true) => {
                self.throttle.forgive(attempt).await;
                Ok(())
            }
            Ok(false) => {
                self.audit
                    .record(
                        By::Admin(me),
                        AuditAction::PasswordConfirmFailed,
                        None,
                        detail,
                    )
                    .await;
                // The same lock as sign-in's, so the same warning before it.
                let message = crate::lockout::with_warning(
                    profile::WRONG_CURRENT_PASSWORD,
                    Some(attempt.failures_left()),
                );
                Err(ServiceError::invalid(field, &message))
            }
            Err(busy) => {
                self.throttle.forgive(attempt).await;
                Err(busy)
            }
        }
    }

    /// Closes this session's re-confirmation window at once ("ask for my password again"),
    /// as `sudo -k` does: for an admin stepping away from an unlocked screen.
    pub async fn forget_confirmation(&self, secret: &SessionSecret) -> Result<(), ServiceError> {
        Ok(self.store.confirm_session(&secret.hash(), None).await?)
    }

    /// The session behind `secret` if it is still live, touching its "last used".
    async fn live_session(
        &self,
        secret: &SessionSecret,
    ) -> Result<Option<crate::store::SessionRecord>, ServiceError> {
        let hash = secret.hash();
        let Some(record) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        let now = Utc::now();
        if record.expires_at <= now || record.last_seen_at + self.session_idle <= now {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        // One write a minute at most, not one per request.
        if now - record.last_seen_at >= TOUCH_EVERY {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(Some(record))
    }

    /// Ends every session of `by`, this one included: "sign out everywhere".
    pub async fn sign_out_everywhere(&self, by: &Actor) -> Result<u64, ServiceError> {
        let ended = self.store.delete_admin_sessions(by.id).await?;
        tracing::info!(admin_id = by.id, sessions = ended, "signed out everywhere");
        let detail = format!("{ended} sessions ended");
        self.audit
            .record(By::Admin(by), AuditAction::SignOutEverywhere, None, &detail)
            .await;
        Ok(ended)
    }

    /// Ends this session. Signing out of a session that already ended is no error.
    pub async fn sign_out(
        &self,
        secret: &SessionSecret,
        origin: RequestOrigin,
    ) -> Result<(), ServiceError> {
        let actor = self.actor(secret, origin).await?;
        self.store.delete_session(&secret.hash()).await?;
        if let Some(actor) = actor {
            self.audit
                .record(By::Admin(&actor), AuditAction::SignOut, None, "")
                .await;
        }
        Ok(())
    }

    /// Deletes ended sessions; run now and then by a background job.
    pub async fn purge_expired_sessions(&self) -> Result<u64, ServiceError> {
        let now = Utc::now();
        Ok(self
            .store
            .delete_expired_sessions(now, now - self.session_idle)
            .await?)
    }

    /// Signs `admin` in: a new session, and their last sign-in time.
    async fn start_session(&self, admin: AdminView) -> Result<NewSession, ServiceError> {
        let secret = SessionSecret::generate();
        let now = Utc::now();
        // Typing the password to sign in is as good as confirming it.
        let confirmed_until = self.reconfirm_window.map(|window| now + window);
        self.store
            .insert_session(
                &secret.hash(),
                admin.id,
                now,
                now + self.session_ttl,
                confirmed_until,
            )
            .await?;
        Ok(NewSession {
            admin,
            secret,
            max_age: self.session_ttl,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_secrets_are_random_and_hidden_from_debug() {
        let a = SessionSecret::generate();
        assert_ne!(a, SessionSecret::generate());
        assert_eq!(a.expose().len(), 43);
        assert!(!format!("{a:?}").contains(a.expose()));
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.expose());
    }
}
