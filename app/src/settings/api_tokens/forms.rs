//! The create and edit forms posted by the browser itself, for when JavaScript is off.
//!
//! With JavaScript the forms never post: the page builds a request from its signals and
//! calls `create_token` / `update_token`. Without it, the browser posts the form's fields
//! (`application/x-www-form-urlencoded`, one `permissions[]` per ticked checkbox) to the
//! functions below. They read the fields into the same request the page would have built,
//! hand it to the same core call, and answer with a redirect (303, so a reload never posts
//! twice): to the token's page, or back to the form. What that page must show and a URL
//! must not carry (the new token's value; what was typed and why it was refused) waits in
//! the no-JS handoffs ([`crate::server::Handoff`]: sealed in the database, so any instance
//! finds them) for that one page load.

// Form posts need flat server-function arguments, one per field: fourteen to sixteen
// here. (A struct argument would need `form[name]` field names, and `#[server(flatten)]`
// reads every value as text, which `id: i64` refuses.) (Set for the file: the `#[server]` macro drops a function's own `allow` from the
// browser-side stub it generates.)
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use tollgate::catalog::Permission;
use tollgate::lifetime::FIELD;
use tollgate::model::{
    CreatedToken, FieldError, Metadata, NewTokenRequest, Restrictions, TokenLifetime, TokenPatch,
    TokenType, TokenView,
};

use super::{DurationChoice, chosen_lifetime};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{Handoff, HandoffFor, Rpc};

/// The restriction and metadata fields, read the same with and without JavaScript.
pub mod restrictions;
pub use restrictions::RestrictionFields;

/// The create and edit forms' fields as the browser posts them: text, unparsed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenForm {
    pub name: String,
    pub description: String,
    /// `read-only`, `full-access` or `custom`.
    pub token_type: String,
    /// `7`, `30`, `90`, `unlimited`, `custom` (then `expiry_date`), or `keep` (edit only).
    pub duration: String,
    /// `YYYY-MM-DD`, read when `duration` is `custom`.
    pub expiry_date: String,
    /// `articles.find`, … The browser sends only the ticked ones.
    pub permissions: Vec<String>,
    /// Networks, rate limit, quota, start and metadata.
    pub restrictions: RestrictionFields,
}

/// A refused form, back on its page: what was typed, and why it was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnedForm {
    pub form: TokenForm,
    pub error: AppError,
    /// The edit form only: the token as the form first showed it (see [`update_token_form`]),
    /// so that a second try still changes only what the admin changed. Boxed: it is most
    /// of the size of a waiting handoff, and the create form has none.
    pub shown: Option<Box<TokenView>>,
}

impl TokenForm {
    /// The request the create page would have sent for these values.
    pub fn to_request(&self) -> Result<NewTokenRequest, AppError> {
        let ((token_type, permissions, lifetime), (restrictions, metadata)) =
            both(self.grant(), self.restrictions.read())?;
        Ok(NewTokenRequest {
            name: self.name.clone(),
            description: self.description.clone(),
            lifetime,
            token_type,
            permissions: permissions.into_iter().collect(),
            restrictions,
            metadata,
        })
    }

    /// The edit page's patch for these values: only what differs from `original`.
    pub fn to_patch(&self, original: &TokenView) -> Result<TokenPatch, AppError> {
        let ((token_type, permissions, lifetime), (restrictions, metadata)) =
            both(self.grant(), self.restrictions.read())?;
        Ok(changes(
            original,
            Edited {
                name: self.name.clone(),
                description: self.description.clone(),
                token_type,
                permissions,
                lifetime,
                restrictions,
                metadata,
            },
        ))
    }

    /// The type, its permissions and the lifetime (`None`: keep it), as far as they read.
    #[allow(clippy::type_complexity)]
    fn grant(&self) -> Result<(TokenType, BTreeSet<Permission>, Option<TokenLifetime>), AppError> {
        let token_type = self.token_type()?;
        Ok((token_type, self.granted(token_type)?, self.lifetime()?))
    }

    /// The type select always sends one of its options; anything else was not typed here.
    fn token_type(&self) -> Result<TokenType, AppError> {
        TokenType::parse(&self.token_type).ok_or_else(|| {
            invalid(
                "type",
                "Choose a token type: read-only, full access or custom.",
            )
        })
    }

    fn lifetime(&self) -> Result<Option<TokenLifetime>, AppError> {
        let choice = DurationChoice::parse(&self.duration)
            .ok_or_else(|| invalid(FIELD, "Choose how long the token lives."))?;
        chosen_lifetime(choice, &self.expiry_date)
    }

    /// The ticked permissions; none unless the token is custom, as the page sends them.
    /// Whether each exists is the core's call, as for every other caller.
    fn granted(&self, token_type: TokenType) -> Result<BTreeSet<Permission>, AppError> {
        if token_type != TokenType::Custom {
            return Ok(BTreeSet::new());
        }
        self.permissions
            .iter()
            .map(|p| p.parse::<Permission>())
            .collect::<Result<_, _>>()
            .map_err(|message| invalid("permissions", message))
    }
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, message)])
}

/// Both parts of a form, or every field either refused: one post shows all there is to
/// fix, not one field at a time.
pub fn both<A, B>(a: Result<A, AppError>, b: Result<B, AppError>) -> Result<(A, B), AppError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(AppError::Invalid(mut errors)), Err(AppError::Invalid(more))) => {
            errors.extend(more);
            Err(AppError::Invalid(errors))
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    }
}

/// The edit form's values when Save is pressed.
pub struct Edited {
    pub name: String,
    pub description: String,
    pub token_type: TokenType,
    pub permissions: BTreeSet<Permission>,
    pub lifetime: Option<TokenLifetime>,
    /// All of them, as the form now shows them.
    pub restrictions: Restrictions,
    pub metadata: Metadata,
}

/// Only what differs from the token as loaded, so a save never overwrites a field this
/// admin did not touch (another admin may have changed it meanwhile).
pub fn changes(original: &TokenView, edited: Edited) -> TokenPatch {
    let original_permissions: BTreeSet<Permission> = original.permissions.iter().cloned().collect();
    let type_changed = edited.token_type != original.token_type;
    // A typed token gets its permissions from the type; only a custom one sends a list.
    let permissions = (edited.token_type == TokenType::Custom
        && (type_changed || edited.permissions != original_permissions))
        .then(|| edited.permissions.into_iter().collect());
    TokenPatch {
        name: (edited.name != original.name).then_some(edited.name),
        // A form posts line breaks as `\r\n`; the core stores them as `\n`.
        description: (edited.description.replace("\r\n", "\n") != original.description)
            .then_some(edited.description),
        token_type: type_changed.then_some(edited.token_type),
        permissions,
        lifetime: edited.lifetime,
        // Sent whole, so a field cleared lifts its restriction; sent only when changed,
        // since setting a quota again starts it full and every change is audited.
        restrictions: (edited.restrictions != original.restrictions).then_some(edited.restrictions),
        metadata: (edited.metadata != original.metadata).then_some(edited.metadata),
        quota_remaining: None,
    }
}

/// The create form, posted by a browser without JavaScript. Creates through the same
/// [`create_token_as`](super::server_fns::create_token_as) as the page's `create_token`, then shows
/// the token's page with its value (once), or the form again with what was typed.
///
/// Without JavaScript there is no password dialog: when the password must be confirmed
/// again, the form comes back with a password field, and `password` confirms it (like
/// `/rpc/confirm_password`) before the token is created. It is never handed back.
#[server(prefix = "/rpc", endpoint = "create_token_form")]
pub async fn create_token_form(
    name: String,
    #[server(default)] description: String,
    #[server(default)] token_type: String,
    #[server(default)] duration: String,
    #[server(default)] expiry_date: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] allowed_networks: String,
    #[server(default)] rate_limit: String,
    #[server(default)] rate_period: String,
    #[server(default)] quota: String,
    #[server(default)] quota_refill: String,
    #[server(default)] not_before: String,
    #[server(default)] metadata: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let Some((admin, confirmed)) = crate::auth::confirm_then_sign_in(&rpc, &password).await? else {
        return Ok(());
    };
    let form = TokenForm {
        name,
        description,
        token_type,
        duration,
        expiry_date,
        permissions,
        restrictions: RestrictionFields {
            allowed_networks,
            rate_limit,
            rate_period,
            quota,
            quota_refill,
            not_before,
            metadata,
        },
    };
    let created = match confirmed.and_then(|()| form.to_request()) {
        Ok(request) => super::server_fns::create_token_as(&rpc, &admin, &request).await,
        Err(error) => Err(error),
    };
    match created {
        Ok(created) => {
            let page = crate::paths::token(created.token.id);
            let slot = HandoffFor::Reveal(created.token.id);
            rpc.hand_off(slot, Handoff::Reveal(created)).await;
            rpc.redirect(&page);
        }
        Err(error) => {
            let returned = Handoff::Form(ReturnedForm {
                form,
                error,
                shown: None,
            });
            rpc.hand_off(HandoffFor::CreateForm, returned).await;
            rpc.redirect(crate::paths::NEW_TOKEN);
        }
    }
    Ok(())
}

/// The edit form, posted by a browser without JavaScript: the same patch the page would
/// send, through the same [`update_token_as`](super::changes::update_token_as).
///
/// The browser posts every field, changed or not. Like the page, the patch holds only what
/// differs from the token as the form showed it (`shown`, a hidden field with the token's
/// JSON), so a field another admin changed meanwhile, and this one left alone, keeps that
/// change. `shown` is only a baseline: a forged one can't grant more than the admin may,
/// since the core authorizes and validates the patch as any other. Without it, the token
/// as it is now is the baseline.
///
/// An edit that lets the token do more needs the password confirmed again, as creating
/// does: the form comes back with a password field, and `password` confirms it first.
#[server(prefix = "/rpc", endpoint = "update_token_form")]
pub async fn update_token_form(
    id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] token_type: String,
    #[server(default)] duration: String,
    #[server(default)] expiry_date: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] allowed_networks: String,
    #[server(default)] rate_limit: String,
    #[server(default)] rate_period: String,
    #[server(default)] quota: String,
    #[server(default)] quota_refill: String,
    #[server(default)] not_before: String,
    #[server(default)] metadata: String,
    #[server(default)] shown: String,
    #[server(default)] password: String,
) -> Result<(), AppError> {
    let rpc = Rpc::current();
    let Some((admin, confirmed)) = crate::auth::confirm_then_sign_in(&rpc, &password).await? else {
        return Ok(());
    };
    let form = TokenForm {
        name,
        description,
        token_type,
        duration,
        expiry_date,
        permissions,
        restrictions: RestrictionFields {
            allowed_networks,
            rate_limit,
            rate_period,
            quota,
            quota_refill,
            not_before,
            metadata,
        },
    };
    let shown = serde_json::from_str::<TokenView>(&shown)
        .ok()
        .filter(|token| token.id == id);
    let baseline = match &shown {
        Some(token) => Ok(token.clone()),
        None => rpc
            .core
            .tokens
            .get(&admin, id)
            .await
            .map_err(|e| rpc.reject(e)),
    };
    let patch = confirmed.and_then(|()| baseline.and_then(|baseline| form.to_patch(&baseline)));
    let saved = match patch {
        Ok(patch) => super::changes::update_token_as(&rpc, &admin, id, &patch).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => rpc.redirect(&super::edit::saved_token_href(id)),
        Err(error) => {
            let returned = Handoff::Form(ReturnedForm {
                form,
                error,
                shown: shown.map(Box::new),
            });
            rpc.hand_off(HandoffFor::EditForm(id), returned).await;
            rpc.redirect(&crate::paths::edit_token(id));
        }
    }
    Ok(())
}

/// The create form (`edit: None`) or a token's edit form as the browser last posted it,
/// refused; `None` when nothing was posted. Taken: a reload shows the form fresh.
#[server(prefix = "/rpc", endpoint = "returned_token_form", input = Json)]
pub async fn returned_token_form(edit: Option<i64>) -> Result<Option<ReturnedForm>, AppError> {
    let rpc = Rpc::current();
    if rpc.signed_in_actor().await?.is_none() {
        return Ok(None);
    }
    let page = edit.map_or(HandoffFor::CreateForm, HandoffFor::EditForm);
    Ok(match rpc.take_handoff(page).await {
        Some(Handoff::Form(returned)) => Some(returned),
        _ => None,
    })
}

/// The value of the token this admin just created without JavaScript, for its page: this
/// one read only. The page that shows it must not be cached.
#[server(prefix = "/rpc", endpoint = "handed_over_token", input = Json)]
pub async fn handed_over_token(id: i64) -> Result<Option<CreatedToken>, AppError> {
    let rpc = Rpc::current();
    rpc.no_store();
    if rpc.signed_in_actor().await?.is_none() {
        return Ok(None);
    }
    Ok(match rpc.take_handoff(HandoffFor::Reveal(id)).await {
        Some(Handoff::Reveal(created)) => Some(created),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> TokenForm {
        TokenForm {
            name: "CI".into(),
            description: "deploys".into(),
            token_type: "custom".into(),
            duration: "30".into(),
            expiry_date: String::new(),
            permissions: vec!["articles.find".into(), "articles.create".into()],
            restrictions: RestrictionFields::default(),
        }
    }

    #[test]
    fn a_posted_form_reads_as_the_request_the_page_sends() {
        let request = form().to_request().unwrap();
        assert_eq!(request.name, "CI");
        assert_eq!(request.token_type, TokenType::Custom);
        assert_eq!(request.lifetime, Some(TokenLifetime::Days30));
        let permissions: BTreeSet<String> =
            request.permissions.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            permissions,
            BTreeSet::from(["articles.create".into(), "articles.find".into()])
        );
    }

    fn token_view() -> TokenView {
        TokenView {
            id: 1,
            name: "CI".into(),
            description: "two\nlines".into(),
            token_type: TokenType::ReadOnly,
            permissions: vec![],
            hint: "tg_…abcd".into(),
            created_by: None,
            created_by_removed: false,
            created_at: chrono::Utc::now(),
            last_used_at: None,
            last_used_ip: None,
            expires_at: None,
            revoked_at: None,
            revoked_by: None,
            restrictions: Default::default(),
            quota_remaining: None,
            metadata: Default::default(),
            suspended: None,
            previous_value: None,
            leak: None,
            expiry_set_at: None,
            revoked_unused: false,
            outside_policy: false,
        }
    }

    fn edited_as_shown(original: &TokenView) -> Edited {
        Edited {
            name: original.name.clone(),
            description: original.description.clone(),
            token_type: original.token_type,
            permissions: original.permissions.iter().cloned().collect(),
            lifetime: None,
            restrictions: original.restrictions.clone(),
            metadata: original.metadata.clone(),
        }
    }

    #[test]
    fn a_description_posted_with_crlf_line_breaks_is_unchanged() {
        let original = token_view();
        let edited = |description: &str| Edited {
            description: description.into(),
            ..edited_as_shown(&original)
        };
        assert_eq!(changes(&original, edited("two\r\nlines")).description, None);
        assert_eq!(
            changes(&original, edited("two\r\nlines!"))
                .description
                .as_deref(),
            Some("two\r\nlines!")
        );
    }

    #[test]
    fn restrictions_are_sent_whole_and_only_when_changed() {
        let mut original = token_view();
        original.restrictions.allowed_networks = vec!["10.0.0.0/8".into()];
        original.metadata = restrictions::metadata_from_text(r#"{"plan": "pro"}"#).unwrap();
        let unchanged = changes(&original, edited_as_shown(&original));
        assert_eq!(unchanged, TokenPatch::default());

        let cleared = changes(
            &original,
            Edited {
                restrictions: Restrictions::default(),
                metadata: Metadata::default(),
                ..edited_as_shown(&original)
            },
        );
        assert_eq!(cleared.restrictions, Some(Restrictions::default()));
        assert_eq!(cleared.metadata, Some(Metadata::default()));
    }

    #[test]
    fn posted_restrictions_reach_the_request() {
        let request = TokenForm {
            restrictions: RestrictionFields {
                allowed_networks: "10.0.0.0/8, 192.0.2.7".into(),
                rate_limit: "5".into(),
                rate_period: "second".into(),
                metadata: r#"{"customer": "acme"}"#.into(),
                ..RestrictionFields::default()
            },
            ..form()
        }
        .to_request()
        .unwrap();
        assert_eq!(
            request.restrictions.allowed_networks,
            ["10.0.0.0/8", "192.0.2.7"]
        );
        assert_eq!(request.restrictions.rate_limit.unwrap().short(), "5/s");
        assert_eq!(request.metadata.0["customer"], "acme");
    }

    #[test]
    fn a_refused_form_names_every_field_at_once() {
        let refused = TokenForm {
            token_type: "admin".into(),
            restrictions: RestrictionFields {
                metadata: "{customer: acme}".into(),
                ..RestrictionFields::default()
            },
            ..form()
        }
        .to_request()
        .unwrap_err();
        let fields: Vec<&str> = refused
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["type", "metadata"]);
    }

    #[test]
    fn only_a_custom_token_sends_its_ticks() {
        let request = TokenForm {
            token_type: "read-only".into(),
            ..form()
        }
        .to_request()
        .unwrap();
        assert!(request.permissions.is_empty());
    }

    #[test]
    fn what_the_form_cannot_send_is_refused_under_its_field() {
        let field = |form: TokenForm| {
            form.to_request().unwrap_err().field_errors()[0]
                .field
                .clone()
        };
        let no_date = TokenForm {
            duration: "custom".into(),
            ..form()
        };
        assert_eq!(field(no_date), "duration");
        let odd_type = TokenForm {
            token_type: "admin".into(),
            ..form()
        };
        assert_eq!(field(odd_type), "type");
        let odd_permission = TokenForm {
            permissions: vec!["everything".into()],
            ..form()
        };
        assert_eq!(field(odd_permission), "permissions");
    }

    #[test]
    fn a_custom_date_is_read_from_its_own_field() {
        let request = TokenForm {
            duration: "custom".into(),
            expiry_date: "2999-01-31".into(),
            ..form()
        }
        .to_request()
        .unwrap();
        assert!(matches!(request.lifetime, Some(TokenLifetime::Until(_))));
    }
}
