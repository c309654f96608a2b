//! Where the create and edit forms start: blank, "copy as new" from an existing token, the
//! token being edited, or a form the server refused.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use tollgate::catalog::Permission;
use tollgate::model::{TokenLifetime, TokenType, TokenView};

use crate::settings::api_tokens::TokenForm;
use crate::settings::api_tokens::forms::RestrictionFields;
use crate::settings::api_tokens::{DurationChoice, date_value};

/// The create form's starting values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenDraft {
    pub name: String,
    pub description: String,
    pub token_type: TokenType,
    pub permissions: BTreeSet<Permission>,
    pub duration: DurationChoice,
    /// The custom date input's value, when `duration` is custom.
    pub date: String,
    /// The restriction and metadata fields' text.
    pub restrictions: RestrictionFields,
}

impl Default for TokenDraft {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            token_type: TokenType::default(),
            permissions: BTreeSet::new(),
            duration: DurationChoice::Preset(TokenLifetime::default()),
            date: String::new(),
            restrictions: RestrictionFields::default(),
        }
    }
}

impl TokenDraft {
    /// A blank form starting on `lifetime` (the token policy's default duration).
    pub fn starting_on(lifetime: TokenLifetime) -> Self {
        let (duration, date) = match lifetime {
            TokenLifetime::Until(at) => (DurationChoice::Custom, date_value(at)),
            preset => (DurationChoice::Preset(preset), String::new()),
        };
        Self {
            duration,
            date,
            ..Self::default()
        }
    }

    /// The values a refused form was posted with, as far as they read; what does not read
    /// (the browser's own selects never send such values) falls back to the default.
    pub fn from_form(form: &TokenForm) -> Self {
        let default = Self::default();
        Self {
            name: form.name.clone(),
            description: form.description.clone(),
            token_type: TokenType::parse(&form.token_type).unwrap_or(default.token_type),
            permissions: form
                .permissions
                .iter()
                .filter_map(|p| p.parse().ok())
                .collect(),
            duration: DurationChoice::parse(&form.duration).unwrap_or(default.duration),
            date: form.expiry_date.clone(),
            restrictions: form.restrictions.clone(),
        }
    }

    /// `token` as it is, for its edit form: the expiry is kept unless changed.
    pub fn editing(token: &TokenView) -> Self {
        Self {
            name: token.name.clone(),
            description: token.description.clone(),
            token_type: token.token_type,
            permissions: token.permissions.iter().cloned().collect(),
            duration: DurationChoice::Keep,
            date: String::new(),
            restrictions: RestrictionFields::showing(&token.restrictions, &token.metadata),
        }
    }

    /// `token`'s settings under a new name, its restrictions and metadata too. Never its
    /// value (the view does not hold one), nor its hold or what its quota has left: the
    /// copy starts working and with its quota full.
    pub fn copy_of(token: &TokenView, now: DateTime<Utc>) -> Self {
        let (duration, date) = duration_of(token, now);
        Self {
            name: format!("{} (copy)", token.name),
            description: token.description.clone(),
            token_type: token.token_type,
            permissions: token.permissions.iter().cloned().collect(),
            duration,
            date,
            restrictions: RestrictionFields::showing(&token.restrictions, &token.metadata),
        }
    }
}

/// The lifetime a token was given, read back from its dates: only the expiry is stored.
/// A preset if it lived that long from creation (give or take an hour: an edit may have
/// reset it), else its date if that is still ahead, else the form's default.
fn duration_of(token: &TokenView, now: DateTime<Utc>) -> (DurationChoice, String) {
    let Some(expires_at) = token.expires_at else {
        return (
            DurationChoice::Preset(TokenLifetime::Unlimited),
            String::new(),
        );
    };
    let lived = expires_at - token.created_at;
    let preset = TokenLifetime::DAY_PRESETS.into_iter().find(|preset| {
        preset
            .days()
            .is_some_and(|days| (lived - Duration::days(days)).abs() < Duration::hours(1))
    });
    match preset {
        Some(preset) => (DurationChoice::Preset(preset), String::new()),
        None if expires_at.date_naive() > now.date_naive() => {
            (DurationChoice::Custom, date_value(expires_at))
        }
        None => (
            DurationChoice::Preset(TokenLifetime::default()),
            String::new(),
        ),
    }
}
