//! Suspending and resuming from the token's page. Suspending only narrows, so it asks no
//! password, just a dialog with an optional reason for the other admins; resuming lets
//! the token work again, so the server wants the password confirmed and the panel asks
//! for it in place ([`confirmed_action`]).

use leptos::prelude::*;
use tollgate::model::{AdminPermission, SUSPENSION_REASON_MAX, Suspension, TokenView, format_time};

use super::PageChange;
use crate::components::{
    ConfirmDialog, DeniedButton, FocusReturn, confirmed_action, denial, use_hydrated, use_signed_in,
};
use crate::error::AppError;
use crate::settings::api_tokens::{resume_token, suspend_token};

const REASON_FIELD: &str = "suspend-reason";

/// The optional reason of a suspend dialog (this page's, the list's bulk one), with its
/// hint; it stops where the core would refuse. Enter runs `on_enter` (the dialog's send).
#[component]
pub(in crate::settings::api_tokens) fn SuspendReasonField(
    id: &'static str,
    reason: RwSignal<String>,
    /// Where the other admins see it besides the audit log: "on this page".
    shown_where: &'static str,
    on_enter: Callback<()>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>"Reason (optional)"</label>
            <input
                id=id
                type="text"
                maxlength=SUSPENSION_REASON_MAX
                autocomplete="off"
                aria-describedby=hint_id.clone()
                prop:value=move || reason.get()
                on:input=move |event| reason.set(event_target_value(&event))
                on:keydown=move |event: leptos::ev::KeyboardEvent| {
                    if event.key() == "Enter" {
                        event.prevent_default();
                        on_enter.run(());
                    }
                }
            />
            <p class="hint" id=hint_id>
                {format!("Shown to the other admins {shown_where} and in the audit log; at most {SUSPENSION_REASON_MAX} characters.")}
            </p>
        </div>
    }
}

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
    // Enter in the reason sends, once: not again while the first is on its way.
    let on_enter = Callback::new(move |()| {
        if !flow.action.pending().get_untracked() {
            send();
        }
    });
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
                    <SuspendReasonField
                        id=REASON_FIELD
                        reason=flow.reason
                        shown_where="on this page"
                        on_enter
                    />
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
