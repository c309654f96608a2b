//! The admin API's request bodies (`NewToken`, `TokenChanges`) and list parameters as JSON
//! Schema, built from the catalog so the permission list is this server's. Each rule the
//! core checks on the shape alone is in the schema, so a client (or a fuzzer) that follows
//! the document is not refused. What a schema cannot say is in the descriptions: an expiry
//! date must lie in the future, names are unique, and a `PATCH` is checked together with
//! the token's current type.

use tollgate::catalog::Catalog;
use tollgate::lifetime::{self, TokenLifetime};
use tollgate::model::{
    CreatorFilter, ExportFormat, Grace, LEAK_REPORT_MAX, LEAK_SOURCE_MAX, LEAKED_STATUS, MAX_LIMIT,
    PolicyFilter, SEARCH_MAX, SortColumn, TokenStatus, TokenType, UnusedFor,
};
use tollgate::tokens::holds::REASON_MAX;
use tollgate::validate::restrictions::QUOTA_MAX;
use tollgate::validate::text::{self, Lines};
use tollgate::validate::{DESCRIPTION_MAX, NAME_MAX};
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat,
    SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr, Schema};

use crate::answers;

/// Text a name may hold: at least one visible character (not white space, not a variation
/// selector alone), and nothing `tollgate::validate::text` refuses.
fn name_pattern() -> String {
    let refused = text::refused_class(Lines::One);
    format!("^[^{refused}]*[^\\s\\ufe00-\\ufe0f{refused}][^{refused}]*$")
}

/// A leak report's source: an http(s) address, one line, no spaces inside; or blank (not
/// said).
fn source_pattern() -> String {
    let refused = text::refused_class(Lines::One);
    format!("^\\s*([hH][tT][tT][pP][sS]?://[^\\s/{refused}][^\\s{refused}]*)?\\s*$")
}

/// Text one line of search may hold.
fn search_pattern() -> String {
    format!("^[^{}]*$", text::refused_class(Lines::One))
}

fn name() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "Trimmed; unique among working tokens, ignoring case (409 otherwise).",
        ))
        .min_length(Some(1))
        .max_length(Some(NAME_MAX))
        .pattern(Some(name_pattern()))
        .examples(["CI publisher"])
}

fn description() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .description(Some("Trimmed; `null` means none."))
        .max_length(Some(DESCRIPTION_MAX))
        .pattern(Some(description_pattern()))
}

/// What a description may hold (a token's, a webhook's): no control character but line
/// breaks, as `validate::text` checks it.
pub(super) fn description_pattern() -> String {
    format!("^[^{}]*$", text::refused_class(Lines::Many))
}

/// `resource.action` from this server's catalog, each once.
fn permissions(catalog: &Catalog, description: &str) -> ArrayBuilder {
    let names: Vec<String> = catalog.all_permissions().map(|p| p.to_string()).collect();
    ArrayBuilder::new()
        .description(Some(description))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(names)),
        )
        .unique_items(true)
}

fn string_of(format: KnownFormat, example: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(format)))
        .examples([example])
}

/// How long a token lives: a preset number of days, a future date or time, or `null` /
/// `"unlimited"`; the presets are the core's (`tollgate::lifetime`), the default the policy's.
fn duration() -> OneOfBuilder {
    let unlimited = TokenLifetime::Unlimited.as_str();
    OneOfBuilder::new()
        .description(Some(format!(
            "{} (days from now); a future date (`2027-01-31`, 00:00 UTC) or RFC 3339 time before the year 10000; `\"{unlimited}\"` or `null` for no expiry. Absent on create: the token policy's default duration (`default_duration_days`, 30 days unless changed).",
            TokenLifetime::day_presets_in_words()
        )))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .enum_values(Some(
                    TokenLifetime::DAY_PRESETS
                        .iter()
                        .filter_map(|preset| preset.days()),
                )),
        )
        .item(string_of(KnownFormat::Date, "2099-01-31"))
        .item(string_of(KnownFormat::DateTime, "2099-01-31T12:00:00Z"))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([unlimited])),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
}

/// The component `name` (see [`components`]), or `null` (which means none).
fn nullable(name: &str) -> OneOfBuilder {
    OneOfBuilder::new()
        .item(Ref::from_schema_name(name))
        .item(ObjectBuilder::new().schema_type(Type::Null))
}

/// The request schemas the create and the three change variants share, named once.
pub fn components() -> [(&'static str, RefOr<Schema>); 2] {
    [
        (RESTRICTIONS, answers::restrictions_schema().into()),
        (METADATA, answers::metadata_schema().into()),
    ]
}

const RESTRICTIONS: &str = "Restrictions";
const METADATA: &str = "Metadata";

/// The fields every create and change may carry, besides `type` and `permissions`.
fn token_fields(object: ObjectBuilder) -> ObjectBuilder {
    object
        .schema_type(Type::Object)
        .property("name", name())
        .property("description", description())
        .property(lifetime::FIELD, duration())
        .property("restrictions", nullable(RESTRICTIONS))
        .property("metadata", nullable(METADATA))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

/// A change's fields: a create's, plus setting what the quota has left.
fn change_fields(object: ObjectBuilder) -> ObjectBuilder {
    token_fields(object).property(
        "quota_remaining",
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(0))
            .maximum(Some(QUOTA_MAX))
            .description(Some(
                "What the quota has left in its period, for a token with a quota. Setting it needs a recently typed password, like any widening change.",
            )),
    )
}

fn type_of(types: impl IntoIterator<Item = TokenType>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(types.into_iter().map(TokenType::as_str)))
}

fn typed() -> impl Iterator<Item = TokenType> {
    TokenType::ALL
        .into_iter()
        .filter(|t| *t != TokenType::Custom)
}

/// `POST /admin/api/tokens`: a custom token lists its permissions, the other types take
/// theirs from the type (an empty list, or none).
pub fn new_token(catalog: &Catalog) -> RefOr<Schema> {
    let custom = token_fields(ObjectBuilder::new().title(Some("custom")))
        .property("type", type_of([TokenType::Custom]))
        .property(
            "permissions",
            permissions(catalog, "At least one.").min_items(Some(1)),
        )
        .required("name")
        .required("type")
        .required("permissions");
    let typed = token_fields(ObjectBuilder::new().title(Some("read-only or full-access")))
        .property("type", type_of(typed()))
        .property(
            "permissions",
            permissions(catalog, "None: the type decides.").max_items(Some(0)),
        )
        .required("name")
        .required("type");
    OneOfBuilder::new()
        .description(Some("A new token's settings."))
        .item(custom)
        .item(typed)
        .into()
}

/// `PATCH /admin/api/tokens/{id}`: only the fields sent change. A change of type says
/// what the permissions may be; without one, they are checked against the token's current
/// type, which no schema knows (permissions belong to custom tokens only).
pub fn token_changes(catalog: &Catalog) -> RefOr<Schema> {
    let to_custom = change_fields(ObjectBuilder::new().title(Some("to custom")))
        .property("type", type_of([TokenType::Custom]))
        .property(
            "permissions",
            permissions(
                catalog,
                "At least one; absent keeps a custom token's own (another type has none to keep).",
            )
            .min_items(Some(1)),
        )
        .required("type");
    let to_typed = change_fields(ObjectBuilder::new().title(Some("to read-only or full-access")))
        .property("type", type_of(typed()))
        .property(
            "permissions",
            permissions(
                catalog,
                "None: the type decides, and a custom token's are dropped.",
            )
            .max_items(Some(0)),
        )
        .required("type");
    let same_type = change_fields(ObjectBuilder::new().title(Some("same type"))).property(
        "permissions",
        permissions(
            catalog,
            "For a custom token: at least one. Others have none.",
        ),
    );
    OneOfBuilder::new()
        .description(Some("The fields to change; `{}` changes nothing."))
        .item(to_custom)
        .item(to_typed)
        .item(same_type)
        .into()
}

/// `POST /admin/api/tokens/{id}/regenerate`'s optional body.
pub fn regenerate() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "grace",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(Grace::ALL.map(Grace::as_str)))
                .description(Some("How long the old value keeps working: `now` (the default), `1h`, `24h` or `7d`.")),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .into()
}

/// `POST /api/tokens/leaked`'s body.
pub fn leak_report() -> RefOr<Schema> {
    let value = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("A value as found (`tg_…`); anything else is dropped."));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "tokens",
            ArrayBuilder::new()
                .items(value)
                .min_items(Some(1))
                .max_items(Some(LEAK_REPORT_MAX)),
        )
        .required("tokens")
        .property(
            "source",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .max_length(Some(LEAK_SOURCE_MAX))
                .pattern(Some(source_pattern()))
                .description(Some(
                    "Where the values were found: an `http://` or `https://` address; blank or `null` when not said.",
                )),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .into()
}

/// `POST /admin/api/tokens/{id}/suspend`'s optional body.
pub fn suspend() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "reason",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(REASON_MAX))
                .pattern(Some(search_pattern()))
                .description(Some(
                    "One line, shown on the token's page and in the audit log; may be empty.",
                )),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .into()
}

/// The list's query parameters, by name: what each takes. An empty value is the same as
/// leaving the parameter out (HTML forms send empty fields).
pub fn list_parameter(name: &str) -> RefOr<Schema> {
    let one_of = |values: Vec<String>| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(std::iter::once(String::new()).chain(values)))
    };
    let schema = match name {
        "search" => ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(SEARCH_MAX))
            .pattern(Some(search_pattern())),
        "type" => one_of(TokenType::ALL.map(|t| t.as_str().to_owned()).to_vec()),
        "status" => one_of(
            TokenStatus::ALL
                .map(|s| s.as_str().to_owned())
                .into_iter()
                .chain([LEAKED_STATUS.to_owned()])
                .collect(),
        ),
        "sort" => one_of(
            SortColumn::ALL
                .into_iter()
                .flat_map(|c| [c.as_str().to_owned(), format!("-{}", c.as_str())])
                .collect(),
        ),
        "unused" => one_of(UnusedFor::ALL.map(|u| u.as_str().to_owned()).to_vec()),
        "policy" => one_of(PolicyFilter::ALL.map(|p| p.as_str().to_owned()).to_vec()),
        "format" => one_of(ExportFormat::ALL.map(|f| f.as_str().to_owned()).to_vec()),
        "created_by" => ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!(
                "^(|{}|[1-9][0-9]{{0,17}})$",
                CreatorFilter::GONE
            ))),
        "limit" => {
            return OneOfBuilder::new()
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1))
                        .maximum(Some(MAX_LIMIT)),
                )
                .item(one_of(Vec::new()))
                .into();
        }
        // `after`: the previous page's `next_cursor`, opaque.
        _ => ObjectBuilder::new().schema_type(Type::String),
    };
    schema.into()
}
