//! Raw input becomes domain types here, once. Every message says what to fix.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::catalog::{Catalog, Permission};
use crate::lifetime::Expiry;
use crate::model::{FieldError, NewAdminRequest, NewTokenRequest, TokenType};
use crate::policy::TokenPolicy;

pub mod restrictions;
pub mod text;
pub mod token_edit;
pub mod webhook_url;
pub use restrictions::{ValidMetadata, ValidRestrictions};
pub use text::{Lines, fold};
pub use token_edit::TokenEdit;
pub use webhook_url::WebhookUrl;

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 500;
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 1024;
const EMAIL_MAX: usize = 254;

/// A token's, admin's or role's display name: trimmed, on one line, at most 100
/// characters, with something visible in it and nothing invisible (see [`text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        text::check(field, "Name", raw, Lines::One)?;
        let name = raw.trim();
        if name.is_empty() {
            return Err(FieldError::new(field, "Name is required."));
        }
        if fold(name).is_empty() {
            return Err(FieldError::new(
                field,
                "Name has no visible characters: type a name people can read.",
            ));
        }
        if name.chars().count() > NAME_MAX {
            return Err(FieldError::new(
                field,
                format!("Name must be at most {NAME_MAX} characters."),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional free text, trimmed, at most 500 characters. It may span lines (a form's
/// `\r\n` is kept as `\n`) but holds nothing else invisible (see [`text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.replace("\r\n", "\n");
        text::check("description", "Description", &raw, Lines::Many)?;
        let text = raw.trim();
        if text.chars().count() > DESCRIPTION_MAX {
            return Err(FieldError::new(
                "description",
                format!("Description must be at most {DESCRIPTION_MAX} characters."),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a token may do: its type and, for custom tokens only, a non-empty permission set
/// drawn from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub token_type: TokenType,
    pub permissions: Vec<Permission>,
}

impl Grant {
    pub fn parse(
        catalog: &Catalog,
        token_type: TokenType,
        permissions: &[Permission],
    ) -> Result<Self, FieldError> {
        let field = "permissions";
        if token_type != TokenType::Custom {
            if !permissions.is_empty() {
                return Err(FieldError::new(
                    field,
                    "Only custom tokens list permissions; read-only and full access tokens get theirs from their type.",
                ));
            }
            return Ok(Self {
                token_type,
                permissions: Vec::new(),
            });
        }
        // Bounded before anything is looked up: the catalog can't grant more than this.
        let most = catalog.all_permissions().count();
        if permissions.len() > most {
            return Err(FieldError::new(
                field,
                format!(
                    "List each permission once: there are only {most}, and {} were sent.",
                    permissions.len()
                ),
            ));
        }
        if let Some(unknown) = permissions.iter().find(|p| !catalog.contains(p)) {
            return Err(FieldError::new(
                field,
                format!(
                    "Unknown permission {unknown}: the resource `{}` does not exist.",
                    unknown.resource
                ),
            ));
        }
        let unique: BTreeSet<Permission> = permissions.iter().cloned().collect();
        if unique.is_empty() {
            return Err(FieldError::new(field, "Choose at least one permission."));
        }
        Ok(Self {
            token_type,
            permissions: unique.into_iter().collect(),
        })
    }
}

/// A create-token request that passed validation.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: Name,
    pub description: Description,
    pub expiry: Expiry,
    pub grant: Grant,
    pub restrictions: ValidRestrictions,
    pub metadata: ValidMetadata,
}

impl NewToken {
    /// Validates every field (the expiry against `now` and the token policy) and reports
    /// all problems at once.
    pub fn parse(
        catalog: &Catalog,
        request: &NewTokenRequest,
        policy: &TokenPolicy,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let name = Name::parse("name", &request.name);
        let description = Description::parse(&request.description);
        // No choice: the policy's default, which is within it by construction.
        let lifetime = request
            .lifetime
            .unwrap_or_else(|| policy.default_lifetime(now));
        let expiry = Expiry::parse_within(lifetime, policy, now);
        let grant = Grant::parse(catalog, request.token_type, &request.permissions);
        let ends = expiry.as_ref().ok().and_then(|e| e.at());
        let restrictions = ValidRestrictions::parse(&request.restrictions, ends);
        let metadata = ValidMetadata::parse(&request.metadata);
        match (name, description, expiry, grant, restrictions, metadata) {
            (Ok(name), Ok(description), Ok(expiry), Ok(grant), Ok(restrictions), Ok(metadata)) => {
                Ok(Self {
                    name,
                    description,
                    expiry,
                    grant,
                    restrictions,
                    metadata,
                })
            }
            (name, description, expiry, grant, restrictions, metadata) => {
                let mut errors: Vec<FieldError> =
                    [name.err(), description.err(), expiry.err(), grant.err()]
                        .into_iter()
                        .flatten()
                        .collect();
                errors.extend(restrictions.err().unwrap_or_default());
                errors.extend(metadata.err());
                Err(errors)
            }
        }
    }
}

/// An email address, trimmed and lower-cased so sign-in is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        text::check("email", "Email", raw, Lines::One)?;
        let email = raw.trim().to_lowercase();
        let well_formed = email.len() <= EMAIL_MAX
            && !email.chars().any(char::is_whitespace)
            && matches!(email.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                    && !domain.ends_with('.') && !domain.contains('@'));
        if !well_formed {
            return Err(FieldError::new(
                "email",
                "Enter a valid email address, like ada@example.com.",
            ));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: long enough to resist guessing, typed the same way twice.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(password: &str, confirm: &str) -> Result<Self, FieldError> {
        let length = password.chars().count();
        if length < PASSWORD_MIN {
            return Err(FieldError::new(
                "password",
                format!("Password must be at least {PASSWORD_MIN} characters."),
            ));
        }
        if length > PASSWORD_MAX {
            return Err(FieldError::new(
                "password",
                format!("Password must be at most {PASSWORD_MAX} characters."),
            ));
        }
        if password != confirm {
            return Err(FieldError::new(
                "password_confirm",
                "Passwords do not match.",
            ));
        }
        Ok(Self(password.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// A first-administrator request that passed validation.
#[derive(Debug)]
pub struct NewAdmin {
    pub email: Email,
    pub name: Name,
    pub password: NewPassword,
}

impl NewAdmin {
    pub fn parse(request: &NewAdminRequest) -> Result<Self, Vec<FieldError>> {
        let email = Email::parse(&request.email);
        let name = Name::parse("name", &request.name);
        let password = NewPassword::parse(&request.password, &request.password_confirm);
        match (email, name, password) {
            (Ok(email), Ok(name), Ok(password)) => Ok(Self {
                email,
                name,
                password,
            }),
            (email, name, password) => Err([email.err(), name.err(), password.err()]
                .into_iter()
                .flatten()
                .collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Action;
    use crate::model::TokenLifetime;

    fn request(name: &str, token_type: TokenType, permissions: Vec<Permission>) -> NewTokenRequest {
        NewTokenRequest {
            name: name.into(),
            description: String::new(),
            lifetime: Some(TokenLifetime::Days30),
            token_type,
            permissions,
            ..Default::default()
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            Name::parse("name", "  CI deploy  ").unwrap().as_str(),
            "CI deploy"
        );
        assert_eq!(
            Name::parse("name", "   ").unwrap_err().message,
            "Name is required."
        );
        assert!(Name::parse("name", &"x".repeat(100)).is_ok());
        assert_eq!(
            Name::parse("name", &"x".repeat(101)).unwrap_err().message,
            "Name must be at most 100 characters."
        );
        assert!(Name::parse("name", "tab\there").is_err());
    }

    #[test]
    fn names_need_something_visible_and_nothing_invisible() {
        for invisible in ["\u{202e}\u{200b}\u{200f}", "\u{3164}", "\u{115f}x"] {
            let err = Name::parse("name", invisible).unwrap_err();
            assert!(err.message.contains("invisible character U+"), "{err:?}");
        }
        assert_eq!(
            Name::parse("name", "\u{fe0f}").unwrap_err().message,
            "Name has no visible characters: type a name people can read."
        );
        assert!(Name::parse("name", "❤\u{fe0f} deploy").is_ok());
    }

    #[test]
    fn descriptions_keep_lines_and_refuse_the_rest() {
        assert_eq!(
            Description::parse("one\r\ntwo\tcols").unwrap().as_str(),
            "one\ntwo\tcols"
        );
        for bad in ["a\0", "a\rb", "a\u{2029}", "a\u{200e}"] {
            assert_eq!(Description::parse(bad).unwrap_err().field, "description");
        }
        assert!(
            Email::parse("ada\0@example.com")
                .unwrap_err()
                .message
                .contains("U+0000")
        );
    }

    #[test]
    fn descriptions_are_optional_and_bounded() {
        assert_eq!(Description::parse("  ").unwrap().as_str(), "");
        assert!(Description::parse(&"é".repeat(500)).is_ok());
        assert_eq!(
            Description::parse(&"x".repeat(501)).unwrap_err().field,
            "description"
        );
    }

    #[test]
    fn custom_tokens_need_known_permissions() {
        let c = Catalog::default();
        let err = NewToken::parse(
            &c,
            &request("a", TokenType::Custom, vec![]),
            &TokenPolicy::default(),
            Utc::now(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            vec![FieldError::new(
                "permissions",
                "Choose at least one permission."
            )]
        );
        let unknown = vec![Permission::new("secrets", Action::Find)];
        let err = NewToken::parse(
            &c,
            &request("a", TokenType::Custom, unknown),
            &TokenPolicy::default(),
            Utc::now(),
        )
        .unwrap_err();
        assert!(err[0].message.contains("secrets.find"));
    }

    #[test]
    fn custom_permissions_are_deduplicated_and_sorted() {
        let c = Catalog::default();
        let find = Permission::new("articles", Action::Find);
        let create = Permission::new("articles", Action::Create);
        let token = NewToken::parse(
            &c,
            &request(
                "a",
                TokenType::Custom,
                vec![create.clone(), find.clone(), find.clone()],
            ),
            &TokenPolicy::default(),
            Utc::now(),
        )
        .unwrap();
        assert_eq!(token.grant.permissions, vec![find, create]);
    }

    #[test]
    fn a_permission_list_longer_than_the_catalog_is_refused_before_it_is_read() {
        let catalog = Catalog::default();
        let all: Vec<Permission> = catalog.all_permissions().collect();
        assert!(Grant::parse(&catalog, TokenType::Custom, &all).is_ok());
        let mut repeated = all.clone();
        repeated.push(all[0].clone());
        let err = Grant::parse(&catalog, TokenType::Custom, &repeated).unwrap_err();
        assert_eq!(err.field, "permissions");
        assert!(err.message.contains("only"), "{}", err.message);
    }

    #[test]
    fn typed_tokens_may_not_list_permissions() {
        let c = Catalog::default();
        let perms = vec![Permission::new("articles", Action::Find)];
        assert!(
            NewToken::parse(
                &c,
                &request("a", TokenType::ReadOnly, perms),
                &TokenPolicy::default(),
                Utc::now()
            )
            .is_err()
        );
        assert!(
            NewToken::parse(
                &c,
                &request("a", TokenType::FullAccess, vec![]),
                &TokenPolicy::default(),
                Utc::now()
            )
            .is_ok()
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let c = Catalog::default();
        let mut req = request("", TokenType::Custom, vec![]);
        req.description = "x".repeat(600);
        req.lifetime = Some(TokenLifetime::Until(Utc::now() - chrono::Duration::days(1)));
        let fields: Vec<_> = NewToken::parse(&c, &req, &TokenPolicy::default(), Utc::now())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "description", "duration", "permissions"]);
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "ada@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_and_a_matching_confirmation() {
        assert_eq!(
            NewPassword::parse("short", "short").unwrap_err().field,
            "password"
        );
        let mismatch = NewPassword::parse("long enough pass", "long enough pazz").unwrap_err();
        assert_eq!(mismatch.message, "Passwords do not match.");
        assert!(NewPassword::parse("long enough pass", "long enough pass").is_ok());
        assert!(
            !format!(
                "{:?}",
                NewPassword::parse("long enough pass", "long enough pass").unwrap()
            )
            .contains("long")
        );
    }
}
