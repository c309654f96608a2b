use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::endpoints::{API_PREFIX, Endpoint};
use crate::model::TokenType;

/// What a request does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Find,
    FindOne,
    Create,
    Update,
    Delete,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Find,
        Action::FindOne,
        Action::Create,
        Action::Update,
        Action::Delete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Find => "find",
            Action::FindOne => "findOne",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }

    /// Read-only tokens may do exactly these.
    pub fn is_read(self) -> bool {
        matches!(self, Action::Find | Action::FindOne)
    }

    /// The endpoint this action guards (`GET /api/articles/{id}`), for hints next to the
    /// permission checkboxes.
    pub fn endpoint(self, resource: &str) -> String {
        let endpoint = Endpoint::of(self);
        format!(
            "{} {}",
            endpoint.method.as_str(),
            endpoint.path(API_PREFIX, resource)
        )
    }
}

impl FromStr for Action {
    type Err = ();
    fn from_str(value: &str) -> Result<Self, ()> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == value)
            .ok_or(())
    }
}

/// One resource × action pair, written `articles.find` in JSON and in the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Permission {
    pub resource: String,
    pub action: Action,
}

impl Permission {
    pub fn new(resource: impl Into<String>, action: Action) -> Self {
        Self {
            resource: resource.into(),
            action,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.resource, self.action.as_str())
    }
}

impl FromStr for Permission {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        let invalid = || {
            format!("`{value}` is not a permission (expected resource.action, e.g. articles.find)")
        };
        let (resource, action) = value.split_once('.').ok_or_else(invalid)?;
        if resource.is_empty() {
            return Err(invalid());
        }
        let action = action.parse().map_err(|()| invalid())?;
        Ok(Permission::new(resource, action))
    }
}

impl TryFrom<String> for Permission {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        value.parse()
    }
}

impl From<Permission> for String {
    fn from(permission: Permission) -> String {
        permission.to_string()
    }
}

/// The content resources tokens can be granted access to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub resources: Vec<String>,
}

impl Default for Catalog {
    /// The demo content the protected API serves out of the box.
    fn default() -> Self {
        Self {
            resources: ["articles", "categories", "authors"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// The most resources a catalog may list; the permission matrix shows them all at once.
pub const MAX_RESOURCES: usize = 100;

impl Catalog {
    /// Reads a catalog file: `{"resources": ["articles", "invoices", …]}`. Each name is
    /// 1–64 lowercase letters, digits, `-` or `_`, listed once; it becomes the path
    /// segment of `/api/{resource}` and the first half of its permissions.
    #[cfg(feature = "server")]
    pub fn from_json(text: &str) -> Result<Self, String> {
        let catalog: Catalog = serde_json::from_str(text).map_err(|e| {
            format!("{e} (expected {{\"resources\": [\"articles\", \"authors\"]}})")
        })?;
        if catalog.resources.is_empty() {
            return Err("list at least one resource".into());
        }
        if catalog.resources.len() > MAX_RESOURCES {
            return Err(format!("list at most {MAX_RESOURCES} resources"));
        }
        for (i, name) in catalog.resources.iter().enumerate() {
            let well_formed = (1..=64).contains(&name.len())
                && name.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                });
            if !well_formed {
                return Err(format!(
                    "`{name}` is not a resource name: use 1 to 64 lowercase letters, digits, - or _"
                ));
            }
            if name == "tokens" {
                return Err("`tokens` is reserved: /api/tokens/verify lives there".into());
            }
            if catalog.resources[..i].contains(name) {
                return Err(format!("`{name}` is listed twice"));
            }
        }
        Ok(catalog)
    }

    pub fn has_resource(&self, resource: &str) -> bool {
        self.resources.iter().any(|r| r == resource)
    }

    pub fn contains(&self, permission: &Permission) -> bool {
        self.has_resource(&permission.resource)
    }

    /// Every resource × action, in display order.
    pub fn all_permissions(&self) -> impl Iterator<Item = Permission> + '_ {
        self.resources
            .iter()
            .flat_map(|r| Action::ALL.map(|a| Permission::new(r.clone(), a)))
    }
}

/// Predefined permission sets a custom token can start from, then be adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PermissionPreset {
    ContentReader,
    ContentEditor,
    CiPublisher,
}

impl PermissionPreset {
    pub const ALL: [PermissionPreset; 3] = [
        PermissionPreset::ContentReader,
        PermissionPreset::ContentEditor,
        PermissionPreset::CiPublisher,
    ];

    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionPreset::ContentReader => "content-reader",
            PermissionPreset::ContentEditor => "content-editor",
            PermissionPreset::CiPublisher => "ci-publisher",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            PermissionPreset::ContentReader => "Content reader",
            PermissionPreset::ContentEditor => "Content editor",
            PermissionPreset::CiPublisher => "CI publisher",
        }
    }

    /// What the preset is for, shown next to its name.
    pub fn description(self) -> &'static str {
        match self {
            PermissionPreset::ContentReader => "reads every resource",
            PermissionPreset::ContentEditor => {
                "reads, adds and changes every resource; never deletes"
            }
            PermissionPreset::CiPublisher => "adds and changes every resource without reading it",
        }
    }

    fn grants(self, action: Action) -> bool {
        match self {
            PermissionPreset::ContentReader => action.is_read(),
            PermissionPreset::ContentEditor => action != Action::Delete,
            PermissionPreset::CiPublisher => matches!(action, Action::Create | Action::Update),
        }
    }

    /// The preset's permissions in `catalog`.
    pub fn permissions(self, catalog: &Catalog) -> Vec<Permission> {
        catalog
            .all_permissions()
            .filter(|p| self.grants(p.action))
            .collect()
    }
}

/// Whether a token of `token_type` (with `custom` permissions, for custom tokens) may do
/// `needed`. The single place this rule is written.
pub fn allows(
    catalog: &Catalog,
    token_type: TokenType,
    custom: &[Permission],
    needed: &Permission,
) -> bool {
    match token_type {
        TokenType::ReadOnly => catalog.contains(needed) && needed.action.is_read(),
        TokenType::FullAccess => catalog.contains(needed),
        TokenType::Custom => custom.contains(needed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cover_every_resource_with_their_actions() {
        let catalog = Catalog::default();
        let reader = PermissionPreset::ContentReader.permissions(&catalog);
        assert_eq!(reader.len(), 6);
        assert!(reader.iter().all(|p| p.action.is_read()));
        let editor = PermissionPreset::ContentEditor.permissions(&catalog);
        assert_eq!(editor.len(), 12);
        assert!(!editor.iter().any(|p| p.action == Action::Delete));
        let publisher = PermissionPreset::CiPublisher.permissions(&catalog);
        assert!(publisher.contains(&"authors.update".parse().unwrap()));
        assert!(!publisher.iter().any(|p| p.action.is_read()));
        for preset in PermissionPreset::ALL {
            assert_eq!(PermissionPreset::parse(preset.as_str()), Some(preset));
        }
    }

    #[test]
    fn permissions_round_trip_through_their_text_form() {
        let p: Permission = "articles.findOne".parse().unwrap();
        assert_eq!(p, Permission::new("articles", Action::FindOne));
        assert_eq!(p.to_string(), "articles.findOne");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"articles.findOne\"");
    }

    #[test]
    fn malformed_permissions_are_refused_with_a_hint() {
        for bad in ["articles", ".find", "articles.fetch", ""] {
            let err = bad.parse::<Permission>().unwrap_err();
            assert!(err.contains("resource.action"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_catalog_file_lists_resources() {
        let catalog = Catalog::from_json(r#"{"resources": ["invoices", "line_items"]}"#).unwrap();
        assert!(catalog.has_resource("line_items"));
        assert!(!catalog.has_resource("articles"));
    }

    #[test]
    fn bad_catalog_files_say_what_to_fix() {
        for (text, hint) in [
            ("{}", "missing field `resources`"),
            (r#"{"resources": []}"#, "at least one"),
            (r#"{"resources": ["Invoices"]}"#, "lowercase"),
            (r#"{"resources": ["a/b"]}"#, "lowercase"),
            (r#"{"resources": ["tokens"]}"#, "reserved"),
            (r#"{"resources": ["a", "a"]}"#, "twice"),
            ("not json", "expected"),
        ] {
            let err = Catalog::from_json(text).unwrap_err();
            assert!(err.contains(hint), "{text}: {err}");
        }
    }

    #[test]
    fn read_only_allows_reads_of_content_only() {
        let c = Catalog::default();
        let ro = TokenType::ReadOnly;
        assert!(allows(
            &c,
            ro,
            &[],
            &Permission::new("articles", Action::Find)
        ));
        assert!(allows(
            &c,
            ro,
            &[],
            &Permission::new("authors", Action::FindOne)
        ));
        assert!(!allows(
            &c,
            ro,
            &[],
            &Permission::new("articles", Action::Create)
        ));
        assert!(!allows(
            &c,
            ro,
            &[],
            &Permission::new("secrets", Action::Find)
        ));
    }

    #[test]
    fn full_access_allows_every_content_action_but_nothing_outside_the_catalog() {
        let c = Catalog::default();
        for p in c.all_permissions() {
            assert!(allows(&c, TokenType::FullAccess, &[], &p), "{p}");
        }
        assert!(!allows(
            &c,
            TokenType::FullAccess,
            &[],
            &Permission::new("admins", Action::Find)
        ));
    }

    #[test]
    fn custom_allows_exactly_its_list() {
        let c = Catalog::default();
        let granted = [Permission::new("articles", Action::Find)];
        assert!(allows(&c, TokenType::Custom, &granted, &granted[0]));
        assert!(!allows(
            &c,
            TokenType::Custom,
            &granted,
            &Permission::new("articles", Action::FindOne)
        ));
        assert!(!allows(
            &c,
            TokenType::Custom,
            &granted,
            &Permission::new("authors", Action::Find)
        ));
    }
}
