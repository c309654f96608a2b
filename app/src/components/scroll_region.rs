use leptos::prelude::*;

/// A wide table's box, scrolling sideways on a narrow screen. It is a named tab stop of
/// its own, so the keyboard can scroll it even when no row holds a control (built-in
/// roles, a lone admin, an audit page of plain text).
#[component]
pub fn ScrollRegion(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}
