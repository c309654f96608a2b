use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

/// A modal question with Cancel and a (dangerous) confirm button. Escape cancels; focus
/// starts on Cancel so Enter never confirms by accident.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    confirm_label: &'static str,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let cancel_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_ref.get() {
            let _ = button.focus();
        }
    });
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Escape" {
            on_cancel.run(());
        }
    };

    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" on:keydown=on_keydown>
                <h2 id="dialog-title">{title}</h2>
                <p>{message}</p>
                {move || error.get().map(|message| view! { <p role="alert" class="alert error">{message}</p> })}
                <div class="actions">
                    <button type="button" class="button secondary" node_ref=cancel_ref on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                    <button
                        type="button"
                        class="button danger"
                        disabled=move || pending.get()
                        on:click=move |_| on_confirm.run(())
                    >
                        {confirm_label}
                    </button>
                </div>
            </div>
        </div>
    }
}
