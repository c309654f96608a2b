//! What a form posted without JavaScript hands to the page it redirects to.
//!
//! A browser without JavaScript posts the create and edit forms natively; the server
//! function answers with a redirect (so a reload never posts twice), and the page it
//! redirects to needs two things the redirect cannot carry safely in a URL: the token's
//! value after a create, and the typed values and messages after a refusal. They wait here,
//! in this process's memory only, keyed by the administrator who posted and what the page
//! is: taken by the first read (the redirected page's render) and dropped after a minute
//! if nobody comes for them. A token's value therefore lives exactly as long as it takes
//! the browser to follow one redirect, and is never written anywhere.
//!
//! One process only: behind a load balancer without sticky sessions the redirected page
//! may land on another instance and show nothing; the JavaScript path does not use this.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tollgate::model::CreatedToken;

use crate::api::ReturnedForm;

/// How long a handed-over value waits for its page.
const LIFETIME: Duration = Duration::from_secs(60);

/// Which page a value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandoffFor {
    /// The token page of a token just created: its value, once.
    Reveal(i64),
    /// The create form, refused.
    CreateForm,
    /// A token's edit form, refused.
    EditForm(i64),
}

#[derive(Clone, Debug)]
pub enum Handoff {
    Reveal(CreatedToken),
    Form(ReturnedForm),
}

type Key = (i64, HandoffFor);

/// Shared by every request of this server (cloning shares it).
#[derive(Clone, Default)]
pub struct Handoffs(Arc<Mutex<HashMap<Key, (Instant, Handoff)>>>);

impl Handoffs {
    /// Leaves `value` for `admin`'s next read of `page`, replacing anything waiting there.
    pub fn put(&self, admin: i64, page: HandoffFor, value: Handoff) {
        let mut slots = self.lock();
        let now = Instant::now();
        slots.retain(|_, (at, _)| now.duration_since(*at) < LIFETIME);
        slots.insert((admin, page), (now, value));
    }

    /// Takes what waits for `admin` at `page`, if it is still fresh. Gone after this.
    pub fn take(&self, admin: i64, page: HandoffFor) -> Option<Handoff> {
        let (at, value) = self.lock().remove(&(admin, page))?;
        (at.elapsed() < LIFETIME).then_some(value)
    }

    /// [`take`](Self::take), once per request: a page render may run a resource more than
    /// once (a `Suspense` inside the shell's `Suspense` renders its children again), and
    /// every run must see what the first one took, or the last render shows nothing.
    pub fn take_once(
        &self,
        request: Option<&TakenByRequest>,
        admin: i64,
        page: HandoffFor,
    ) -> Option<Handoff> {
        let Some(request) = request else {
            return self.take(admin, page);
        };
        let mut taken = request.0.lock().unwrap_or_else(|p| p.into_inner());
        taken
            .entry((admin, page))
            .or_insert_with(|| self.take(admin, page))
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, (Instant, Handoff)>> {
        // A panic while holding the lock cannot leave the map half-written: use it anyway.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What one request has taken from [`Handoffs`]: provide a new one in each request's
/// context. Dropped with the request.
#[derive(Clone, Default)]
pub struct TakenByRequest(Arc<Mutex<HashMap<Key, Option<Handoff>>>>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::TokenForm;

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
            Handoff::Reveal(_) => None,
        }
    }

    #[test]
    fn a_value_is_taken_once_by_its_admin_for_its_page() {
        let handoffs = Handoffs::default();
        handoffs.put(1, HandoffFor::CreateForm, form("mine"));
        assert!(handoffs.take(2, HandoffFor::CreateForm).is_none());
        assert!(handoffs.take(1, HandoffFor::EditForm(3)).is_none());
        assert_eq!(
            name_of(handoffs.take(1, HandoffFor::CreateForm)).as_deref(),
            Some("mine")
        );
        assert!(handoffs.take(1, HandoffFor::CreateForm).is_none());
    }

    #[test]
    fn one_request_sees_what_it_took_however_often_it_asks() {
        let handoffs = Handoffs::default();
        handoffs.put(1, HandoffFor::CreateForm, form("mine"));
        let request = TakenByRequest::default();
        for _ in 0..2 {
            let taken = handoffs.take_once(Some(&request), 1, HandoffFor::CreateForm);
            assert_eq!(name_of(taken).as_deref(), Some("mine"));
        }
        let next_request = TakenByRequest::default();
        assert!(
            handoffs
                .take_once(Some(&next_request), 1, HandoffFor::CreateForm)
                .is_none()
        );
    }

    #[test]
    fn a_stale_value_is_not_handed_over() {
        let handoffs = Handoffs::default();
        handoffs.0.lock().unwrap().insert(
            (1, HandoffFor::CreateForm),
            (Instant::now() - LIFETIME, form("old")),
        );
        assert!(handoffs.take(1, HandoffFor::CreateForm).is_none());
    }
}
