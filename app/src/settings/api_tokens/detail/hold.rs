//! Suspending and resuming from the token's page. Suspending only narrows, so it asks no
//! password, just a dialog with an optional reason for the other admins; resuming lets
//! the token work again, so the server wants the password confirmed and the panel asks
//! for it in place ([`confirmed_action`]).

use leptos::prelude::*;
use tollgate::model::{AdminPermission, Suspension, TokenView, format_time};

use super::PageChange;
use crate::components::{
    ConfirmDialog, DeniedButton, FocusReturn, confirmed_action, denial, use_hydrated, use_signed_in,
};
use crate::error::AppError;
use crate::settings::api_tokens::{resume_token, suspend_token};

/// The field stops where the core would refuse.
use tollgate::model::SUSPENSION_REASON_MAX as REASON_MAX;
const REASON_FIELD: &str = "suspend-reason";

/// The suspend dialog of the page and what it sends.
#[derive(Clone, Copy)]
pub struct SuspendFlow {
    asking: RwSignal<bool>,
    reason: RwSignal<String>,
    opener: FocusReturn,
    action: Action<(i64, String), Result<TokenView, AppError>>,
}

impl SuspendFlow {
    pub fn new(page: PageChange) -> Self {
        let flow = Self {
            asking: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
            opener: FocusReturn::new(),
            action: Action::new(|(id, reason): &(i64, String)| suspend_token(*id, reason.clone())),
        };
        Effect::new(move |_| {
            if let Some(Ok(token)) = flow.action.value().get() {
                flow.action.value().set(None);
                flow.asking.set(false);
                page.done(format!(
                    "Token “{}” suspended: requests using it are refused until it is resumed.",
                    token.name
                ));
            }
        });
        flow
    }

    fn open(self) {
        if self.asking.get_untracked() {
            return;
        }
        // Called from the button's click: it still has focus.
        self.opener.remember();
        self.action.value().set(None);
        self.reason.set(String::new());
        self.asking.set(true);
    }
}

/// "Suspend" among the page's actions, for a token that is not suspended yet; disabled
/// with the reason for roles that may not change tokens.
#[component]
pub fn SuspendButton(flow: SuspendFlow) -> impl IntoView {
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    match denial(admin, AdminPermission::ApiTokensUpdate) {
        None => view! {
            <button
                type="button"
                id="suspend"
                class="button secondary"
                disabled=move || !hydrated.get()
                on:click=move |_| flow.open()
            >
                "Suspend"
            </button>
        }
        .into_any(),
        Some(why) => view! { <DeniedButton label="Suspend".to_owned() why /> }.into_any(),
    }
}

/// The question, while it is asked: the reason is optional, the dialog starts in it.
#[component]
pub fn SuspendDialog(flow: SuspendFlow, id: i64, name: String) -> impl IntoView {
    let error = Signal::derive(move || {
        flow.action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.explain())
    });
    let title = format!("Suspend “{name}”?");
    let send = move || {
        flow.action.dispatch((id, flow.reason.get_untracked()));
    };
    move || {
        flow.asking.get().then(|| {
            view! {
                <ConfirmDialog
                    title=title.clone()
                    message="Requests using this token are refused until it is resumed. Nothing else changes; resuming asks for your password."
                    confirm_label="Suspend"
                    on_confirm=Callback::new(move |()| send())
                    on_cancel=Callback::new(move |()| flow.asking.set(false))
                    pending=flow.action.pending()
                    error
                    opener=flow.opener
                    field_id=REASON_FIELD
                    start_on_field=true
                >
                    <div class="field">
                        <label for=REASON_FIELD>"Reason (optional)"</label>
                        <input
                            id=REASON_FIELD
                            type="text"
                            maxlength=REASON_MAX
                            autocomplete="off"
                            aria-describedby="suspend-reason-hint"
                            prop:value=move || flow.reason.get()
                            on:input=move |event| flow.reason.set(event_target_value(&event))
                            on:keydown=move |event: leptos::ev::KeyboardEvent| {
                                if event.key() == "Enter" && !flow.action.pending().get_untracked() {
                                    event.prevent_default();
                                    send();
                                }
                            }
                        />
                        <p class="hint" id="suspend-reason-hint">
                            {format!("Shown to the other admins on this page and in the audit log; at most {REASON_MAX} characters.")}
                        </p>
                    </div>
                </ConfirmDialog>
            }
        })
    }
}

/// "Suspended by Ada Admin at 2026-12-02 21:53 UTC: key leaked in a CI log", and Resume.
#[component]
pub fn SuspendedBanner(token: TokenView, page: PageChange) -> impl IntoView {
    let Some(suspension) = token
        .suspended
        .clone()
        .filter(|_| token.revoked_at.is_none())
    else {
        return ().into_any();
    };
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    let resume = confirmed_action(resume_token);
    Effect::new(move |_| match resume.value().get() {
        Some(Ok(token)) => page.done(format!("Token “{}” resumed: it works again.", token.name)),
        // Cancelling the password dialog is not a failure to report: nothing was asked.
        Some(Err(AppError::PasswordConfirmationRequired)) | None => {}
        Some(Err(error)) => page.refused(&error),
    });
    let id = token.id;
    let button = match denial(admin, AdminPermission::ApiTokensUpdate) {
        None => view! {
            <button
                type="button"
                id="resume"
                class="button primary"
                disabled=move || !hydrated.get() || resume.pending().get()
                on:click=move |_| {
                    resume.dispatch(id);
                }
            >
                "Resume"
            </button>
        }
        .into_any(),
        Some(why) => view! { <DeniedButton label="Resume".to_owned() why /> }.into_any(),
    };
    view! {
        <div class="hold-banner" data-testid="suspended-banner">
            <p>{suspension_sentence(&suspension)}</p>
            {button}
        </div>
    }
    .into_any()
}

/// Who suspended the token, when, and why (when they said).
fn suspension_sentence(suspension: &Suspension) -> String {
    let by = suspension.by.as_deref().unwrap_or("(removed admin)");
    let at = format_time(suspension.at);
    match suspension.reason.trim() {
        "" => format!("Suspended by {by} at {at}."),
        reason => format!("Suspended by {by} at {at}: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suspension(by: Option<&str>, reason: &str) -> Suspension {
        Suspension {
            at: "2026-12-02T21:53:40Z".parse().unwrap(),
            by: by.map(str::to_owned),
            reason: reason.to_owned(),
        }
    }

    #[test]
    fn the_banner_says_who_when_and_why() {
        assert_eq!(
            suspension_sentence(&suspension(Some("Ada Admin"), "key leaked in a CI log")),
            "Suspended by Ada Admin at 2026-12-02 21:53 UTC: key leaked in a CI log"
        );
    }

    #[test]
    fn without_a_reason_or_an_admin_it_still_reads() {
        assert_eq!(
            suspension_sentence(&suspension(None, "")),
            "Suspended by (removed admin) at 2026-12-02 21:53 UTC."
        );
    }
}
