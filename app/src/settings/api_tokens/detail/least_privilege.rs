//! The least-privilege hint: what the token's requests of the last days did not need.
//! A custom token may drop the permissions nobody used; a read-only or full-access token
//! may become a custom one with just what it touched. Both narrow the token (audited by
//! the core, no password), and both are only offered when there is usage to go by: a
//! token nobody used says nothing about what it needs.

use leptos::prelude::*;
use tollgate::catalog::Permission;
use tollgate::model::{
    AdminPermission, PermissionUse, TokenDetails, TokenPatch, TokenType, USAGE_DAYS,
};

use super::PageChange;
use crate::components::{ConfirmDialog, confirmed_action, denial, use_hydrated, use_signed_in};
use crate::settings::api_tokens::update_token;

/// What the hint offers, worked out from the page's data alone.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Advice {
    /// A custom token: drop `unused`, keep `keep`.
    RemoveUnused {
        unused: Vec<Permission>,
        keep: Vec<Permission>,
    },
    /// A read-only or full-access token: become custom with just what was `used`.
    Convert { used: Vec<PermissionUse> },
}

impl Advice {
    fn of(details: &TokenDetails) -> Option<Self> {
        let token = &details.token;
        if token.revoked_at.is_some() {
            return None;
        }
        match token.token_type {
            TokenType::Custom => {
                let unused = details.unused_permissions();
                let keep: Vec<Permission> = token
                    .permissions
                    .iter()
                    .filter(|p| !unused.contains(p))
                    .cloned()
                    .collect();
                // All unused: the token was not used at all, which says nothing (and a
                // custom token can't be left with no permission).
                (!unused.is_empty() && !keep.is_empty())
                    .then_some(Advice::RemoveUnused { unused, keep })
            }
            TokenType::ReadOnly | TokenType::FullAccess => {
                let used: Vec<PermissionUse> = details
                    .permission_usage
                    .iter()
                    .filter(|u| u.requests > 0)
                    .cloned()
                    .collect();
                (!used.is_empty()).then_some(Advice::Convert { used })
            }
        }
    }

    /// The edit that takes the advice.
    fn patch(&self) -> TokenPatch {
        let permissions = match self {
            Advice::RemoveUnused { keep, .. } => keep.clone(),
            Advice::Convert { used } => used.iter().map(|u| u.permission.clone()).collect(),
        };
        TokenPatch {
            token_type: Some(TokenType::Custom),
            permissions: Some(permissions),
            ..TokenPatch::default()
        }
    }

    fn button_label(&self) -> &'static str {
        match self {
            Advice::RemoveUnused { .. } => "Remove unused permissions",
            Advice::Convert { .. } => "Convert to a custom token with just these",
        }
    }

    fn title(&self, name: &str) -> String {
        match self {
            Advice::RemoveUnused { .. } => format!("Remove unused permissions from “{name}”?"),
            Advice::Convert { .. } => format!("Convert “{name}” to a custom token?"),
        }
    }

    /// What the confirmation says will be left.
    fn outcome(&self) -> String {
        match self {
            Advice::RemoveUnused { unused, keep } => format!(
                "Requests that need {} are refused from the next one. The token keeps {}.",
                listed(unused),
                listed(keep)
            ),
            Advice::Convert { used } => format!(
                "The token becomes a custom token with only {}; any other request is refused from the next one.",
                listed(
                    &used
                        .iter()
                        .map(|u| u.permission.clone())
                        .collect::<Vec<_>>()
                )
            ),
        }
    }
}

/// `articles.find, articles.create`.
fn listed(permissions: &[Permission]) -> String {
    permissions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn requests(count: i64) -> String {
    if count == 1 {
        "1 request".to_owned()
    } else {
        format!("{count} requests")
    }
}

#[component]
pub fn LeastPrivilegeHint(details: TokenDetails, page: PageChange) -> impl IntoView {
    let Some(advice) = Advice::of(&details) else {
        return ().into_any();
    };
    let id = details.token.id;
    let name = details.token.name.clone();
    let admin = use_signed_in();
    let hydrated = use_hydrated();
    let asking = RwSignal::new(false);
    let apply = confirmed_action(move |patch: TokenPatch| update_token(id, patch));
    Effect::new(move |_| {
        if let Some(Ok(token)) = apply.value().get() {
            asking.set(false);
            page.done(format!(
                "Token “{}” now has only: {}.",
                token.name,
                listed(&token.permissions)
            ));
        }
    });
    let error = Signal::derive(move || {
        apply
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.explain())
    });
    let (intro, items) = match &advice {
        Advice::RemoveUnused { unused, .. } => (
            format!("No request used these permissions in the last {USAGE_DAYS} days:"),
            unused
                .iter()
                .map(|p| view! { <li><code>{p.to_string()}</code></li> })
                .collect_view()
                .into_any(),
        ),
        Advice::Convert { used } => (
            format!("In the last {USAGE_DAYS} days its requests used only:"),
            used.iter()
                .map(|u| {
                    view! { <li><code>{u.permission.to_string()}</code>{format!(" ({})", requests(u.requests))}</li> }
                })
                .collect_view()
                .into_any(),
        ),
    };
    let label = advice.button_label();
    let open = denial(admin, AdminPermission::ApiTokensUpdate)
        .is_none()
        .then(|| {
            view! {
                <button
                    type="button"
                    id="least-privilege"
                    class="button secondary"
                    disabled=move || !hydrated.get()
                    on:click=move |_| {
                        apply.value().set(None);
                        asking.set(true);
                    }
                >
                    {label}
                </button>
            }
        });
    let title = advice.title(&name);
    let message = advice.outcome();
    let patch = advice.patch();
    view! {
        <section class="card" aria-labelledby="least-privilege-title" data-testid="least-privilege">
            <h2 id="least-privilege-title">"Least privilege"</h2>
            <p>{intro}</p>
            <ul class="permissions-used">{items}</ul>
            <p class="muted fact-hint">"A token that may do less does less harm if it leaks."</p>
            <div class="actions">{open}</div>
        </section>
        {move || asking.get().then(|| {
            let patch = patch.clone();
            view! {
                <ConfirmDialog
                    title=title.clone()
                    message=message.clone()
                    confirm_label=label
                    on_confirm=Callback::new(move |()| { apply.dispatch(patch.clone()); })
                    on_cancel=Callback::new(move |()| asking.set(false))
                    pending=apply.pending()
                    error
                />
            }
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use tollgate::catalog::Action;
    use tollgate::model::TokenView;

    fn find() -> Permission {
        Permission::new("articles", Action::Find)
    }

    fn create() -> Permission {
        Permission::new("articles", Action::Create)
    }

    fn details(
        token_type: TokenType,
        permissions: Vec<Permission>,
        used: &[Permission],
    ) -> TokenDetails {
        let token: TokenView = serde_json::from_value(serde_json::json!({
            "id": 7, "name": "ci", "description": "", "type": token_type.as_str(),
            "permissions": permissions, "hint": "tg_…abcd", "created_by": null,
            "created_at": Utc::now(), "last_used_at": null, "last_used_ip": null,
            "expires_at": null, "revoked_at": null, "revoked_by": null,
        }))
        .unwrap();
        TokenDetails {
            token,
            usage: Vec::new(),
            permission_usage: used
                .iter()
                .map(|p| PermissionUse {
                    permission: p.clone(),
                    requests: 3,
                })
                .collect(),
            previous_value_uses: Vec::new(),
        }
    }

    #[test]
    fn a_custom_token_is_offered_to_drop_what_it_did_not_use() {
        let advice = Advice::of(&details(
            TokenType::Custom,
            vec![find(), create()],
            &[find()],
        ));
        let advice = advice.expect("one of two unused");
        assert_eq!(
            advice,
            Advice::RemoveUnused {
                unused: vec![create()],
                keep: vec![find()]
            }
        );
        assert_eq!(advice.patch().permissions, Some(vec![find()]));
        assert_eq!(
            advice.outcome(),
            "Requests that need articles.create are refused from the next one. The token keeps articles.find."
        );
    }

    #[test]
    fn nothing_is_said_without_usage_to_go_by_or_with_nothing_unused() {
        assert_eq!(
            Advice::of(&details(TokenType::Custom, vec![find()], &[])),
            None
        );
        assert_eq!(
            Advice::of(&details(TokenType::Custom, vec![find()], &[find()])),
            None
        );
        assert_eq!(
            Advice::of(&details(TokenType::FullAccess, vec![], &[])),
            None
        );
    }

    #[test]
    fn a_typed_token_is_offered_to_become_custom_with_what_it_touched() {
        let advice = Advice::of(&details(TokenType::ReadOnly, vec![], &[find()])).unwrap();
        let patch = advice.patch();
        assert_eq!(patch.token_type, Some(TokenType::Custom));
        assert_eq!(patch.permissions, Some(vec![find()]));
        assert_eq!(requests(1), "1 request");
    }
}
