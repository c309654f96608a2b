use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

use super::FocusReturn;

/// A modal question with Cancel and a (dangerous) confirm button. Escape cancels; focus
/// starts on Cancel so Enter never confirms by accident, and Tab stays inside the dialog.
/// Escape and Cancel give focus back to the control that opened the dialog (W3C dialog
/// pattern): `opener` when the caller remembered it before something else took focus
/// (the password dialog), else whatever was focused when this dialog appeared.
///
/// With `confirm_text`, the admin must type that text (a token's name) before the confirm
/// button is enabled; focus then starts in that field, and Enter there confirms once it
/// matches. `children` go under the message (e.g. the list of what is about to be revoked).
///
/// With `field_id`, one control among `children` (a reason, a choice) is part of the
/// question: Tab reaches it before the buttons, and with `start_on_field` focus starts
/// there instead of on Cancel.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    #[prop(into)] confirm_label: String,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] confirm_text: Option<String>,
    #[prop(optional)] children: Option<Children>,
    #[prop(optional)] opener: Option<FocusReturn>,
    #[prop(optional)] field_id: Option<&'static str>,
    #[prop(optional)] start_on_field: bool,
) -> impl IntoView {
    let opener = opener.unwrap_or_else(|| {
        let here = FocusReturn::new();
        here.remember();
        here
    });
    let on_cancel = Callback::new(move |()| {
        // Read before the dialog goes away with its owner; focus moves on the next frame.
        opener.restore_or("main");
        on_cancel.run(());
    });
    let cancel_ref = NodeRef::<html::Button>::new();
    let confirm_ref = NodeRef::<html::Button>::new();
    let typed_ref = NodeRef::<html::Input>::new();
    let typed = RwSignal::new(String::new());
    let expected = confirm_text.clone();
    let typed_matches = move || {
        expected
            .as_ref()
            .is_none_or(|text| typed.with(|t| t == text))
    };
    let confirm_disabled = Signal::derive(move || pending.get() || !typed_matches());

    // Children are rendered by the caller, so their control is found by its id.
    let field = move || -> Option<web_sys::HtmlElement> {
        field_id
            .and_then(|id| document().get_element_by_id(id))
            .and_then(|element| element.dyn_into().ok())
    };
    Effect::new(move |_| {
        if start_on_field && let Some(control) = field() {
            let _ = control.focus();
        } else if let Some(input) = typed_ref.get() {
            let _ = input.focus();
        } else if let Some(button) = cancel_ref.get() {
            let _ = button.focus();
        }
    });

    // The elements Tab may reach, in order; a disabled confirm button is skipped.
    let focusables = move || -> Vec<web_sys::HtmlElement> {
        let mut list: Vec<web_sys::HtmlElement> = Vec::new();
        list.extend(field());
        if let Some(input) = typed_ref.get_untracked() {
            list.push(input.unchecked_into());
        }
        if let Some(button) = cancel_ref.get_untracked() {
            list.push(button.unchecked_into());
        }
        if let Some(button) = confirm_ref.get_untracked()
            && !confirm_disabled.get_untracked()
        {
            list.push(button.unchecked_into());
        }
        list
    };
    let on_keydown = move |event: KeyboardEvent| match event.key().as_str() {
        "Escape" => on_cancel.run(()),
        "Tab" => keep_tab_inside(&event, &focusables()),
        _ => {}
    };

    let typed_field = confirm_text.map(|text| {
        let label = format!("Type {text} to confirm");
        view! {
            <label for="confirm-text">
                "Type " <strong class="confirm-text">{text}</strong> " to confirm"
            </label>
            <input
                id="confirm-text"
                type="text"
                autocomplete="off"
                spellcheck="false"
                aria-label=label
                node_ref=typed_ref
                prop:value=move || typed.get()
                on:input=move |event| typed.set(event_target_value(&event))
                on:keydown=move |event: KeyboardEvent| {
                    if event.key() == "Enter" {
                        event.prevent_default();
                        if !confirm_disabled.get_untracked() {
                            on_confirm.run(());
                        }
                    }
                }
            />
        }
    });

    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" on:keydown=on_keydown>
                <h2 id="dialog-title">{title}</h2>
                <p>{message}</p>
                {children.map(|children| children())}
                {typed_field}
                {move || error.get().map(|message| view! { <p role="alert" class="alert error">{message}</p> })}
                <div class="actions">
                    <button type="button" class="button secondary" node_ref=cancel_ref on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                    <button
                        type="button"
                        class="button danger"
                        node_ref=confirm_ref
                        disabled=move || confirm_disabled.get()
                        on:click=move |_| {
                            if !confirm_disabled.get_untracked() {
                                on_confirm.run(());
                            }
                        }
                    >
                        {confirm_label}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// Makes Tab and Shift+Tab wrap around `list` (a dialog's focusable elements, in order),
/// so keyboard focus never leaves an open modal.
pub fn keep_tab_inside(event: &KeyboardEvent, list: &[web_sys::HtmlElement]) {
    let (Some(first), Some(last)) = (list.first(), list.last()) else {
        return;
    };
    let active = document().active_element();
    let is = |element: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == element.unchecked_ref::<web_sys::Element>())
    };
    let inside = list.iter().any(is);
    let wrap_to = if event.shift_key() && (is(first) || !inside) {
        Some(last)
    } else if !event.shift_key() && (is(last) || !inside) {
        Some(first)
    } else {
        None
    };
    if let Some(target) = wrap_to {
        event.prevent_default();
        let _ = target.focus();
    }
}
