//! The schemas that can't be derived from a type: a stored document is whatever JSON its
//! client sent. Every other answer's schema comes from its type in `crate::answers`.

use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

/// A stored JSON document: its own fields, plus `id`, `created_at` and, once replaced,
/// `updated_at`. Built by hand because its fields are whatever clients stored.
pub fn document() -> RefOr<Schema> {
    ObjectBuilder::new()
        .description(Some(
            "A stored JSON document: the fields its client sent, plus `id`, `created_at` and, once replaced, `updated_at`.",
        ))
        .property("id", ObjectBuilder::new().schema_type(Type::Integer))
        .property(
            "created_at",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::DateTime,
                ))),
        )
        .property(
            "updated_at",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::DateTime,
                ))),
        )
        .required("id")
        .required("created_at")
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .into()
}

/// What a client sends as a document: any JSON object with at least one field, none of
/// them one the server sets.
pub fn document_fields() -> RefOr<Schema> {
    ObjectBuilder::new()
        .description(Some(
            "Any JSON object with at least one field; `id`, `created_at` and `updated_at` are the server's and refused.",
        ))
        .min_properties(Some(1))
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^(?!(id|created_at|updated_at)$)")),
        ))
        .additional_properties(Some(AdditionalProperties::FreeForm(true)))
        .into()
}

/// `{"data": …}` around one document or a list of them.
pub fn data_of(inner: RefOr<Schema>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("data", inner)
        .required("data")
        .into()
}
