//! The password re-confirmation, in place: when the server answers a sensitive action
//! with "confirm your password first", a dialog asks for it, and once it is confirmed the
//! same action is sent again. The server decides when to ask; this only answers.

use futures_channel::oneshot;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

use super::confirm_dialog::keep_tab_inside;
use crate::auth::confirm_password;
use crate::error::AppError;

/// The one password dialog of the page, and whoever waits on its answer.
#[derive(Clone, Copy)]
pub struct PasswordPrompt {
    open: RwSignal<bool>,
    waiting: StoredValue<Option<oneshot::Sender<bool>>>,
}

impl PasswordPrompt {
    pub fn provide() {
        provide_context(Self {
            open: RwSignal::new(false),
            waiting: StoredValue::new(None),
        });
    }

    /// Opens the dialog; `true` once the password is confirmed, `false` if the admin
    /// cancels (or another action asks meanwhile, which takes the dialog over).
    async fn ask(self) -> bool {
        let (answer, answered) = oneshot::channel();
        self.waiting.set_value(Some(answer));
        self.open.set(true);
        answered.await.unwrap_or(false)
    }

    fn finish(self, confirmed: bool) {
        self.open.set(false);
        if let Some(answer) = self.waiting.try_update_value(Option::take).flatten() {
            let _ = answer.send(confirmed);
        }
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
        // Wrong: back to the field, its text selected, ready for another try.
        Some(Err(_)) => {
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
                input.select();
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
                    prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))
                />
                {move || error().map(|message| view! { <p role="alert" class="alert error">{message}</p> })}
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
