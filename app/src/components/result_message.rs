//! The outcome of the last action on a settings page ("Added Ada Admin as Viewer."):
//! shown above the list, said through the live region, and given focus (W3C APG: focus
//! moves to an action's result), since the control that was used is often gone or
//! re-rendered once the list refreshes.

use leptos::prelude::*;

use crate::components::announce;

#[derive(Clone, PartialEq)]
enum Outcome {
    Done(String),
    Refused(String),
}

/// One page's result message, kept outside the list so it outlives the list's refresh.
#[derive(Clone, Copy)]
pub struct ResultMessage {
    /// The message's element id, which focus moves to.
    id: &'static str,
    outcome: RwSignal<Option<Outcome>>,
}

impl ResultMessage {
    pub fn new(id: &'static str) -> Self {
        Self {
            id,
            outcome: RwSignal::new(None),
        }
    }

    /// An action succeeded.
    pub fn done(self, message: impl Into<String>) {
        self.show(Outcome::Done(message.into()));
    }

    /// The server refused an action that has no form of its own to show why.
    pub fn refused(self, message: impl Into<String>) {
        self.show(Outcome::Refused(message.into()));
    }

    pub fn clear(self) {
        self.outcome.set(None);
    }

    fn show(self, outcome: Outcome) {
        let (Outcome::Done(text) | Outcome::Refused(text)) = &outcome;
        announce(text.clone());
        self.outcome.set(Some(outcome));
        // Two frames: one for the message to render, and one so focus lands here after a
        // closing dialog has handed it back to its opener (which may be about to go).
        let id = self.id;
        request_animation_frame(move || {
            request_animation_frame(move || {
                if let Some(element) = document().get_element_by_id(id) {
                    use leptos::wasm_bindgen::JsCast;
                    if let Ok(element) = element.dyn_into::<leptos::web_sys::HtmlElement>() {
                        let _ = element.focus();
                    }
                }
            });
        });
    }

    pub fn view(self) -> impl IntoView {
        let id = self.id;
        move || {
            self.outcome.get().map(|outcome| match outcome {
                Outcome::Done(text) => {
                    view! { <p id=id tabindex="-1" class="alert ok result">{text}</p> }.into_any()
                }
                Outcome::Refused(text) => {
                    view! { <p id=id tabindex="-1" class="alert error result">{text}</p> }
                        .into_any()
                }
            })
        }
    }
}
