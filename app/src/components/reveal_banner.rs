//! The one time a token's value is shown (after create, and after regenerate): copy it or
//! download it now, try it with the examples, then Done. Until the value was copied or
//! downloaded, leaving the page asks first.

mod examples;
mod leave_guard;

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped;

use crate::Revealed;
use crate::auth::percent_encode;
use crate::components::{announce, focus_id, use_hydrated};
use examples::{Examples, examples};
use leave_guard::guard_leaving;
use tollgate::model::{CreatedToken, format_time};

/// How long a copy button says "Copied" before it offers to copy again.
const COPIED_FOR: Duration = Duration::from_secs(2);

/// The one time a token's value is shown: copy it now or never.
#[component]
pub fn RevealBanner(
    created: CreatedToken,
    /// What just happened to the token: "created" or "regenerated".
    #[prop(default = "created")]
    verb: &'static str,
    /// Called when the admin dismisses the banner with Done. Without it, Done forgets the
    /// value held in the [`Revealed`] context (the list's), if it is this token's.
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    // Whether the value is safe (copied, downloaded) or the admin said Done: from then on
    // leaving the page does not ask.
    let kept = RwSignal::new(false);
    let dismissed = RwSignal::new(false);
    guard_leaving(kept);

    // Focus and the live region move to the reveal as it appears, so a keyboard or screen
    // reader user lands on the value instead of on `<body>`.
    let mounted = format!(
        "Token “{}” {verb}. Copy it now; it will not be shown again.",
        created.token.name
    );
    Effect::new(move |_| {
        announce(mounted.clone());
        focus_id(REVEAL_HEADING);
    });

    let token_id = created.token.id;
    let revealed = use_context::<Revealed>();
    let done = Callback::new(move |()| {
        kept.set(true);
        dismissed.set(true);
        match on_done {
            Some(on_done) => on_done.run(()),
            None => forget_revealed(revealed, token_id),
        }
        focus_after_done(token_id);
    });

    view! {
        <Show when=move || !dismissed.get()>
            <RevealBody created=created.clone() verb kept done />
        </Show>
    }
}

/// The banner heading's id: where focus goes when the reveal appears.
const REVEAL_HEADING: &str = "reveal-title";

#[component]
fn RevealBody(
    created: CreatedToken,
    verb: &'static str,
    kept: RwSignal<bool>,
    done: Callback<()>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let secret = created.secret.expose().to_owned();
    let Examples {
        export_line,
        request,
        names_a_document,
    } = examples(&created, &secret, &origin());
    let (download_name, download_href) = download(&created, &secret);
    let on_copied = Callback::new(move |()| kept.set(true));

    view! {
        <section class="reveal" data-testid="token-reveal" aria-labelledby=REVEAL_HEADING>
            <h2 id=REVEAL_HEADING tabindex="-1">"Token “" {created.token.name.clone()} "” " {verb}</h2>
            <p class="warning">"Make sure to copy this token now. You won't be able to see it again."</p>
            <div class="reveal-value">
                <code data-testid="token-value">{secret}</code>
                // Copying needs JavaScript; without it, select the value or download it.
                <CopyButton text=created.secret.expose().to_owned() primary=true on_copied />
                <a class="button secondary" href=download_href download=download_name
                    on:click=move |_| kept.set(true)>
                    "Download"
                </a>
            </div>
            <p class="muted">"Try it in a shell: set the token once, then call the API."</p>
            <div class="reveal-example">
                <pre class="export" data-testid="example-export"><code>{export_line.clone()}</code></pre>
                <CopyButton text=export_line what=" the export line" on_copied />
            </div>
            <div class="reveal-example">
                <pre class="curl" data-testid="example-request"><code>{request.clone()}</code></pre>
                // Copying the request is not keeping the value: it only says `$TOKEN`.
                <CopyButton text=request what=" the request" on_copied=Callback::new(|()| ()) />
            </div>
            <p class="muted hint">
                "Pasting the export line leaves the token in your shell history. To keep it out, run "
                <code>"read -rs TOKEN"</code>" instead, paste the value and press Enter."
                {names_a_document.then_some(" Replace 1 in the address with the id of one of your documents.")}
            </p>
            <div class="reveal-actions">
                <button type="button" class="button secondary js-only"
                    disabled=move || !hydrated.get()
                    on:click=move |_| done.run(())>
                    "Done"
                </button>
            </div>
        </section>
    }
}

/// A button that copies `text` exactly as shown, says "Copied" for a moment, and announces
/// it. `what` names the copied thing for screen readers when the banner has several.
#[component]
fn CopyButton(
    text: String,
    #[prop(optional)] what: &'static str,
    #[prop(optional)] primary: bool,
    on_copied: Callback<()>,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let text = text.clone();
        // Scoped: the announcement after the await needs the page's context.
        spawn_local_scoped(async move {
            if copy_to_clipboard(&text).await {
                copied.set(true);
                on_copied.run(());
                announce("Copied to clipboard");
                // The banner may be gone by then (Done): `try_set` leaves a disposed signal be.
                set_timeout(
                    move || {
                        let _ = copied.try_set(false);
                    },
                    COPIED_FOR,
                );
            } else {
                announce("Could not copy. Select the text and copy it yourself.");
            }
        });
    };
    let class = if primary {
        "button primary js-only"
    } else {
        "button secondary small js-only"
    };
    view! {
        <button type="button" class=class disabled=move || !hydrated.get() on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
            {(!what.is_empty()).then(|| view! { <span class="sr-only">{what}</span> })}
        </button>
    }
}

/// Done on the list: the value held for the list page is dropped, not just hidden.
fn forget_revealed(revealed: Option<Revealed>, token_id: i64) {
    if let Some(Revealed(revealed)) = revealed {
        let is_this =
            revealed.with_untracked(|r| r.as_ref().is_some_and(|c| c.token.id == token_id));
        if is_this {
            revealed.set(None);
        }
    }
}

/// After Done, focus goes to the token's row in the list (`token-<id>`) if the page has a
/// focusable one, else to the page's main region (never to `<body>`).
fn focus_after_done(token_id: i64) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        use leptos::wasm_bindgen::JsCast;
        let focused = |id: &str| {
            let Some(element) = document()
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
            else {
                return false;
            };
            let _ = element.focus();
            document()
                .active_element()
                .is_some_and(|active| active.id() == id)
        };
        if !focused(&format!("token-{token_id}")) {
            focused("main");
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = token_id;
}

/// The token as a `.txt` file (name, expiry, value), as a `data:` link: nothing leaves the
/// browser.
fn download(created: &CreatedToken, secret: &str) -> (String, String) {
    let token = &created.token;
    let expires = token
        .expires_at
        .map_or_else(|| "never".to_owned(), format_time);
    let text = format!(
        "Tollgate API token\nName: {}\nExpires: {expires}\nToken: {secret}\n\nSend it as the header  Authorization: Bearer {secret}\n",
        token.name
    );
    (
        download_file_name(&token.name),
        format!("data:text/plain;charset=utf-8,{}", percent_encode(&text)),
    )
}

/// `tollgate-token-<slug>.txt`: the name in lower-case ASCII letters and digits, every
/// other run of characters one hyphen ("CI / deploy" → `ci-deploy`).
fn download_file_name(token_name: &str) -> String {
    let mut slug = String::new();
    for c in token_name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "tollgate-token.txt".to_owned()
    } else {
        format!("tollgate-token-{slug}.txt")
    }
}

#[cfg(feature = "hydrate")]
fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// Rendered by the server (a page loaded without JavaScript): the address the browser
/// asked for, as far as the request tells.
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
fn origin() -> String {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return String::new();
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let Some(host) = header("host") else {
        return String::new();
    };
    let https = parts
        .extensions
        .get::<tollgate::request_context::RequestContext>()
        .is_some_and(|request| request.forwarded_https);
    format!("{}://{host}", if https { "https" } else { "http" })
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn origin() -> String {
    String::new()
}

#[cfg(feature = "hydrate")]
async fn copy_to_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}

#[cfg(not(feature = "hydrate"))]
async fn copy_to_clipboard(_text: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::download_file_name;

    #[test]
    fn the_download_name_has_one_hyphen_between_words() {
        assert_eq!(
            download_file_name("CI / deploy"),
            "tollgate-token-ci-deploy.txt"
        );
        assert_eq!(
            download_file_name("  --Nightly  backup!! "),
            "tollgate-token-nightly-backup.txt"
        );
        assert_eq!(
            download_file_name("Read-only 1764-7"),
            "tollgate-token-read-only-1764-7.txt"
        );
    }

    #[test]
    fn a_name_with_no_ascii_letters_still_names_a_file() {
        assert_eq!(download_file_name("日本"), "tollgate-token.txt");
    }
}
