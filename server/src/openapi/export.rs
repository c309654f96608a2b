//! The token export's response: a CSV file or a JSON array of the same columns, both
//! described from the core's column list so the document can't name a column the export
//! doesn't write.

use tollgate::tokens::export::COLUMNS;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{Content, Response};

/// One column's schema in the JSON form.
fn column(name: &str) -> ObjectBuilder {
    let nullable_time = || {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
    };
    match name {
        "id" => ObjectBuilder::new().schema_type(Type::Integer),
        "created_at" => ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        "last_used_at" | "expires_at" | "revoked_at" => nullable_time(),
        "last_used_ip" => {
            ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        }
        "restrictions" => ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The restrictions in a few words each, `; `-separated (`2 networks; 100/min`).",
            )),
        "created_by" => ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "The creator's name, `(removed)` marked, or `Tollgate (automatic)`.",
            )),
        _ => ObjectBuilder::new().schema_type(Type::String),
    }
}

fn row() -> ObjectBuilder {
    COLUMNS
        .into_iter()
        .fold(ObjectBuilder::new(), |object, name| {
            let property: utoipa::openapi::RefOr<utoipa::openapi::Schema> = if name == "permissions"
            {
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::String))
                    .into()
            } else {
                column(name).into()
            };
            object.property(name, property).required(name)
        })
}

/// The 200 of `GET /admin/api/tokens/export`.
pub fn response() -> Response {
    let csv = ObjectBuilder::new().schema_type(Type::String).description(Some(format!(
        "RFC 4180, CRLF line ends, a header line: `{}`. A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`. Times are RFC 3339 UTC; permissions are space-separated.",
        COLUMNS.join(",")
    )));
    ResponseBuilder::new()
        .description("The file, streamed a page at a time, with `Content-Disposition: attachment; filename=\"tollgate-tokens-YYYY-MM-DD.csv\"` (or `.json`). Never a token value, hash or hint.")
        .content("text/csv", Content::new(Some(csv)))
        .content(
            "application/json",
            Content::new(Some(ArrayBuilder::new().items(row()))),
        )
        .build()
}
