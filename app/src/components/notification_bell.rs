//! The bell in the header: new-token notifications for the signed-in admin.

mod server_fns;

use leptos::prelude::*;
use leptos_router::components::A;
use tollgate::model::format_time;
use tollgate::notifications::{Inbox, NotificationView};

use crate::components::{announce, use_hydrated};

use server_fns::{get_inbox, mark_notifications_read};

/// The bell in the top bar: how many notifications are unread, and the newest of them.
/// Opening it re-asks the server; "Mark all read" clears the count.
#[component]
pub fn NotificationBell() -> impl IntoView {
    let hydrated = use_hydrated();
    let open = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    let inbox = Resource::new(move || version.get(), |_| get_inbox());
    let mark_read = Action::new(|_: &()| mark_notifications_read());
    Effect::new(move |_| match mark_read.value().get() {
        Some(Ok(())) => {
            announce("All notifications marked read.");
            version.update(|v| *v += 1);
        }
        Some(Err(error)) => announce(format!("Could not mark them read: {error}")),
        None => {}
    });
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            version.update(|v| *v += 1);
        }
    };
    let unread = move || {
        inbox
            .get()
            .and_then(Result::ok)
            .map_or(0, |inbox| inbox.unread)
    };
    // Escape closes the panel wherever focus is (a button inside may have just been
    // disabled, which sends focus to the page), and hands focus back to the bell.
    let bell_button = NodeRef::<leptos::html::Button>::new();
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = bell_button.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    on_cleanup(move || escape.remove());

    view! {
        <div class="bell">
            // The accessible name is the button's text ("Notifications, 2 unread"), so all
            // of it comes from the awaited count below: nothing read before hydration.
            // Opening needs the wasm: until it runs, the bell is visibly unavailable.
            <button type="button" class="bell-button" id="bell-button" node_ref=bell_button
                aria-expanded=move || open.get().to_string() aria-controls="notifications"
                disabled=move || !hydrated.get()
                on:click=toggle>
                <span class="sr-only">"Notifications"</span>
                <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                    <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
                </svg>
                // Awaited, not read with .get(): hydration must see the count the server
                // rendered, not a resource that has not resolved yet in the browser.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let unread = inbox.await.map_or(0, |inbox| inbox.unread);
                        (unread > 0).then(|| view! {
                            <span class="count" data-testid="unread-count">
                                <span class="sr-only">", "</span>{unread}<span class="sr-only">" unread"</span>
                            </span>
                        })
                    })}
                </Transition>
            </button>
            <Show when=move || open.get()>
                <section id="notifications" class="bell-panel" aria-label="Notifications">
                    <div class="bell-head">
                        <h2>"Notifications"</h2>
                        <button type="button" class="button small secondary"
                            disabled=move || !hydrated.get() || unread() == 0
                            on:click=move |_| { mark_read.dispatch(()); }>
                            "Mark all read"
                        </button>
                    </div>
                    <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match inbox.await {
                                Ok(inbox) => view! { <NotificationList inbox /> }.into_any(),
                                Err(error) => view! { <p role="alert" class="alert error">{error.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </section>
            </Show>
        </div>
    }
    // Erased: the shell around it would otherwise make the page's type too deep to compile.
    .into_any()
}

#[component]
fn NotificationList(inbox: Inbox) -> impl IntoView {
    if inbox.items.is_empty() {
        return view! { <p class="muted">"Nothing yet. You will hear here when someone creates an API token."</p> }.into_any();
    }
    let items = inbox
        .items
        .into_iter()
        .map(
            |NotificationView {
                 message,
                 link,
                 created_at,
                 read,
                 ..
             }| {
                let text = match link {
                    Some(link) => view! { <A href=link>{message}</A> }.into_any(),
                    None => view! { <span>{message}</span> }.into_any(),
                };
                view! {
                    <li class:unread=!read>
                        {text}
                        <time class="muted">{format_time(created_at)}</time>
                    </li>
                }
            },
        )
        .collect_view();
    view! { <ul class="bell-list">{items}</ul> }.into_any()
}
