//! The page's one live region. Screen readers announce a region's change only if the
//! region was already in the page, so results are not announced by inserting a new
//! `role="status"` element: they go through here.

use leptos::prelude::*;

/// What was last announced; `seq` makes the same sentence twice count as a change.
#[derive(Clone, Copy)]
pub struct Announcer {
    message: RwSignal<(u32, String)>,
}

impl Announcer {
    pub fn provide() {
        provide_context(Self {
            message: RwSignal::new((0, String::new())),
        });
    }

    /// Says `message` politely (after what the reader is saying now).
    pub fn say(self, message: impl Into<String>) {
        let message = message.into();
        self.message.update(|(seq, text)| {
            *seq += 1;
            *text = message;
        });
    }
}

/// Announces `message` through the page's live region.
pub fn announce(message: impl Into<String>) {
    expect_context::<Announcer>().say(message);
}

/// The live region itself, rendered once by the app, outside every page.
#[component]
pub fn LiveRegion() -> impl IntoView {
    let announcer = expect_context::<Announcer>();
    view! {
        <div id="announcer" class="sr-only" aria-live="polite" aria-atomic="true">
            {move || announcer.message.with(|(_, text)| text.clone())}
        </div>
    }
}
