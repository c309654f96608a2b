//! What a form posted without JavaScript hands to the page it redirects to.
//!
//! A browser without JavaScript posts the create and edit forms natively; the server
//! function answers with a redirect (so a reload never posts twice), and the page it
//! redirects to needs two things the redirect cannot carry safely in a URL: the token's
//! value after a create, and the typed values and messages after a refusal. They wait,
//! sealed, in the database ([`tollgate::form_handoffs`]), so the redirected page finds them
//! on whichever instance the load balancer sends it to: keyed by the session that posted
//! (another session of the same admin, another tab signed in elsewhere, gets nothing) and
//! the page, taken by the first read (the redirected page's render) and refused after a
//! minute. A token's value is never written anywhere in clear.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tollgate::Tollgate;
use tollgate::admins::SessionSecret;
use tollgate::model::CreatedToken;

use crate::settings::api_tokens::ReturnedForm;
use crate::settings::policy::PolicyOutcome;

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

impl HandoffFor {
    /// The page's name in the database (bound into the sealed value too).
    fn key(self) -> String {
        match self {
            Self::Reveal(id) => format!("reveal/{id}"),
            Self::CreateForm => "create-form".to_owned(),
            Self::EditForm(id) => format!("edit-form/{id}"),
            Self::PolicyPage => "policy".to_owned(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Handoff {
    Reveal(CreatedToken),
    Form(ReturnedForm),
    Policy(Box<PolicyOutcome>),
}

/// Leaves `value` for `session`'s next read of `page`, replacing anything waiting there.
/// If the database refuses, the page shows nothing more than it would after a reload: the
/// change itself was made (or refused) already, so this is logged, not returned.
pub async fn hand_off(core: &Tollgate, session: &SessionSecret, page: HandoffFor, value: &Handoff) {
    let Ok(bytes) = serde_json::to_vec(value) else {
        tracing::error!(?page, "a form's result did not serialize");
        return;
    };
    let now = chrono::Utc::now();
    if let Err(error) = core
        .form_handoffs
        .put(session, &page.key(), &bytes, now)
        .await
    {
        tracing::error!(?page, %error, "could not leave a form's result for its page");
    }
}

/// Takes what waits for `session` at `page`, if it is still fresh. Gone after this.
pub async fn take(core: &Tollgate, session: &SessionSecret, page: HandoffFor) -> Option<Handoff> {
    let now = chrono::Utc::now();
    match core.form_handoffs.take(session, &page.key(), now).await {
        Ok(Some(bytes)) => serde_json::from_slice(&bytes)
            .inspect_err(
                |error| tracing::error!(?page, %error, "a form's result did not read back"),
            )
            .ok(),
        Ok(None) => None,
        Err(error) => {
            tracing::error!(?page, %error, "could not read a form's result");
            None
        }
    }
}

/// What one request has taken: provide a new one in each request's context. A page render
/// may run a resource more than once (a `Suspense` inside the shell's `Suspense` renders its
/// children again), and every run must see what the first one took, or the last render
/// shows nothing. Dropped with the request.
#[derive(Clone, Default)]
pub struct TakenByRequest(Arc<Mutex<HashMap<HandoffFor, Taken>>>);

type Taken = Arc<tokio::sync::OnceCell<Option<Handoff>>>;

impl TakenByRequest {
    /// [`take`], once per request and page, however often (and however concurrently) asked.
    pub async fn take(
        &self,
        core: &Tollgate,
        session: &SessionSecret,
        page: HandoffFor,
    ) -> Option<Handoff> {
        let cell = {
            let mut taken = self.0.lock().unwrap_or_else(|p| p.into_inner());
            taken.entry(page).or_default().clone()
        };
        cell.get_or_init(|| take(core, session, page)).await.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_a_key_of_its_own() {
        let pages = [
            HandoffFor::Reveal(1),
            HandoffFor::Reveal(2),
            HandoffFor::CreateForm,
            HandoffFor::EditForm(1),
            HandoffFor::EditForm(2),
            HandoffFor::PolicyPage,
        ];
        let keys: std::collections::HashSet<String> = pages.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), pages.len());
    }
}
