//! What a form posted without JavaScript hands to the page it redirects to.
//!
//! A browser without JavaScript posts the create and edit forms natively; the server
//! function answers with a redirect (so a reload never posts twice), and the page it
//! redirects to needs two things the redirect cannot carry safely in a URL: the token's
//! value after a create, and the typed values and messages after a refusal. They wait here,
//! in this process's memory only, keyed by the session that posted (by the session id's
//! hash: another session of the same admin, another tab signed in elsewhere, gets nothing)
//! and what the page is: taken by the first read (the redirected page's render), refused
//! after [`LIFETIME`], and removed from memory by a timer within [`PURGE_EVERY`] after that
//! even if nobody comes for them. A token's value therefore lives about as long as it takes
//! the browser to follow one redirect, and is never written anywhere.
//!
//! One process only: behind a load balancer without sticky sessions the redirected page
//! may land on another instance and show nothing; the JavaScript path does not use this.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tollgate::admins::SessionSecret;
use tollgate::model::CreatedToken;

use crate::settings::api_tokens::ReturnedForm;
use crate::settings::policy::PolicyOutcome;

/// How long a handed-over value waits for its page.
const LIFETIME: Duration = Duration::from_secs(60);
/// How often values nobody took are dropped from memory.
const PURGE_EVERY: Duration = Duration::from_secs(10);

/// Which page a value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandoffFor {
    /// The token page of a token just created: its value, once.
    Reveal(i64),
    /// The create form, refused.
    CreateForm,
    /// A token's edit form, refused.
    EditForm(i64),
    /// Settings › Token policy, after one of its forms was posted.
    PolicyPage,
}

#[derive(Clone, Debug)]
pub enum Handoff {
    Reveal(CreatedToken),
    Form(ReturnedForm),
    Policy(Box<PolicyOutcome>),
}

/// A session, by the SHA-256 of its id: never the id itself, and not shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SessionKey(String);

impl SessionKey {
    fn of(session: &SessionSecret) -> Self {
        Self(session.hash())
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

type Key = (SessionKey, HandoffFor);
type Slots = HashMap<Key, (Instant, Handoff)>;

/// Shared by every request of this server (cloning shares it).
#[derive(Clone)]
pub struct Handoffs {
    slots: Arc<Mutex<Slots>>,
    lifetime: Duration,
}

impl Default for Handoffs {
    fn default() -> Self {
        Self::with_lifetime(LIFETIME)
    }
}

impl Handoffs {
    fn with_lifetime(lifetime: Duration) -> Self {
        Self {
            slots: Arc::default(),
            lifetime,
        }
    }

    /// Handoffs whose untaken values a background task drops every [`PURGE_EVERY`]. The task
    /// holds them weakly and ends when the last clone (the router's) is dropped. Call inside
    /// the Tokio runtime.
    pub fn purged_on_a_timer() -> Self {
        let handoffs = Self::default();
        handoffs.purge_every(PURGE_EVERY);
        handoffs
    }

    fn purge_every(&self, period: Duration) {
        let slots = Arc::downgrade(&self.slots);
        let lifetime = self.lifetime;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            loop {
                tick.tick().await;
                let Some(slots) = Weak::upgrade(&slots) else {
                    return;
                };
                purge(&mut lock(&slots), lifetime);
            }
        });
    }

    /// Leaves `value` for `session`'s next read of `page`, replacing anything waiting there.
    pub fn put(&self, session: &SessionSecret, page: HandoffFor, value: Handoff) {
        let mut slots = self.lock();
        purge(&mut slots, self.lifetime);
        slots.insert((SessionKey::of(session), page), (Instant::now(), value));
    }

    /// Takes what waits for `session` at `page`, if it is still fresh. Gone after this.
    pub fn take(&self, session: &SessionSecret, page: HandoffFor) -> Option<Handoff> {
        let (at, value) = self.lock().remove(&(SessionKey::of(session), page))?;
        (at.elapsed() < self.lifetime).then_some(value)
    }

    /// [`take`](Self::take), once per request: a page render may run a resource more than
    /// once (a `Suspense` inside the shell's `Suspense` renders its children again), and
    /// every run must see what the first one took, or the last render shows nothing.
    pub fn take_once(
        &self,
        request: Option<&TakenByRequest>,
        session: &SessionSecret,
        page: HandoffFor,
    ) -> Option<Handoff> {
        let Some(request) = request else {
            return self.take(session, page);
        };
        let mut taken = request.0.lock().unwrap_or_else(|p| p.into_inner());
        taken
            .entry((SessionKey::of(session), page))
            .or_insert_with(|| self.take(session, page))
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        lock(&self.slots)
    }
}

fn lock(slots: &Mutex<Slots>) -> std::sync::MutexGuard<'_, Slots> {
    // A panic while holding the lock cannot leave the map half-written: use it anyway.
    slots
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Drops what has waited `lifetime` or longer.
fn purge(slots: &mut Slots, lifetime: Duration) {
    let now = Instant::now();
    slots.retain(|_, (at, _)| now.duration_since(*at) < lifetime);
}

/// What one request has taken from [`Handoffs`]: provide a new one in each request's
/// context. Dropped with the request.
#[derive(Clone, Default)]
pub struct TakenByRequest(Arc<Mutex<HashMap<Key, Option<Handoff>>>>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::api_tokens::TokenForm;

    fn form(name: &str) -> Handoff {
        Handoff::Form(ReturnedForm {
            form: TokenForm {
                name: name.to_owned(),
                ..TokenForm::default()
            },
            error: crate::error::AppError::Internal,
            shown: None,
        })
    }

    fn name_of(handoff: Option<Handoff>) -> Option<String> {
        match handoff? {
            Handoff::Form(returned) => Some(returned.form.name),
            Handoff::Reveal(_) | Handoff::Policy(_) => None,
        }
    }

    fn session(id: &str) -> SessionSecret {
        SessionSecret::from_cookie(id)
    }

    #[test]
    fn a_value_is_taken_once_by_its_session_for_its_page() {
        let handoffs = Handoffs::default();
        let (mine, my_other_tab) = (session("session-a"), session("session-b"));
        handoffs.put(&mine, HandoffFor::CreateForm, form("mine"));
        assert!(
            handoffs
                .take(&my_other_tab, HandoffFor::CreateForm)
                .is_none(),
            "another session, even of the same admin, gets nothing"
        );
        assert!(handoffs.take(&mine, HandoffFor::EditForm(3)).is_none());
        assert_eq!(
            name_of(handoffs.take(&mine, HandoffFor::CreateForm)).as_deref(),
            Some("mine")
        );
        assert!(handoffs.take(&mine, HandoffFor::CreateForm).is_none());
    }

    #[test]
    fn the_session_id_is_neither_kept_nor_shown() {
        let handoffs = Handoffs::default();
        handoffs.put(&session("the-secret-id"), HandoffFor::CreateForm, form("x"));
        let slots = handoffs.lock();
        let (key, _) = slots.keys().next().unwrap();
        assert!(!key.0.contains("the-secret-id"));
        assert!(!format!("{key:?}").contains("the-secret-id"));
        assert!(!format!("{key:?}").contains(&key.0), "not even the hash");
    }

    #[test]
    fn one_request_sees_what_it_took_however_often_it_asks() {
        let handoffs = Handoffs::default();
        let mine = session("session-a");
        handoffs.put(&mine, HandoffFor::CreateForm, form("mine"));
        let request = TakenByRequest::default();
        for _ in 0..2 {
            let taken = handoffs.take_once(Some(&request), &mine, HandoffFor::CreateForm);
            assert_eq!(name_of(taken).as_deref(), Some("mine"));
        }
        let next_request = TakenByRequest::default();
        assert!(
            handoffs
                .take_once(Some(&next_request), &mine, HandoffFor::CreateForm)
                .is_none()
        );
    }

    #[test]
    fn a_stale_value_is_not_handed_over() {
        let handoffs = Handoffs::default();
        let mine = session("session-a");
        handoffs.lock().insert(
            (SessionKey::of(&mine), HandoffFor::CreateForm),
            (Instant::now() - LIFETIME, form("old")),
        );
        assert!(handoffs.take(&mine, HandoffFor::CreateForm).is_none());
    }

    #[tokio::test]
    async fn a_value_nobody_takes_is_dropped_from_memory_by_the_timer() {
        let handoffs = Handoffs::with_lifetime(Duration::from_millis(50));
        handoffs.purge_every(Duration::from_millis(10));
        handoffs.put(&session("session-a"), HandoffFor::CreateForm, form("left"));
        let deadline = Instant::now() + Duration::from_secs(5);
        while !handoffs.lock().is_empty() {
            assert!(Instant::now() < deadline, "still in memory after 5 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
