//! The JSON Schema of a token's restrictions and metadata, shared by the admin API's
//! answers (`AdminToken`) and its request bodies (`NewToken`, `TokenChanges`), so what is
//! sent and what is read back are described once. Bounds come from the core's validation.

use tollgate::model::{METADATA_MAX_BYTES, METADATA_MAX_DEPTH, QuotaRefill, RatePeriod};
use tollgate::validate::restrictions::{NETWORKS_MAX, QUOTA_MAX, RATE_MAX};
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat,
    Type,
};

/// Either `schema` or `null`.
fn or_null(schema: ObjectBuilder, description: &str) -> OneOfBuilder {
    OneOfBuilder::new()
        .description(Some(description))
        .item(schema)
        .item(ObjectBuilder::new().schema_type(Type::Null))
}

fn closed_object() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

fn integer(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
}

fn allowed_networks() -> ArrayBuilder {
    ArrayBuilder::new()
        .description(Some(format!(
            "Client addresses the token works from: IPv4 or IPv6 addresses or CIDR ranges (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`), at most {NETWORKS_MAX}. A range's host bits must be zero (`10.1.2.3/8` is refused: did you mean `10.0.0.0/8`?). Read back in canonical form, a single address as `/32` or `/128`. Empty: anywhere. The client address is the trusted-proxies rule's (see the README)."
        )))
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64))
                .examples(["10.0.0.0/8"]),
        )
        .max_items(Some(NETWORKS_MAX))
}

fn rate_limit() -> OneOfBuilder {
    let periods = RatePeriod::ALL.map(RatePeriod::as_str);
    or_null(
        closed_object()
            .property("requests", integer(1, RATE_MAX.into()))
            .property(
                "per",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(periods)),
            )
            .required("requests")
            .required("per"),
        "At most `requests` in each second, minute or hour of the clock, all instances together; over it: `429 rate_limited` with `Retry-After`. Every answer to the token carries `RateLimit-Policy` and `RateLimit`. `null`: no limit.",
    )
}

fn quota() -> OneOfBuilder {
    let refills = QuotaRefill::ALL.map(QuotaRefill::as_str);
    or_null(
        closed_object()
            .property("requests", integer(1, QUOTA_MAX))
            .property(
                "refill",
                OneOfBuilder::new()
                    .description(Some("`daily` or `monthly` (00:00 UTC); `null`: never."))
                    .item(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .enum_values(Some(refills)),
                    )
                    .item(ObjectBuilder::new().schema_type(Type::Null)),
            )
            .required("requests"),
        "Requests in all, optionally filled up again each day or month; used up: `429 quota_exhausted`. A changed quota starts full. `null`: no quota.",
    )
}

fn not_before() -> OneOfBuilder {
    or_null(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .examples(["2027-01-01T09:00:00Z"]),
        "The token is refused (`401 token_not_yet_valid`) before this time, which must come before its expiry. `null`: from now.",
    )
}

/// `restrictions`: how the token may be used. All four fields always in an answer; in a
/// request each may be left out, which lifts it.
pub fn restrictions() -> ObjectBuilder {
    closed_object()
        .description(Some(
            "How the token may be used. In a request, the object replaces all restrictions: a field left out is lifted.",
        ))
        .property("allowed_networks", allowed_networks())
        .property("rate_limit", rate_limit())
        .property("quota", quota())
        .property("not_before", not_before())
}

/// The same, with every field listed as present (an answer always has all four).
pub fn restrictions_answer() -> ObjectBuilder {
    ["allowed_networks", "rate_limit", "quota", "not_before"]
        .into_iter()
        .fold(restrictions(), ObjectBuilder::required)
}

/// `metadata`: any JSON object within the core's limits.
pub fn metadata() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(format!(
            "A JSON object for the services the token calls (`{{\"customer\": \"acme\"}}`): returned by `/api/tokens/verify` and sent to forward-auth's upstream as `X-Tollgate-Token-Metadata`. At most {METADATA_MAX_BYTES} bytes as compact JSON and {METADATA_MAX_DEPTH} levels deep. Not for secrets: every admin who may read tokens sees it."
        )))
        .examples([serde_json::json!({"customer": "acme", "plan": "pro"})])
}
