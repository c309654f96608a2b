//! Asks before the admin leaves a page whose token value was neither copied nor
//! downloaded: it is never shown again. Two ways out are covered: a full unload (reload,
//! closing the tab, typing an address) through `beforeunload`, and following a link inside
//! the panel, which the router handles without unloading the page, through a click
//! listener that runs before the router's.

use leptos::prelude::*;

/// The sentence the in-panel confirmation asks (browsers show their own for unloads).
#[cfg(feature = "hydrate")]
pub const LEAVE_QUESTION: &str =
    "Leave without copying the token? Its value will not be shown again.";

/// Guards the page while `kept` is false, from now until the calling component is cleaned
/// up. Set `kept` once the value is safe (copied, downloaded, or dismissed with Done).
pub fn guard_leaving(kept: RwSignal<bool>) {
    // Only in the browser: the server has no page to leave, and a browser-only value kept
    // there would be dropped on another thread when the render ends (which panics).
    #[cfg(feature = "hydrate")]
    {
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if !kept.try_get_untracked().unwrap_or(true) {
                // Both, for browsers old and new: either asks the browser to confirm.
                ev.prevent_default();
                ev.set_return_value(LEAVE_QUESTION);
            }
        });
        // Kept in the reactive arena (it is not `Send`); disposing it removes the listener.
        let links = StoredValue::new_local(browser::LinkGuard::install(kept));
        on_cleanup(move || {
            unload.remove();
            links.dispose();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = kept;
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::web_sys::{Element, MouseEvent};

    use super::LEAVE_QUESTION;

    /// A capturing click listener on the window: it runs before the router's (a bubbling
    /// window listener), and `preventDefault` makes the router leave the click alone.
    pub struct LinkGuard {
        listener: Option<Closure<dyn Fn(MouseEvent)>>,
    }

    impl LinkGuard {
        pub fn install(kept: RwSignal<bool>) -> Self {
            let listener = Closure::<dyn Fn(MouseEvent)>::new(move |ev: MouseEvent| {
                if kept.try_get_untracked().unwrap_or(true) || !leaves_the_page(&ev) {
                    return;
                }
                if window()
                    .confirm_with_message(LEAVE_QUESTION)
                    .unwrap_or(true)
                {
                    // Said yes once: the unload that may follow does not ask again.
                    kept.set(true);
                } else {
                    ev.prevent_default();
                    ev.stop_propagation();
                }
            });
            let added = window().add_event_listener_with_callback_and_bool(
                "click",
                listener.as_ref().unchecked_ref(),
                true,
            );
            Self {
                listener: added.is_ok().then_some(listener),
            }
        }
    }

    impl Drop for LinkGuard {
        fn drop(&mut self) {
            if let Some(listener) = self.listener.take() {
                let _ = window().remove_event_listener_with_callback_and_bool(
                    "click",
                    listener.as_ref().unchecked_ref(),
                    true,
                );
            }
        }
    }

    /// A plain left click on a link that takes this tab to another page: not a download,
    /// not a jump within the page (the skip link), not a new tab or window.
    fn leaves_the_page(ev: &MouseEvent) -> bool {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return false;
        }
        let Some(link) = ev
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
        else {
            return false;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        let target = link.get_attribute("target").unwrap_or_default();
        let here = window().location().pathname().unwrap_or_default();
        // A link to this very page (the list's sort and pager links, "API Tokens" on
        // the list) keeps the banner: the page is not left.
        let same_page = href.split(['?', '#']).next() == Some(here.as_str());
        !(link.has_attribute("download")
            || href.starts_with('#')
            || same_page
            || (!target.is_empty() && target != "_self"))
    }
}
