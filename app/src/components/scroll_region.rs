use leptos::prelude::*;

/// A wide table's box, scrolling sideways on a narrow screen. It is a named tab stop of
/// its own, so the keyboard can scroll it even when no row holds a control (built-in
/// roles, a lone admin, an audit page of plain text).
#[component]
pub fn ScrollRegion(
    #[prop(into)] label: String,
    /// `false` for a table whose every row holds a control: focusing one scrolls it into
    /// view, so the box needs no tab stop of its own.
    #[prop(default = true)]
    focusable: bool,
    /// Extra classes for the box, e.g. `matrix-wrap`.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let class = format!("table-wrap {class}").trim_end().to_owned();
    view! {
        <div class=class tabindex=focusable.then_some("0") role="region" aria-label=label>
            {children()}
        </div>
    }
}
