//! The list refreshes itself, as often as token usage is written (a newer "Last used"
//! cannot show up sooner), so a token created by a script or another admin appears
//! without a reload.
//!
//! Only when it disturbs nothing: not while the tab is hidden, a dialog is open or the
//! admin is typing, and only when the rows changed. The table is redrawn then, so the
//! focused control (found again by its `id`) gets focus back.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use tollgate::model::{TokenListParams, TokenPage};

use super::selection::Selection;
use super::server_fns::ListClock;
use crate::error::AppError;
use crate::settings::api_tokens::list_token_page;

type Page = Resource<(TokenListParams, Result<TokenPage, AppError>)>;

/// Starts refreshing `page` once the clock says how often (in the browser only).
pub fn refresh_while_visible(
    page: Page,
    params: Memo<TokenListParams>,
    clock: Resource<Result<ListClock, AppError>>,
    selection: RwSignal<Selection>,
) {
    let busy = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(Ok(clock)) = clock.get() else {
            return;
        };
        let every = Duration::from_secs(clock.refresh_every_seconds);
        let tick = move || {
            if !busy.get_value() && undisturbed() {
                busy.set_value(true);
                spawn_local(async move {
                    refresh(page, params, selection).await;
                    // The list may have left the page while the request ran.
                    let _ = busy.try_set_value(false);
                });
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, every) {
            on_cleanup(move || handle.clear());
        }
    });
}

/// Fetches the page shown and puts it in place if it differs.
async fn refresh(page: Page, params: Memo<TokenListParams>, selection: RwSignal<Selection>) {
    let wanted = params.get_untracked();
    // A navigation under way brings its own fresh page.
    let shows_wanted =
        page.with_untracked(|value| matches!(value, Some((shown, Ok(_))) if *shown == wanted));
    if !shows_wanted {
        return;
    }
    let Ok(fresh) = list_token_page(wanted.clone()).await else {
        return;
    };
    // The admin may have moved on (another page, another list) or started typing
    // while the request ran.
    let still_wanted = params.try_get_untracked().is_some_and(|now| now == wanted);
    let unchanged = page.try_with_untracked(|value| {
        matches!(value, Some((shown, Ok(current))) if *shown == wanted && *current == fresh)
    });
    if unchanged != Some(false) || !still_wanted || !undisturbed() {
        return;
    }
    // A token revoked elsewhere can no longer be selected.
    let selectable = |id: &i64| {
        fresh
            .data
            .iter()
            .any(|token| token.id == *id && token.revoked_at.is_none())
    };
    if selection.with_untracked(|s| !s.ids.iter().all(selectable)) {
        selection.update(|s| s.ids.retain(selectable));
    }
    let focused = focused_id();
    page.set(Some((wanted, Ok(fresh))));
    if let Some(id) = focused {
        refocus(id);
    }
}

/// Whether a refresh now would disturb nobody: the tab is shown, no dialog is open and
/// focus is not in a text field or menu.
fn undisturbed() -> bool {
    const TYPING: &str = "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]";
    const DIALOG: &str = "[role=dialog], [role=alertdialog], dialog[open]";
    let document = document();
    let typing = document
        .active_element()
        .is_some_and(|element| element.matches(TYPING).unwrap_or(false));
    let dialog = matches!(document.query_selector(DIALOG), Ok(Some(_)));
    !document.hidden() && !typing && !dialog
}

fn focused_id() -> Option<String> {
    document()
        .active_element()
        .map(|element| element.id())
        .filter(|id| !id.is_empty())
}

/// Focus back on the control with `id` once the redrawn table is in the page.
fn refocus(id: String) {
    request_animation_frame(move || {
        let element = document()
            .get_element_by_id(&id)
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}
