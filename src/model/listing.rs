//! The token list's query (search, filters, sort, keyset cursor, page size) and its page.
//! Plain data, so the panel can build the same query the admin JSON API reads.

use serde::{Deserialize, Serialize};

use super::{CreatorFilter, FieldError, PolicyFilter, TokenType, TokenView, UnusedFor};
use crate::policy::TokenPolicy;

/// Longest search text accepted; longer is surely not a token's name or description.
pub const SEARCH_MAX: usize = 100;
/// Page size when none is asked for, and the most one page may hold.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;
/// The most tokens one bulk revoke takes: a page's worth, which is all the panel selects.
pub const BULK_REVOKE_MAX: usize = MAX_LIMIT as usize;

/// Where a token stands. Revoked wins over expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Active,
    /// Working otherwise, but refused until resumed.
    Suspended,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub const ALL: [TokenStatus; 4] = [
        TokenStatus::Active,
        TokenStatus::Suspended,
        TokenStatus::Expired,
        TokenStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Suspended => "suspended",
            TokenStatus::Expired => "expired",
            TokenStatus::Revoked => "revoked",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// How the panel names it.
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Active => "Active",
            TokenStatus::Suspended => "Suspended",
            TokenStatus::Expired => "Expired",
            TokenStatus::Revoked => "Revoked",
        }
    }
}

/// The `status` value that lists the tokens revoked because their value was reported as
/// leaked (`POST /api/tokens/leaked`): revoked ones, narrowed.
pub const LEAKED_STATUS: &str = "leaked";
pub const LEAKED_STATUS_LABEL: &str = "Revoked as leaked";

/// The columns the list can be sorted by: a closed set, so no SQL is ever built from what
/// a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    Name,
    Type,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
}

impl SortColumn {
    pub const ALL: [SortColumn; 5] = [
        SortColumn::Name,
        SortColumn::Type,
        SortColumn::CreatedAt,
        SortColumn::LastUsedAt,
        SortColumn::ExpiresAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::Type => "type",
            SortColumn::CreatedAt => "created_at",
            SortColumn::LastUsedAt => "last_used_at",
            SortColumn::ExpiresAt => "expires_at",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDirection {
    Asc,
    Desc,
}

/// A column and a direction, written `name` (ascending) or `-created_at` (descending).
/// Ties are broken by id in the same direction, so every order is total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TokenSort {
    pub column: SortColumn,
    pub direction: SortDirection,
}

impl Default for TokenSort {
    /// Newest first, as the panel lists tokens.
    fn default() -> Self {
        Self {
            column: SortColumn::CreatedAt,
            direction: SortDirection::Desc,
        }
    }
}

impl TokenSort {
    pub fn parse(value: &str) -> Option<Self> {
        let (direction, name) = match value.strip_prefix('-') {
            Some(name) => (SortDirection::Desc, name),
            None => (SortDirection::Asc, value),
        };
        let column = SortColumn::ALL.into_iter().find(|c| c.as_str() == name)?;
        Some(Self { column, direction })
    }

    /// The form [`TokenSort::parse`] reads.
    pub fn as_param(self) -> String {
        match self.direction {
            SortDirection::Asc => self.column.as_str().to_owned(),
            SortDirection::Desc => format!("-{}", self.column.as_str()),
        }
    }
}

/// The list query as a client writes it: every value still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenListParams {
    pub search: Option<String>,
    #[serde(rename = "type")]
    pub token_type: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
    pub limit: Option<String>,
    /// `30` or `90`: no use in that many days.
    #[serde(default)]
    pub unused: Option<String>,
    /// An admin's id, or `gone`.
    #[serde(default)]
    pub created_by: Option<String>,
    /// `outside`: working tokens outside the token policy.
    #[serde(default)]
    pub policy: Option<String>,
}

/// One page's worth of the token list, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenListQuery {
    /// Case-insensitive text to find in the name or description; `None`: no search.
    pub search: Option<String>,
    pub token_type: Option<TokenType>,
    /// `None` lists every token that has not been revoked (active and expired).
    pub status: Option<TokenStatus>,
    /// Only revoked tokens that were reported as leaked (`status=leaked`; then `status` is
    /// `Revoked`).
    #[serde(default)]
    pub leaked: bool,
    pub sort: TokenSort,
    /// The `next_cursor` of the previous page; only valid with the same sort.
    pub after: Option<String>,
    pub limit: u32,
    pub unused: Option<UnusedFor>,
    pub created_by: Option<CreatorFilter>,
    #[serde(default)]
    pub policy: Option<PolicyFilter>,
}

impl Default for TokenListQuery {
    fn default() -> Self {
        Self {
            search: None,
            token_type: None,
            status: None,
            leaked: false,
            sort: TokenSort::default(),
            after: None,
            limit: DEFAULT_LIMIT,
            unused: None,
            created_by: None,
            policy: None,
        }
    }
}

impl TokenListQuery {
    /// Checks every parameter and reports all problems at once. Empty values count as
    /// absent, so a form can send every field.
    /// The `status` parameter that asks for this query's status filter.
    pub fn status_param(&self) -> Option<&'static str> {
        if self.leaked {
            Some(LEAKED_STATUS)
        } else {
            self.status.map(TokenStatus::as_str)
        }
    }

    pub fn parse(params: &TokenListParams) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut query = Self::default();
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        if let Some(search) = given(&params.search) {
            if search.chars().count() > SEARCH_MAX {
                errors.push(FieldError::new(
                    "search",
                    format!("Search text must be at most {SEARCH_MAX} characters."),
                ));
            }
            query.search = Some(search);
        }
        if let Some(value) = given(&params.token_type) {
            query.token_type = TokenType::parse(&value);
            if query.token_type.is_none() {
                errors.push(FieldError::new(
                    "type",
                    format!("Unknown type `{value}`: use read-only, full-access or custom."),
                ));
            }
        }
        if let Some(value) = given(&params.status) {
            query.leaked = value == LEAKED_STATUS;
            query.status = if query.leaked {
                Some(TokenStatus::Revoked)
            } else {
                TokenStatus::parse(&value)
            };
            if query.status.is_none() {
                errors.push(FieldError::new(
                    "status",
                    format!(
                        "Unknown status `{value}`: use active, suspended, expired, revoked or {LEAKED_STATUS}."
                    ),
                ));
            }
        }
        if let Some(value) = given(&params.sort) {
            match TokenSort::parse(&value) {
                Some(sort) => query.sort = sort,
                None => errors.push(FieldError::new(
                    "sort",
                    format!(
                        "Cannot sort by `{value}`: use name, type, created_at, last_used_at or expires_at, with a leading `-` for descending."
                    ),
                )),
            }
        }
        if let Some(value) = given(&params.unused) {
            match UnusedFor::parse(&value) {
                Ok(unused) => query.unused = Some(unused),
                Err(error) => errors.push(error),
            }
        }
        if let Some(value) = given(&params.created_by) {
            match CreatorFilter::parse(&value) {
                Ok(creator) => query.created_by = Some(creator),
                Err(error) => errors.push(error),
            }
        }
        if let Some(value) = given(&params.policy) {
            match PolicyFilter::parse(&value) {
                Ok(policy) => query.policy = Some(policy),
                Err(error) => errors.push(error),
            }
        }
        query.after = given(&params.after);
        if let Some(value) = given(&params.limit) {
            match value.parse::<u32>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => query.limit = limit,
                _ => errors.push(FieldError::new(
                    "limit",
                    format!("Limit must be a whole number from 1 to {MAX_LIMIT}."),
                )),
            }
        }
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    /// The query of an export: the list's filters, search and sort, but every page, so a
    /// cursor or a page size would only mislead (they are refused, not ignored).
    pub fn parse_export(params: &TokenListParams) -> Result<Self, Vec<FieldError>> {
        let mut errors = Self::parse(params).err().unwrap_or_default();
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        for (field, value) in [("after", &params.after), ("limit", &params.limit)] {
            if given(value) && !errors.iter().any(|e| e.field == field) {
                errors.push(FieldError::new(
                    field,
                    format!("An export holds every page: leave out `{field}`."),
                ));
            }
        }
        if errors.is_empty() {
            Self::parse(params)
        } else {
            Err(errors)
        }
    }
}

/// One page of the list and the cursor of the next (`None` on the last page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPage {
    pub data: Vec<TokenView>,
    pub next_cursor: Option<String>,
    /// The token policy the page was read under: what its `policy=outside` filter and its
    /// rows' `outside_policy` were judged by, so the panel's badges say why with the same
    /// policy (the admin API leaves it out: `GET /admin/api/policy` has it).
    #[serde(default)]
    pub policy: TokenPolicy,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> TokenListParams {
        let mut p = TokenListParams::default();
        for (name, value) in pairs {
            let value = Some((*value).to_owned());
            match *name {
                "search" => p.search = value,
                "type" => p.token_type = value,
                "status" => p.status = value,
                "sort" => p.sort = value,
                "after" => p.after = value,
                "limit" => p.limit = value,
                "unused" => p.unused = value,
                "created_by" => p.created_by = value,
                "policy" => p.policy = value,
                _ => unreachable!(),
            }
        }
        p
    }

    #[test]
    fn leaked_lists_revoked_tokens_reported_as_leaked() {
        let query = TokenListQuery::parse(&params(&[("status", "leaked")])).unwrap();
        assert_eq!(query.status, Some(TokenStatus::Revoked));
        assert!(query.leaked);
        assert_eq!(query.status_param(), Some("leaked"));
        let revoked = TokenListQuery::parse(&params(&[("status", "revoked")])).unwrap();
        assert!(!revoked.leaked);
        assert_eq!(revoked.status_param(), Some("revoked"));
    }

    #[test]
    fn defaults_are_newest_first_fifty_per_page() {
        let query = TokenListQuery::parse(&params(&[("search", "  "), ("sort", "")])).unwrap();
        assert_eq!(query, TokenListQuery::default());
    }

    #[test]
    fn every_parameter_is_read() {
        let query = TokenListQuery::parse(&params(&[
            ("search", " deploy "),
            ("type", "custom"),
            ("status", "revoked"),
            ("sort", "-last_used_at"),
            ("after", "abc"),
            ("limit", "10"),
            ("unused", "90"),
            ("created_by", "gone"),
            ("policy", "outside"),
        ]))
        .unwrap();
        assert_eq!(query.policy, Some(PolicyFilter::Outside));
        assert_eq!(query.unused, Some(UnusedFor::Days90));
        assert_eq!(query.created_by, Some(CreatorFilter::Gone));
        assert_eq!(query.search.as_deref(), Some("deploy"));
        assert_eq!(query.token_type, Some(TokenType::Custom));
        assert_eq!(query.status, Some(TokenStatus::Revoked));
        assert_eq!(query.sort.as_param(), "-last_used_at");
        assert_eq!(query.after.as_deref(), Some("abc"));
        assert_eq!(query.limit, 10);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let errors = TokenListQuery::parse(&params(&[
            ("type", "admin"),
            ("status", "gone"),
            ("sort", "hash"),
            ("limit", "1000"),
            ("search", &"x".repeat(101)),
            ("unused", "60"),
            ("created_by", "nobody"),
            ("policy", "inside"),
        ]))
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "search",
                "type",
                "status",
                "sort",
                "unused",
                "created_by",
                "policy",
                "limit"
            ]
        );
        for bad in ["0", "-1", "ten"] {
            assert!(TokenListQuery::parse(&params(&[("limit", bad)])).is_err());
        }
    }

    #[test]
    fn an_export_takes_the_filters_but_no_page() {
        let query = TokenListQuery::parse_export(&params(&[
            ("unused", "30"),
            ("created_by", "7"),
            ("policy", "outside"),
            ("sort", "last_used_at"),
            ("limit", " "),
        ]))
        .unwrap();
        assert_eq!(query.unused, Some(UnusedFor::Days30));
        assert_eq!(query.created_by, Some(CreatorFilter::Admin(7)));
        assert_eq!(query.policy, Some(PolicyFilter::Outside));
        let errors = TokenListQuery::parse_export(&params(&[("after", "abc"), ("limit", "1000")]))
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "after"]);
        assert!(errors[1].message.contains("every page"));
    }
}
