use leptos::prelude::*;
use tollgate::model::{AdminPermission, AdminView};

use crate::Auth;

/// The signed-in admin, for pages inside [`crate::components::AdminShell`] (which renders
/// them only once it is known). Presentation only: the server checks every action again.
pub fn use_signed_in() -> Signal<Option<AdminView>> {
    let auth = expect_context::<Auth>();
    Signal::derive(move || {
        auth.state
            .get()
            .and_then(Result::ok)
            .and_then(|state| state.admin)
    })
}

/// Why the signed-in admin may not do `permission` (the tooltip and the server's 403
/// say the same sentence), or `None` when they may.
pub fn denial(admin: Signal<Option<AdminView>>, permission: AdminPermission) -> Option<String> {
    admin.with(|admin| {
        admin
            .as_ref()
            .map_or_else(|| Some(String::new()), |a| a.denial(permission))
    })
}

/// A button the admin's role does not allow: shown disabled, with the reason on hover.
/// The title sits on the wrapper too, because disabled buttons get no pointer events; on
/// the button it is the accessible description screen readers announce.
#[component]
pub fn DeniedButton(
    label: String,
    why: String,
    #[prop(default = "button secondary")] class: &'static str,
) -> impl IntoView {
    let title = why.clone();
    view! {
        <span class="denied" title=title>
            <button type="button" class=class disabled=true title=why>
                {label}
            </button>
        </span>
    }
}
