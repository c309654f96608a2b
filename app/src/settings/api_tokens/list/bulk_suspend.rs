//! "Suspend selected": the chosen tokens listed in a confirmation with an optional reason,
//! then a message saying what was done, focused and announced, as a bulk revoke does.
//! Suspending only narrows what tokens may do, so no password is asked; resuming (on each
//! token's page) asks for it.
//!
//! Escape or Cancel gives focus back to the button that opened it (`suspend-selected`).

use leptos::prelude::*;

use super::server_fns::suspend_tokens;
use crate::components::{ConfirmDialog, FocusReturn};
use crate::error::AppError;
use crate::settings::api_tokens::bulk_outcome::{BulkOutcome, Verb, finish_when_done};
use crate::settings::api_tokens::detail::SuspendReasonField;
use crate::settings::api_tokens::revoke::Chosen;

const REASON_FIELD: &str = "bulk-suspend-reason";
/// Where keyboard focus goes once tokens were suspended: the message saying so.
const OUTCOME_ID: &str = "suspend-outcome";

const SUSPENDED: Verb = Verb {
    done: "suspended",
    to_do: "suspend",
};

/// The list's bulk suspend: what it is confirming, the reason typed, what it last did.
#[derive(Clone, Copy)]
pub struct BulkSuspendFlow {
    confirming: RwSignal<Option<Chosen>>,
    reason: RwSignal<String>,
    outcome: RwSignal<Option<BulkOutcome>>,
    opener: FocusReturn,
    action: Action<(Chosen, String), Result<BulkOutcome, AppError>>,
}

impl BulkSuspendFlow {
    /// `on_suspended` runs once tokens were suspended: refresh whatever shows them.
    pub fn new(on_suspended: Callback<()>) -> Self {
        let flow = Self {
            confirming: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            outcome: RwSignal::new(None),
            opener: FocusReturn::new(),
            action: Action::new(|(chosen, reason): &(Chosen, String)| {
                let chosen = chosen.clone();
                let ids = chosen.iter().map(|(id, _)| *id).collect();
                let reason = reason.clone();
                async move {
                    let done = suspend_tokens(ids, reason).await?;
                    Ok(BulkOutcome::of_bulk(
                        SUSPENDED,
                        done.suspended,
                        done.failed,
                        &chosen,
                    ))
                }
            }),
        };
        finish_when_done(
            flow.action,
            flow.confirming,
            flow.outcome,
            on_suspended,
            OUTCOME_ID,
        );
        flow
    }

    /// Asks to suspend the chosen tokens, once for all.
    pub fn open(self, chosen: Chosen) {
        if chosen.is_empty() || self.confirming.with_untracked(Option::is_some) {
            return;
        }
        // Called from the opener's click: it still has focus.
        self.opener.remember();
        self.outcome.set(None);
        self.action.value().set(None);
        self.reason.set(String::new());
        self.confirming.set(Some(chosen));
    }

    fn send(self) {
        if self.action.pending().get_untracked() {
            return;
        }
        if let Some(chosen) = self.confirming.get_untracked() {
            self.action.dispatch((chosen, self.reason.get_untracked()));
        }
    }
}

/// The confirmation, while it is asked: the chosen tokens, and a reason that is optional.
/// The dialog starts in the reason; Enter there confirms.
#[component]
pub fn BulkSuspendDialog(flow: BulkSuspendFlow) -> impl IntoView {
    let action = flow.action;
    let error = Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.explain())
    });
    let on_cancel = Callback::new(move |()| flow.confirming.set(None));
    let on_confirm = Callback::new(move |()| flow.send());
    move || {
        flow.confirming.get().map(|chosen| {
            let count = chosen.len();
            let noun = if count == 1 { "token" } else { "tokens" };
            let names = chosen
                .into_iter()
                .map(|(_, name)| view! { <li>{name}</li> })
                .collect_view();
            view! {
                <ConfirmDialog
                    title=format!("Suspend {count} {noun}?")
                    message="Requests using these tokens are refused until each is resumed on its page. Nothing else changes; resuming asks for your password."
                    confirm_label=format!("Suspend {count} {noun}")
                    on_confirm
                    on_cancel
                    pending=action.pending()
                    error
                    opener=flow.opener
                    field_id=REASON_FIELD
                    start_on_field=true
                >
                    <ul class="chosen">{names}</ul>
                    <SuspendReasonField
                        id=REASON_FIELD
                        reason=flow.reason
                        shown_where="on each token's page"
                        on_enter=on_confirm
                    />
                </ConfirmDialog>
            }
        })
    }
}

/// What the last bulk suspend did, where the page shows results: focusable, since the
/// button that started it is gone with the selection.
#[component]
pub fn BulkSuspendOutcome(flow: BulkSuspendFlow) -> impl IntoView {
    move || flow.outcome.get().map(|outcome| outcome.view(OUTCOME_ID))
}
