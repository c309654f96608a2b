use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

/// A modal question with Cancel and a (dangerous) confirm button. Escape cancels; focus
/// starts on Cancel so Enter never confirms by accident, and Tab cycles between the two
/// buttons without leaving the dialog (it is modal: the page behind is not reachable).
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
    let confirm_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_ref.get() {
            let _ = button.focus();
        }
    });
    let on_keydown =
        move |event: KeyboardEvent| match event.key().as_str() {
            "Escape" => on_cancel.run(()),
            "Tab" => {
                event.prevent_default();
                let on_cancel_button = event.target().zip(cancel_ref.get_untracked()).is_some_and(
                    |(target, cancel)| {
                        target == *AsRef::<leptos::web_sys::EventTarget>::as_ref(&cancel)
                    },
                );
                let next = if on_cancel_button && !pending.get_untracked() {
                    confirm_ref.get_untracked()
                } else {
                    cancel_ref.get_untracked()
                };
                if let Some(button) = next {
                    let _ = button.focus();
                }
            }
            _ => {}
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
                        node_ref=confirm_ref
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
