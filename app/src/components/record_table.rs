//! The settings pages' tables of records (administrators, roles): one look, the token
//! table's, in a labelled box that scrolls sideways on a narrow screen.

use leptos::prelude::*;

use crate::components::ScrollRegion;

/// A table of records with one header per `columns` entry and a last, unlabelled column
/// for each row's actions (`<RowActions>`). `children` are the rows.
#[component]
pub fn RecordTable(
    /// The scroll box's accessible name ("Administrators").
    label: &'static str,
    /// The table's own class besides the shared ones (`admins`, `roles`).
    class: &'static str,
    columns: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let headers = columns
        .iter()
        .map(|column| view! { <th scope="col">{*column}</th> })
        .collect_view();
    view! {
        <ScrollRegion label=label>
            <table class=format!("tokens records {class}")>
                <thead>
                    <tr>
                        {headers}
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </ScrollRegion>
    }
}

/// A row's action buttons, spaced evenly and kept on one line.
#[component]
pub fn RowActions(children: Children) -> impl IntoView {
    view! {
        <td class="row-actions">
            <div class="row-buttons">{children()}</div>
        </td>
    }
}
