//! An edit to an existing token: only the fields sent, each checked like on create, and
//! the type and permissions checked together against what the token has now.

use chrono::{DateTime, Utc};

use super::restrictions::check_quota_remaining;
use super::{Description, Grant, Name, ValidMetadata, ValidRestrictions};
use crate::catalog::{Catalog, Permission};
use crate::lifetime::Expiry;
use crate::model::{FieldError, Restrictions, TokenPatch, TokenType};
use crate::policy::TokenPolicy;

/// A [`TokenPatch`] that passed validation. `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct TokenEdit {
    pub name: Option<Name>,
    pub description: Option<Description>,
    /// Type and permissions always change together, so the stored pair stays valid.
    pub grant: Option<Grant>,
    pub expiry: Option<Expiry>,
    pub restrictions: Option<ValidRestrictions>,
    pub metadata: Option<ValidMetadata>,
    pub quota_remaining: Option<i64>,
}

/// What an edit is checked against: the token as it stands.
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    pub token_type: TokenType,
    pub permissions: &'a [Permission],
    pub expires_at: Option<DateTime<Utc>>,
    pub restrictions: &'a Restrictions,
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
        if let Some(restrictions) = &self.restrictions {
            let summary = restrictions.get().summary();
            changed.push(if summary.is_empty() {
                "restrictions (none)".to_owned()
            } else {
                format!("restrictions ({})", summary.join(", "))
            });
        }
        if self.metadata.is_some() {
            changed.push("metadata".to_owned());
        }
        if let Some(remaining) = self.quota_remaining {
            changed.push(format!("quota remaining ({remaining})"));
        }
        format!("changed: {}", changed.join(", "))
    }

    /// `current` is the token as it stands: a patch that sends only the type or only the
    /// permissions is checked together with the other's current value, a start against
    /// the expiry it will have. Turning a custom token into a typed one drops its
    /// permission list.
    ///
    /// A new expiry must be inside the token policy; an edit that leaves the expiry alone
    /// is not refused for it, so a token from before the policy can still be renamed.
    pub fn parse(
        catalog: &Catalog,
        patch: &TokenPatch,
        current: Current<'_>,
        policy: &TokenPolicy,
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
            edit.expiry = Expiry::parse_within(lifetime, policy, now)
                .map_err(|e| errors.push(e))
                .ok();
        }
        if let Some(raw) = &patch.restrictions {
            let ends = match &edit.expiry {
                Some(expiry) => expiry.at(),
                None => current.expires_at,
            };
            edit.restrictions = ValidRestrictions::parse(raw, ends)
                .map_err(|e| errors.extend(e))
                .ok();
        }
        if let Some(metadata) = &patch.metadata {
            edit.metadata = ValidMetadata::parse(metadata)
                .map_err(|e| errors.push(e))
                .ok();
        }
        if let Some(remaining) = patch.quota_remaining {
            let quota = match &patch.restrictions {
                Some(raw) => raw.quota,
                None => current.restrictions.quota,
            };
            edit.quota_remaining = check_quota_remaining(remaining, quota.is_some())
                .map_err(|e| errors.push(e))
                .ok();
        }
        if patch.token_type.is_some() || patch.permissions.is_some() {
            let (current_type, current_permissions) = (current.token_type, current.permissions);
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
    /// Lifting or loosening a restriction widens too (more networks, a higher limit, a
    /// larger quota, an earlier start), as does giving a quota more left.
    pub fn widens(&self, current: Current<'_>) -> bool {
        let (token_type, permissions, expires_at) =
            (current.token_type, current.permissions, current.expires_at);
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
        let looser = self
            .restrictions
            .as_ref()
            .is_some_and(|new| loosens(current.restrictions, new.get()));
        wider_grant || later_expiry || looser || self.quota_remaining.is_some()
    }

    /// The patch sent no field: saving it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.description.is_none()
            && self.grant.is_none()
            && self.expiry.is_none()
            && self.restrictions.is_none()
            && self.metadata.is_none()
            && self.quota_remaining.is_none()
    }
}

/// Whether `new` lets through a request `old` refuses: any change to the networks but
/// removing some, a higher or lifted rate limit, a larger or lifted quota (a changed
/// quota starts full), an earlier or no start.
fn loosens(old: &Restrictions, new: &Restrictions) -> bool {
    let networks = !old.allowed_networks.is_empty()
        && (new.allowed_networks.is_empty()
            || new
                .allowed_networks
                .iter()
                .any(|n| !old.allowed_networks.contains(n)));
    let per_second = |r: &crate::model::RateLimit| f64::from(r.requests) / r.per.seconds() as f64;
    let rate = match (old.rate_limit, new.rate_limit) {
        (Some(_), None) => true,
        (Some(a), Some(b)) => per_second(&b) > per_second(&a),
        (None, _) => false,
    };
    let quota = match (old.quota, new.quota) {
        (Some(_), None) => true,
        (Some(a), Some(b)) => a != b,
        (None, _) => false,
    };
    let start = match (old.not_before, new.not_before) {
        (Some(_), None) => true,
        (Some(a), Some(b)) => b < a,
        (None, _) => false,
    };
    networks || rate || quota || start
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

    fn current(
        (token_type, permissions, expires_at): (TokenType, &[Permission], Option<DateTime<Utc>>),
    ) -> Current<'_> {
        Current {
            token_type,
            permissions,
            expires_at,
            restrictions: &crate::model::UNRESTRICTED,
        }
    }

    fn parse(
        patch: TokenPatch,
        (token_type, permissions): (TokenType, &[Permission]),
    ) -> Result<TokenEdit, Vec<FieldError>> {
        let now = current((token_type, permissions, None));
        TokenEdit::parse(
            &Catalog::default(),
            &patch,
            now,
            &TokenPolicy::default(),
            Utc::now(),
        )
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
            .widens(self::current(current))
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
