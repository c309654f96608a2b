//! Regenerating, and the grace period after it: the dialog asks how long the old value
//! keeps working (so scripts can be moved over without an outage), and while it does the
//! page says until when, who still sends it, and offers to stop it at once.

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tollgate::model::{
    AdminPermission, CreatedToken, Grace, PreviousValue, PreviousValueUse, TokenDetails,
    format_time,
};

use super::PageChange;
use crate::components::{
    ConfirmDialog, FocusReturn, confirm_password_first, confirmed_action, denial, use_hydrated,
    use_signed_in,
};
use crate::error::AppError;
use crate::settings::api_tokens::{end_grace, regenerate_token};

/// The regenerate dialog's id for its grace choice (the dialog's Tab cycle finds it by id).
const GRACE_FIELD: &str = "grace";

/// The regenerate flow of the page: password first when due, then the dialog with the
/// grace choice, then the value revealed (in this tab only).
#[derive(Clone, Copy)]
pub struct RegenerateFlow {
    asking: RwSignal<bool>,
    grace: RwSignal<Grace>,
    opener: FocusReturn,
    action: Action<(i64, Grace), Result<CreatedToken, AppError>>,
}

impl RegenerateFlow {
    /// `revealed` gets the new value; `on_done` refreshes the page (which then shows the
    /// grace period, if one was chosen).
    pub fn new(revealed: RwSignal<Option<CreatedToken>>, on_done: Callback<()>) -> Self {
        let flow = Self {
            asking: RwSignal::new(false),
            grace: RwSignal::new(Grace::Now),
            opener: FocusReturn::new(),
            action: confirmed_action(|(id, grace): (i64, Grace)| regenerate_token(id, grace)),
        };
        Effect::new(move |_| {
            if let Some(Ok(created)) = flow.action.value().get() {
                // Moved out of the action so the secret is held in one place only.
                flow.action.value().set(None);
                flow.asking.set(false);
                revealed.set(Some(created));
                on_done.run(());
            }
        });
        flow
    }

    /// Password first when it is due, then the question: never halfway through.
    pub fn open(self) {
        if self.asking.get_untracked() {
            return;
        }
        self.opener.remember();
        self.action.value().set(None);
        // Each time from "Now": a grace period is a choice, never a leftover.
        self.grace.set(Grace::Now);
        spawn_local(async move {
            if confirm_password_first().await {
                self.asking.set(true);
            }
        });
    }
}

/// The dialog, while it is asked.
#[component]
pub fn RegenerateDialog(flow: RegenerateFlow, id: i64, name: String) -> impl IntoView {
    let error = Signal::derive(move || {
        flow.action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.explain())
    });
    let title = format!("Regenerate “{name}”?");
    move || {
        flow.asking.get().then(|| {
            view! {
                <ConfirmDialog
                    title=title.clone()
                    message="A new value replaces the current one. Choose when the current one stops working, then update every script that uses it."
                    confirm_label="Regenerate"
                    on_confirm=Callback::new(move |()| {
                        flow.action.dispatch((id, flow.grace.get_untracked()));
                    })
                    on_cancel=Callback::new(move |()| flow.asking.set(false))
                    pending=flow.action.pending()
                    error
                    opener=flow.opener
                    field_id=GRACE_FIELD
                >
                    <GraceChoice grace=flow.grace />
                </ConfirmDialog>
            }
        })
    }
}

/// "Old value stops: Now / In 1 hour / …".
#[component]
fn GraceChoice(grace: RwSignal<Grace>) -> impl IntoView {
    let options = Grace::ALL
        .into_iter()
        .map(|choice| {
            view! {
                <option value=choice.as_str() selected=move || grace.get() == choice>
                    {choice.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=GRACE_FIELD>"Old value stops"</label>
            <select
                id=GRACE_FIELD
                aria-describedby="grace-hint"
                on:change=move |event| {
                    if let Some(choice) = Grace::parse(&event_target_value(&event)) {
                        grace.set(choice);
                    }
                }
            >
                {options}
            </select>
            <p class="hint" id="grace-hint">
                "Until then both values work, and the page lists who still sends the old one."
            </p>
        </div>
    }
}

/// While the previous value still works: until when, who still sends it, and a way to
/// stop it now. Nothing once it has stopped (or for a revoked token).
#[component]
pub fn GracePeriod(details: TokenDetails, page: PageChange) -> impl IntoView {
    let token = &details.token;
    let works = token.revoked_at.is_none() && token.previous_value_works(Utc::now());
    let Some(previous) = token.previous_value.clone().filter(|_| works) else {
        return ().into_any();
    };
    let id = token.id;
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    let end = Action::new(move |id: &i64| end_grace(*id));
    Effect::new(move |_| match end.value().get() {
        Some(Ok(_)) => page.done("Grace period ended: the previous value is refused from now on."),
        Some(Err(error)) => page.refused(&error),
        None => {}
    });
    let end_button = denial(admin, AdminPermission::ApiTokensRegenerate)
        .is_none()
        .then(|| {
            view! {
                <button
                    type="button"
                    id="end-grace"
                    class="button danger"
                    disabled=move || !hydrated.get() || end.pending().get()
                    on:click=move |_| {
                        end.dispatch(id);
                    }
                >
                    "End the grace period now"
                </button>
            }
        });
    view! {
        <section class="card grace" aria-labelledby="grace-title" data-testid="grace-period">
            <h2 id="grace-title">"Previous value"</h2>
            <p data-testid="grace-until">{grace_sentence(&previous)}</p>
            <PreviousValueUses uses=details.previous_value_uses />
            <div class="actions">{end_button}</div>
        </section>
    }
    .into_any()
}

/// "The previous value (tg_…abcd) works until 2026-12-02 22:53 UTC."
fn grace_sentence(previous: &PreviousValue) -> String {
    format!(
        "The previous value ({}) works until {}.",
        previous.hint,
        format_time(previous.until)
    )
}

/// Who still sends the previous value, latest first: the scripts left to update.
#[component]
fn PreviousValueUses(uses: Vec<PreviousValueUse>) -> impl IntoView {
    if uses.is_empty() {
        return view! { <p class="muted">"No request has used the previous value since."</p> }
            .into_any();
    }
    let rows = uses
        .into_iter()
        .map(|used| {
            view! {
                <tr>
                    <td><code>{address(&used.ip)}</code></td>
                    <td>{used.requests}</td>
                    <td>{format_time(used.last_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="previous-uses" data-testid="previous-value-uses">
                <caption>"Requests still made with the previous value"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Requests"</th>
                        <th scope="col">"Last at"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The client address, or a word for an unknown one (the core stores it empty).
fn address(ip: &str) -> String {
    if ip.is_empty() {
        "unknown".to_owned()
    } else {
        ip.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grace_sentence_names_the_old_hint_and_the_end() {
        let previous = PreviousValue {
            hint: "tg_…abcd".into(),
            until: "2026-12-02T22:53:10Z".parse().unwrap(),
        };
        assert_eq!(
            grace_sentence(&previous),
            "The previous value (tg_…abcd) works until 2026-12-02 22:53 UTC."
        );
    }

    #[test]
    fn an_unknown_address_is_said_in_words() {
        assert_eq!(address(""), "unknown");
        assert_eq!(address("127.0.0.1"), "127.0.0.1");
    }
}
