//! Where keyboard focus goes after an action (W3C APG): into a dialog when it opens, back
//! to the control that opened it when it closes, and to the result of an action (the
//! reveal, the message, the first invalid field) so it never falls back to `<body>`.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

/// How many animation frames (about two seconds) a focus target may take to appear.
const FRAMES_TO_WAIT: u32 = 120;

/// Focuses the element with `id` once it is in the page. A target that is not focusable
/// by nature (a heading, a message) needs `tabindex="-1"`.
pub fn focus_id(id: &'static str) {
    focus_when_in_page(
        Rc::new(move || document().get_element_by_id(id)),
        FRAMES_TO_WAIT,
    );
}

/// Focuses the first element that matches a CSS `selector` (e.g. `[aria-invalid="true"]`
/// inside a form) once it is in the page; nothing happens if none appears.
pub fn focus_first(selector: &'static str) {
    focus_when_in_page(
        Rc::new(move || document().query_selector(selector).ok().flatten()),
        FRAMES_TO_WAIT,
    );
}

/// Looks for the target at each animation frame until it is found or `frames_left` run
/// out. One frame is not always enough: a page that navigates and then loads (inside a
/// `Suspense`) renders its view before it is attached, so the target is not in the
/// document yet when the view's effects run.
fn focus_when_in_page(find: Rc<dyn Fn() -> Option<web_sys::Element>>, frames_left: u32) {
    request_animation_frame(move || match find() {
        Some(element) => focus(element),
        None if frames_left > 0 => focus_when_in_page(find, frames_left - 1),
        None => {}
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
