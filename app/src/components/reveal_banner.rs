use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::percent_encode;
use tollgate::catalog::Action;
use tollgate::model::{CreatedToken, TokenType, format_time};

/// The one time a token's value is shown: copy it now or never.
#[component]
pub fn RevealBanner(
    created: CreatedToken,
    /// What just happened to the token: "created" or "regenerated".
    #[prop(default = "created")]
    verb: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = created.secret.expose().to_owned();
    let curl = curl_example(&created, &secret);
    let (download_name, download_href) = download(&created, &secret);
    let copy = {
        let secret = secret.clone();
        move |_| {
            let secret = secret.clone();
            spawn_local(async move { copied.set(copy_to_clipboard(&secret).await) });
        }
    };

    view! {
        <section class="reveal" data-testid="token-reveal" aria-labelledby="reveal-title">
            <h2 id="reveal-title">"Token “" {created.token.name.clone()} "” " {verb}</h2>
            <p class="warning">"Make sure to copy this token now. You won't be able to see it again."</p>
            <div class="reveal-value">
                <code data-testid="token-value">{secret}</code>
                // Copying needs JavaScript; without it, select the value or download it.
                <button type="button" class="button primary js-only" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <a class="button secondary" href=download_href download=download_name>"Download"</a>
            </div>
            <p class="muted">"Try it:"</p>
            <pre class="curl"><code>{curl}</code></pre>
        </section>
    }
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
    let slug: String = token
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = format!("tollgate-token-{}.txt", slug.trim_matches('-'));
    (
        name,
        format!("data:text/plain;charset=utf-8,{}", percent_encode(&text)),
    )
}

/// A ready-to-paste request to an endpoint this token may call.
fn curl_example(created: &CreatedToken, secret: &str) -> String {
    let (method, path) = match created.token.token_type {
        TokenType::Custom => created
            .token
            .permissions
            .first()
            .map(|p| {
                let endpoint = p.action.endpoint(&p.resource).replace("{id}", "1");
                let (method, path) = endpoint.split_once(' ').unwrap_or(("GET", "/api/articles"));
                (method.to_owned(), path.to_owned())
            })
            .unwrap_or_else(|| ("GET".into(), "/api/articles".into())),
        _ => (
            "GET".into(),
            Action::Find.endpoint("articles")[4..].to_owned(),
        ),
    };
    let method = if method == "GET" {
        String::new()
    } else {
        format!("-X {method} ")
    };
    format!(
        "curl {method}-H \"Authorization: Bearer {secret}\" {}{path}",
        origin()
    )
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
