//! Where keyboard focus goes after an action (W3C APG): into a dialog when it opens, back
//! to the control that opened it when it closes, and to the result of an action (the
//! reveal, the message, the first invalid field) so it never falls back to `<body>`.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

/// Focuses the element with `id` once the view has rendered it (next animation frame).
/// A target that is not focusable by nature (a heading, a message) needs `tabindex="-1"`.
pub fn focus_id(id: &'static str) {
    request_animation_frame(move || {
        if let Some(element) = document().get_element_by_id(id) {
            focus(element);
        }
    });
}

/// Focuses the first element that matches a CSS `selector` (e.g. `[aria-invalid="true"]`
/// inside a form) once rendered; nothing happens if none matches.
pub fn focus_first(selector: &'static str) {
    request_animation_frame(move || {
        if let Ok(Some(element)) = document().query_selector(selector) {
            focus(element);
        }
    });
}

fn focus(element: web_sys::Element) {
    if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// The control that had focus when a dialog opened, to give focus back on close.
/// Elements are not `Send`, so it is kept by its `id`: every control that opens a dialog
/// needs one (e.g. `revoke-7`).
#[derive(Clone, Copy)]
pub struct FocusReturn {
    opener: StoredValue<Option<String>>,
}

impl FocusReturn {
    pub fn new() -> Self {
        Self {
            opener: StoredValue::new(None),
        }
    }

    /// Remembers the focused element (call when opening). It must have an `id`.
    pub fn remember(self) {
        let id = document()
            .active_element()
            .map(|element| element.id())
            .filter(|id| !id.is_empty());
        self.opener.set_value(id);
    }

    /// Gives focus back to the remembered control, if it is still in the page, or else
    /// to `fallback_id` (e.g. the page's main heading when the row itself is gone).
    pub fn restore_or(self, fallback_id: &'static str) {
        let opener = self.opener.get_value();
        request_animation_frame(move || {
            let target = opener
                .and_then(|id| document().get_element_by_id(&id))
                .or_else(|| document().get_element_by_id(fallback_id));
            if let Some(element) = target {
                focus(element);
            }
        });
    }
}
