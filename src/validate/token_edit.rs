//! An edit to an existing token: only the fields sent, each checked like on create, and
//! the type and permissions checked together against what the token has now.

use chrono::{DateTime, Utc};

use super::{Description, Expiry, Grant, Name};
use crate::catalog::{Catalog, Permission};
use crate::model::{FieldError, TokenPatch, TokenType};

/// A [`TokenPatch`] that passed validation. `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct TokenEdit {
    pub name: Option<Name>,
    pub description: Option<Description>,
    /// Type and permissions always change together, so the stored pair stays valid.
    pub grant: Option<Grant>,
    pub expiry: Option<Expiry>,
}

impl TokenEdit {
    /// What the edit changes, for the audit log: the fields, and the old name if renamed.
    pub fn describe(&self, old_name: &str) -> String {
        let mut changed = Vec::new();
        if let Some(name) = &self.name
            && name.as_str() != old_name
        {
            changed.push(format!("name (was “{old_name}”)"));
        }
        if self.description.is_some() {
            changed.push("description".to_owned());
        }
        if let Some(grant) = &self.grant {
            changed.push(format!(
                "type and permissions ({})",
                grant.token_type.label()
            ));
        }
        if self.expiry.is_some() {
            changed.push("expiry".to_owned());
        }
        format!("changed: {}", changed.join(", "))
    }

    /// `current` is the token's type and permissions now: a patch that sends only one of
    /// the two is checked together with the other's current value. Turning a custom token
    /// into a typed one drops its permission list.
    pub fn parse(
        catalog: &Catalog,
        patch: &TokenPatch,
        current: (TokenType, &[Permission]),
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut edit = Self::default();
        if let Some(name) = &patch.name {
            edit.name = Name::parse("name", name).map_err(|e| errors.push(e)).ok();
        }
        if let Some(description) = &patch.description {
            edit.description = Description::parse(description)
                .map_err(|e| errors.push(e))
                .ok();
        }
        if let Some(lifetime) = patch.lifetime {
            edit.expiry = Expiry::parse(lifetime, now)
                .map_err(|e| errors.push(e))
                .ok();
        }
        if patch.token_type.is_some() || patch.permissions.is_some() {
            let (current_type, current_permissions) = current;
            let token_type = patch.token_type.unwrap_or(current_type);
            let kept: &[Permission] = if token_type == TokenType::Custom {
                current_permissions
            } else {
                &[]
            };
            let permissions = patch.permissions.as_deref().unwrap_or(kept);
            edit.grant = Grant::parse(catalog, token_type, permissions)
                .map_err(|e| errors.push(e))
                .ok();
        }
        if errors.is_empty() {
            Ok(edit)
        } else {
            Err(errors)
        }
    }

    /// The patch sent no field: saving it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.grant.is_none()
            && self.expiry.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Action;
    use crate::model::TokenLifetime;

    fn find() -> Permission {
        Permission::new("articles", Action::Find)
    }

    fn parse(
        patch: TokenPatch,
        current: (TokenType, &[Permission]),
    ) -> Result<TokenEdit, Vec<FieldError>> {
        TokenEdit::parse(&Catalog::default(), &patch, current, Utc::now())
    }

    #[test]
    fn an_empty_patch_changes_nothing() {
        let edit = parse(TokenPatch::default(), (TokenType::ReadOnly, &[])).unwrap();
        assert!(edit.is_empty());
    }

    #[test]
    fn sent_fields_are_checked_like_on_create() {
        let patch = TokenPatch {
            name: Some("   ".into()),
            description: Some("x".repeat(501)),
            lifetime: Some(TokenLifetime::Until(
                Utc::now() - chrono::Duration::hours(1),
            )),
            ..TokenPatch::default()
        };
        let fields: Vec<_> = parse(patch, (TokenType::ReadOnly, &[]))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["name", "description", "duration"]);
    }

    #[test]
    fn permissions_alone_need_a_custom_token() {
        let patch = TokenPatch {
            permissions: Some(vec![find()]),
            ..TokenPatch::default()
        };
        let err = parse(patch.clone(), (TokenType::ReadOnly, &[])).unwrap_err();
        assert_eq!(err[0].field, "permissions");
        let edit = parse(patch, (TokenType::Custom, &[])).unwrap();
        assert_eq!(edit.grant.unwrap().permissions, vec![find()]);
    }

    #[test]
    fn becoming_custom_keeps_or_needs_permissions() {
        let to_custom = TokenPatch {
            token_type: Some(TokenType::Custom),
            ..TokenPatch::default()
        };
        let err = parse(to_custom.clone(), (TokenType::ReadOnly, &[])).unwrap_err();
        assert_eq!(err[0].message, "Choose at least one permission.");
        let current = [find()];
        let edit = parse(to_custom, (TokenType::Custom, &current)).unwrap();
        assert_eq!(edit.grant.unwrap().permissions, current);
    }

    #[test]
    fn leaving_custom_drops_the_permission_list() {
        let patch = TokenPatch {
            token_type: Some(TokenType::FullAccess),
            ..TokenPatch::default()
        };
        let grant = parse(patch, (TokenType::Custom, &[find()]))
            .unwrap()
            .grant
            .unwrap();
        assert_eq!(grant.token_type, TokenType::FullAccess);
        assert!(grant.permissions.is_empty());
    }
}
