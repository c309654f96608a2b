//! Revoking one token or several: the one destructive flow the list's row buttons, its
//! "Revoke selected" and the token's own page share. In order:
//! 1. the password, when the server will want it, before anything is typed ("sudo mode");
//! 2. the confirmation: the token's name typed (Enter confirms), or the chosen tokens listed;
//! 3. a message saying what was done, focused and announced.
//!
//! Escape or Cancel at any step gives focus back to the button that started it, which
//! needs an `id` (`revoke-<id>`, `revoke-selected`).

use leptos::prelude::*;

use crate::components::{ConfirmDialog, FocusReturn, confirm_password_first, confirmed_action};
use crate::error::AppError;
use crate::settings::api_tokens::bulk_outcome::{BulkOutcome, Verb, finish_when_done};
use crate::settings::api_tokens::{revoke_token, revoke_tokens};

/// The tokens a bulk revoke is about: ids and names, as the admin saw them.
pub type Chosen = Vec<(i64, String)>;

/// What the admin is asked to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Revoking {
    One { id: i64, name: String },
    Many(Chosen),
}

/// Where keyboard focus goes once tokens were revoked: the message saying so.
const OUTCOME_ID: &str = "revoke-outcome";

/// One revoke flow of a page: what it is confirming, and what the last revoke did.
#[derive(Clone, Copy)]
pub struct RevokeFlow {
    confirming: RwSignal<Option<Revoking>>,
    /// The password check is on its way: a second click must not start a second flow.
    starting: RwSignal<bool>,
    outcome: RwSignal<Option<BulkOutcome>>,
    opener: FocusReturn,
    revoke: Action<Revoking, Result<BulkOutcome, AppError>>,
}

impl RevokeFlow {
    /// `on_revoked` runs once tokens were revoked: refresh whatever shows them.
    pub fn new(on_revoked: Callback<()>) -> Self {
        let flow = Self {
            confirming: RwSignal::new(None),
            starting: RwSignal::new(false),
            outcome: RwSignal::new(None),
            opener: FocusReturn::new(),
            revoke: confirmed_action(send),
        };
        finish_when_done(
            flow.revoke,
            flow.confirming,
            flow.outcome,
            on_revoked,
            OUTCOME_ID,
        );
        flow
    }

    /// Revoke one token, confirmed by typing its name.
    pub fn one(self, id: i64, name: String) {
        self.start(Revoking::One { id, name });
    }

    /// Revoke the chosen tokens, confirmed once for all.
    pub fn many(self, chosen: Chosen) {
        if !chosen.is_empty() {
            self.start(Revoking::Many(chosen));
        }
    }

    fn start(self, what: Revoking) {
        if self.starting.get_untracked() || self.confirming.with_untracked(Option::is_some) {
            return;
        }
        // Called from the opener's click: it still has focus.
        self.opener.remember();
        self.outcome.set(None);
        self.revoke.value().set(None);
        self.starting.set(true);
        leptos::task::spawn_local(async move {
            // A cancelled password dialog gives focus back to the opener itself.
            let go_on = confirm_password_first().await;
            self.starting.set(false);
            if go_on {
                self.confirming.set(Some(what));
            }
        });
    }
}

/// Both kinds of revoke, told apart only here; the outcome names what was revoked.
async fn send(what: Revoking) -> Result<BulkOutcome, AppError> {
    match what {
        Revoking::One { id, name } => revoke_token(id)
            .await
            .map(|()| BulkOutcome::one(REVOKED, name)),
        Revoking::Many(chosen) => {
            let ids = chosen.iter().map(|(id, _)| *id).collect();
            let done = revoke_tokens(ids).await?;
            Ok(BulkOutcome::of_bulk(
                REVOKED,
                done.revoked,
                done.failed,
                &chosen,
            ))
        }
    }
}

const REVOKED: Verb = Verb {
    done: "revoked",
    to_do: "revoke",
};

/// The confirmation of the flow, while it is asked.
#[component]
pub fn RevokeConfirmation(flow: RevokeFlow) -> impl IntoView {
    let revoke = flow.revoke;
    let pending = revoke.pending();
    let error = Signal::derive(move || {
        revoke
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.explain())
    });
    let on_cancel = Callback::new(move |()| flow.confirming.set(None));
    move || {
        flow.confirming.get().map(|what| {
            let on_confirm = {
                let what = what.clone();
                Callback::new(move |()| {
                    revoke.dispatch(what.clone());
                })
            };
            match what {
                Revoking::One { name, .. } => view! {
                    <ConfirmDialog
                        title=format!("Revoke {name}?")
                        message="Requests using this token will be refused immediately. This cannot be undone."
                        confirm_label="Revoke"
                        confirm_text=name
                        on_confirm
                        on_cancel
                        pending
                        error
                        opener=flow.opener
                    />
                }
                .into_any(),
                Revoking::Many(chosen) => {
                    let count = chosen.len();
                    let noun = if count == 1 { "token" } else { "tokens" };
                    let names = chosen
                        .into_iter()
                        .map(|(_, name)| view! { <li>{name}</li> })
                        .collect_view();
                    view! {
                        <ConfirmDialog
                            title=format!("Revoke {count} {noun}?")
                            message="Requests using these tokens will be refused immediately. This cannot be undone."
                            confirm_label=format!("Revoke {count} {noun}")
                            on_confirm
                            on_cancel
                            pending
                            error
                            opener=flow.opener
                        >
                            <ul class="chosen">{names}</ul>
                        </ConfirmDialog>
                    }
                    .into_any()
                }
            }
        })
    }
}

/// What the last revoke did, where the page shows results: focusable, so focus can move
/// to it (the row or the button that started it may be gone). The live region says it;
/// this is what stays on screen.
#[component]
pub fn RevokeOutcomeMessage(flow: RevokeFlow) -> impl IntoView {
    move || flow.outcome.get().map(|outcome| outcome.view(OUTCOME_ID))
}
