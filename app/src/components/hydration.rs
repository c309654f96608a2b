//! Whether the wasm has taken over the page. The server renders every page before the
//! browser has loaded the wasm; until then a button that needs JavaScript would swallow a
//! click for good. Such buttons are rendered disabled and come alive with the page.

use leptos::prelude::*;

/// `true` once the page is hydrated (never on the server).
#[derive(Clone, Copy)]
struct Hydrated(RwSignal<bool>);

/// Starts the flag at `false` (what the server renders, so hydration matches) and sets it
/// once the wasm runs. The `data-hydrated` mark on `<body>` tells tests and the CSS.
pub fn provide_hydrated() {
    let hydrated = RwSignal::new(false);
    provide_context(Hydrated(hydrated));
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        hydrated.set(true);
    });
}

/// Whether the controls that need JavaScript work yet. Give every such control
/// `disabled=move || !hydrated.get()` (plus its own conditions); links and forms that
/// submit without JavaScript need nothing.
pub fn use_hydrated() -> Signal<bool> {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    hydrated.into()
}
