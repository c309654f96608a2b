//! The password re-confirmation ("sudo mode"), in place. A destructive flow asks the
//! server up front whether the password is due ([`confirm_password_first`]) and takes it
//! before its own confirmation, so the admin is never interrupted after typing a name;
//! any other action that the server answers with "confirm your password first" gets the
//! same dialog and is then sent again ([`confirmed_action`]). The server decides either way.

use futures_channel::oneshot;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

use super::confirm_dialog::keep_tab_inside;
use super::{FocusReturn, announce};
use crate::auth::confirm_password;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::Rpc;

/// Whether this session's next sensitive action would be refused until the password is
/// typed again (the re-confirmation window of `tollgate::admins` has closed). Changes
/// nothing; the action itself is checked again when it is sent.
#[server(prefix = "/rpc", endpoint = "password_confirmation_needed", input = Json)]
pub async fn password_confirmation_needed() -> Result<bool, AppError> {
    let rpc = Rpc::current();
    let admin = rpc.require_admin().await?;
    Ok(admin.needs_password_confirmation())
}

/// The one password dialog of the page, and whoever waits on its answer.
#[derive(Clone, Copy)]
pub struct PasswordPrompt {
    open: RwSignal<bool>,
    waiting: StoredValue<Option<oneshot::Sender<bool>>>,
    /// The control focused when the dialog opened: Escape and Cancel give focus back.
    opener: FocusReturn,
}

impl PasswordPrompt {
    pub fn provide() {
        provide_context(Self {
            open: RwSignal::new(false),
            waiting: StoredValue::new(None),
            opener: FocusReturn::new(),
        });
    }

    /// Opens the dialog; `true` once the password is confirmed, `false` if the admin
    /// cancels (or another action asks meanwhile, which takes the dialog over).
    async fn ask(self) -> bool {
        let (answer, answered) = oneshot::channel();
        if !self.open.get_untracked() {
            self.opener.remember();
        }
        self.waiting.set_value(Some(answer));
        self.open.set(true);
        answered.await.unwrap_or(false)
    }

    fn finish(self, confirmed: bool) {
        self.open.set(false);
        if !confirmed {
            // W3C dialog pattern: back to the control that opened it. When confirmed, the
            // action carries on and moves focus to its own result.
            self.opener.restore_or("main");
        }
        if let Some(answer) = self.waiting.try_update_value(Option::take).flatten() {
            let _ = answer.send(confirmed);
        }
    }
}

/// "Sudo mode" before a destructive confirmation: asks the server whether the password is
/// due and, if so, asks for it now. `true`: go on (confirmed, or not needed); `false`: the
/// admin cancelled. If the check itself fails, this goes on: the action's own answer
/// ([`confirmed_action`]) still asks when it must.
pub async fn confirm_password_first() -> bool {
    let prompt = expect_context::<PasswordPrompt>();
    match password_confirmation_needed().await {
        Ok(true) => prompt.ask().await,
        Ok(false) | Err(_) => true,
    }
}

/// An action that asks for the password when its server function requires it, then
/// sends the same input again. Cancelling leaves the "confirm your password" error as
/// the action's result, for the form to show.
pub fn confirmed_action<I, O, F, Fu>(run: F) -> Action<I, Result<O, AppError>>
where
    I: Clone + Send + Sync + 'static,
    O: Send + Sync + 'static,
    F: Fn(I) -> Fu + Clone + Send + Sync + 'static,
    Fu: Future<Output = Result<O, AppError>> + Send + 'static,
{
    let prompt = expect_context::<PasswordPrompt>();
    Action::new(move |input: &I| {
        let (input, run) = (input.clone(), run.clone());
        async move {
            match run(input.clone()).await {
                Err(AppError::PasswordConfirmationRequired) if prompt.ask().await => {
                    run(input).await
                }
                other => other,
            }
        }
    })
}

/// Rendered once, at the top of the app; shows itself while an action waits.
#[component]
pub fn PasswordDialog() -> impl IntoView {
    let prompt = expect_context::<PasswordPrompt>();
    move || prompt.open.get().then(|| view! { <PasswordForm prompt /> })
}

#[component]
fn PasswordForm(prompt: PasswordPrompt) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let confirm = Action::new(|password: &String| confirm_password(password.clone()));
    let input_ref = NodeRef::<html::Input>::new();
    let cancel_ref = NodeRef::<html::Button>::new();
    let submit_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(input) = input_ref.get() {
            let _ = input.focus();
        }
    });
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(())) => prompt.finish(true),
        // Refused: the server's sentence (how many tries are left, or until when the
        // account is locked) is shown and announced, the field emptied and focused for
        // another try; the action waiting on the answer keeps waiting.
        Some(Err(error)) => {
            password.set(String::new());
            announce(error.explain());
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
        }
        None => {}
    });
    // Escape cancels wherever focus is (a button that was just disabled drops it).
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" {
            prompt.finish(false);
        }
    });
    on_cleanup(move || escape.remove());
    let error = move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error.explain())
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        confirm.dispatch(password.get_untracked());
    };
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Tab" {
            let list: Vec<web_sys::HtmlElement> = [
                input_ref.get_untracked().map(JsCast::unchecked_into),
                cancel_ref.get_untracked().map(JsCast::unchecked_into),
                submit_ref.get_untracked().map(JsCast::unchecked_into),
            ]
            .into_iter()
            .flatten()
            .collect();
            keep_tab_inside(&event, &list);
        }
    };
    view! {
        <div class="backdrop">
            <form
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="password-dialog-title"
                aria-describedby="password-dialog-why"
                on:keydown=on_keydown
                on:submit=on_submit
            >
                <h2 id="password-dialog-title">"Confirm your password"</h2>
                <p id="password-dialog-why">
                    "This action changes who can reach your API, so Tollgate asks for your password again. You won't be asked again for a few minutes."
                </p>
                <label for="confirm-password">"Password"</label>
                <input
                    id="confirm-password"
                    type="password"
                    autocomplete="current-password"
                    required
                    node_ref=input_ref
                    aria-invalid=move || error().map(|_| "true")
                    aria-describedby=move || error().map(|_| "password-dialog-error")
                    prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))
                />
                // Not role="alert": the page's live region says it once (above).
                {move || error().map(|message| view! { <p class="alert error" id="password-dialog-error">{message}</p> })}
                <div class="actions">
                    <button type="button" class="button secondary" node_ref=cancel_ref on:click=move |_| prompt.finish(false)>
                        "Cancel"
                    </button>
                    <button type="submit" class="button primary" node_ref=submit_ref disabled=move || confirm.pending().get()>
                        "Confirm"
                    </button>
                </div>
            </form>
        </div>
    }
}
