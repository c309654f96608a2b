//! An edit to an existing token: only the fields sent, each checked like on create, and
//! the type and permissions checked together against what the token has now.

use chrono::{DateTime, Utc};

use super::{Description, Grant, Name};
use crate::catalog::{Catalog, Permission};
use crate::lifetime::Expiry;
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

    /// Whether saving this edit lets the token do something it can't now: a type or a
    /// permission that allows more, or a later expiry (or none), which also revives an
    /// expired token. Such edits need the password confirmed, like creating a token;
    /// narrowing ones (name, description, fewer permissions, an earlier expiry) don't.
    /// `current` is the token's type, permissions and expiry (`None`: never) now.
    pub fn widens(&self, current: (TokenType, &[Permission], Option<DateTime<Utc>>)) -> bool {
        let (token_type, permissions, expires_at) = current;
        let wider_grant = self
            .grant
            .as_ref()
            .is_some_and(|grant| grant_widens((token_type, permissions), grant));
        let later_expiry = self
            .expiry
            .is_some_and(|expiry| match (expires_at, expiry.at()) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(now), Some(new)) => new > now,
            });
        wider_grant || later_expiry
    }

    /// The patch sent no field: saving it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.grant.is_none()
            && self.expiry.is_none()
    }
}

/// Whether `new` allows a request `old` refuses. A full-access or read-only token covers
/// every resource, those added to the catalog later too, so any other type becoming one
/// widens it (read-only ⊂ full access); a custom token only allows its listed permissions.
fn grant_widens(old: (TokenType, &[Permission]), new: &Grant) -> bool {
    use TokenType::{Custom, FullAccess, ReadOnly};
    let (old_type, old_permissions) = old;
    match (old_type, new.token_type) {
        (FullAccess, _) | (ReadOnly, ReadOnly) => false,
        (_, FullAccess) | (Custom, ReadOnly) => true,
        (ReadOnly, Custom) => new.permissions.iter().any(|p| !p.action.is_read()),
        (Custom, Custom) => new.permissions.iter().any(|p| !old_permissions.contains(p)),
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

    fn widens(
        patch: TokenPatch,
        current: (TokenType, &[Permission], Option<DateTime<Utc>>),
    ) -> bool {
        let (token_type, permissions, _) = current;
        parse(patch, (token_type, permissions))
            .unwrap()
            .widens(current)
    }

    fn grant(token_type: TokenType, permissions: Vec<Permission>) -> TokenPatch {
        TokenPatch {
            token_type: Some(token_type),
            permissions: (token_type == TokenType::Custom).then_some(permissions),
            ..TokenPatch::default()
        }
    }

    #[test]
    fn a_type_or_permission_that_allows_more_widens() {
        use TokenType::{Custom, FullAccess, ReadOnly};
        let create = Permission::new("articles", Action::Create);
        let in_a_month = Some(Utc::now() + chrono::Duration::days(30));
        let (find, both) = (vec![find()], vec![find(), create.clone()]);
        let cases: [(TokenType, &[Permission], TokenPatch, bool); 10] = [
            (ReadOnly, &[], grant(FullAccess, vec![]), true),
            (Custom, &find, grant(ReadOnly, vec![]), true),
            (Custom, &find, grant(FullAccess, vec![]), true),
            (Custom, &find, grant(Custom, both.clone()), true),
            (ReadOnly, &[], grant(Custom, vec![create.clone()]), true),
            (ReadOnly, &[], grant(Custom, find.clone()), false),
            (Custom, &both, grant(Custom, find.clone()), false),
            (Custom, &find, grant(Custom, find.clone()), false),
            (FullAccess, &[], grant(ReadOnly, vec![]), false),
            (FullAccess, &[], grant(Custom, both.clone()), false),
        ];
        for (i, (token_type, permissions, patch, wider)) in cases.into_iter().enumerate() {
            assert_eq!(
                widens(patch, (token_type, permissions, in_a_month)),
                wider,
                "case {i}"
            );
        }
    }

    #[test]
    fn a_later_or_no_expiry_widens_and_revives() {
        let now = Utc::now();
        let lifetime = |lifetime| TokenPatch {
            lifetime: Some(lifetime),
            ..TokenPatch::default()
        };
        let ro = |expires_at| (TokenType::ReadOnly, &[][..], expires_at);
        let in_a_week = Some(now + chrono::Duration::days(7));
        let expired = Some(now - chrono::Duration::days(1));
        assert!(widens(lifetime(TokenLifetime::Unlimited), ro(in_a_week)));
        assert!(widens(lifetime(TokenLifetime::Days30), ro(in_a_week)));
        assert!(
            widens(lifetime(TokenLifetime::Days7), ro(expired)),
            "revives"
        );
        assert!(!widens(
            lifetime(TokenLifetime::Days7),
            ro(Some(now + chrono::Duration::days(30)))
        ));
        assert!(!widens(lifetime(TokenLifetime::Days90), ro(None)));
        assert!(!widens(lifetime(TokenLifetime::Unlimited), ro(None)));
    }

    #[test]
    fn renaming_and_describing_never_widen() {
        let patch = TokenPatch {
            name: Some("renamed".into()),
            description: Some("why".into()),
            ..TokenPatch::default()
        };
        assert!(!widens(patch, (TokenType::ReadOnly, &[], None)));
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
