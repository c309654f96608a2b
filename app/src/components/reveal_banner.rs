use leptos::prelude::*;
use leptos::task::spawn_local;
use tollgate::catalog::Action;
use tollgate::model::{CreatedToken, TokenType};

/// The one time a token's value is shown: copy it now or never.
#[component]
pub fn RevealBanner(created: CreatedToken) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = created.secret.expose().to_owned();
    let curl = curl_example(&created, &secret);
    let copy = {
        let secret = secret.clone();
        move |_| {
            let secret = secret.clone();
            spawn_local(async move { copied.set(copy_to_clipboard(&secret).await) });
        }
    };

    view! {
        <section class="reveal" data-testid="token-reveal" aria-labelledby="reveal-title">
            <h2 id="reveal-title">"Token “" {created.token.name.clone()} "” created"</h2>
            <p class="warning">"Make sure to copy this token now. You won't be able to see it again."</p>
            <div class="reveal-value">
                <code data-testid="token-value">{secret}</code>
                <button type="button" class="button primary" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
            <p class="muted">"Try it:"</p>
            <pre class="curl"><code>{curl}</code></pre>
        </section>
    }
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

#[cfg(not(feature = "hydrate"))]
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
