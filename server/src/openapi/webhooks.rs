//! The admin API's webhook endpoints (`/admin/api/webhooks…`) as OpenAPI path items, and
//! the bodies they take.

use tollgate::model::WebhookEvent;
use tollgate::validate::DESCRIPTION_MAX;
use tollgate::validate::webhook_url::URL_MAX;
use utoipa::openapi::path::{HttpMethod, Operation, PathItem, Paths, PathsBuilder};
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use super::admin::{answer, tagged_op};
use super::operation::{Failure, id_in_path, schema_ref};
use crate::answers::{DeliveryData, DeliveryList, WebhookData, WebhookList, WebhookWithSecret};

const TAG: &str = "admin-webhooks";
const PERMISSION: &str = "webhooks.manage";
pub const NEW_WEBHOOK: &str = "NewWebhook";
pub const WEBHOOK_CHANGES: &str = "WebhookChanges";

pub fn tag() -> (&'static str, &'static str) {
    (
        TAG,
        "Signed webhooks (Standard Webhooks): endpoints that hear about token changes, their recent deliveries, test events and redelivery.",
    )
}

pub fn paths() -> Paths {
    PathsBuilder::new()
        .path(
            "/admin/api/webhooks",
            PathItem::builder()
                .operation(HttpMethod::Get, list())
                .operation(HttpMethod::Post, create())
                .build(),
        )
        .path(
            "/admin/api/webhooks/{id}",
            PathItem::builder()
                .operation(HttpMethod::Get, show())
                .operation(HttpMethod::Patch, update())
                .operation(HttpMethod::Delete, delete())
                .build(),
        )
        .path(
            "/admin/api/webhooks/{id}/rotate-secret",
            PathItem::new(HttpMethod::Post, rotate_secret()),
        )
        .path(
            "/admin/api/webhooks/{id}/test",
            PathItem::new(HttpMethod::Post, send_test()),
        )
        .path(
            "/admin/api/webhooks/{id}/deliveries",
            PathItem::new(HttpMethod::Get, deliveries()),
        )
        .path(
            "/admin/api/webhooks/deliveries/{id}/redeliver",
            PathItem::new(HttpMethod::Post, redeliver()),
        )
        .build()
}

/// The request bodies' schemas, by name.
pub fn components() -> [(&'static str, RefOr<Schema>); 2] {
    [
        (
            NEW_WEBHOOK,
            fields().required("url").required("events").into(),
        ),
        (WEBHOOK_CHANGES, fields().into()),
    ]
}

fn fields() -> ObjectBuilder {
    let events = ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(WebhookEvent::ALL.map(WebhookEvent::as_str))),
        )
        .min_items(Some(1))
        .max_items(Some(WebhookEvent::ALL.len()))
        .description(Some("The events to send; at least one."));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "url",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(URL_MAX))
                .pattern(Some("^https?://"))
                .description(Some("`https://…`; plain `http://` only to loopback (localhost, 127.0.0.1, [::1]). No user name or password, no fragment, never a link-local or metadata address (169.254.0.0/16, fe80::/10).")),
        )
        .property(
            "description",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(DESCRIPTION_MAX))
                .pattern(Some(super::token_requests::description_pattern()))
                .description(Some("For the other admins; may be empty.")),
        )
        .property("events", events)
        .property(
            "enabled",
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .description(Some("Off: nothing is sent. Default on.")),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

fn op(id: &str, summary: &str) -> super::operation::Op {
    tagged_op(TAG, id, summary, PERMISSION)
}

fn webhook_id() -> utoipa::openapi::path::Parameter {
    id_in_path("The webhook endpoint's id.")
}

fn list() -> Operation {
    op("admin.webhooks.list", "List webhook endpoints")
        .describe("Every endpoint, oldest first, without secrets.")
        .answers("200", "The endpoints.", Some(answer::<WebhookList>()))
        .build()
}

fn create() -> Operation {
    op("admin.webhooks.create", "Register a webhook endpoint")
        .describe("The answer carries the signing secret (`whsec_…`), the only time besides a rotation: store it now.")
        .json_body("The endpoint.", schema_ref(NEW_WEBHOOK))
        .answers("201", "Registered; `secret` signs every delivery.", Some(answer::<WebhookWithSecret>()))
        .fails(&[Failure::BadRequest])
        .build()
}

fn show() -> Operation {
    op("admin.webhooks.show", "Get a webhook endpoint")
        .param(webhook_id())
        .answers("200", "The endpoint.", Some(answer::<WebhookData>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn update() -> Operation {
    op("admin.webhooks.update", "Change a webhook endpoint")
        .describe("Only the fields sent change.")
        .param(webhook_id())
        .json_body("The fields to change.", schema_ref(WEBHOOK_CHANGES))
        .answers(
            "200",
            "The changed endpoint.",
            Some(answer::<WebhookData>()),
        )
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn delete() -> Operation {
    op("admin.webhooks.delete", "Delete a webhook endpoint")
        .describe("With its deliveries, sent or not.")
        .param(webhook_id())
        .answers("204", "Deleted.", None)
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn rotate_secret() -> Operation {
    op(
        "admin.webhooks.rotate_secret",
        "Rotate an endpoint's signing secret",
    )
    .describe("A new secret, shown once; every attempt from now on is signed with it.")
    .param(webhook_id())
    .answers(
        "200",
        "`secret` is the new one.",
        Some(answer::<WebhookWithSecret>()),
    )
    .fails(&[Failure::BadRequest, Failure::NotFound])
    .build()
}

fn send_test() -> Operation {
    op("admin.webhooks.test", "Send a test event")
        .describe("Queues a `webhook.test` event for this endpoint, whatever it subscribes to, and sends it at once.")
        .param(webhook_id())
        .answers("202", "Queued; see its outcome in the deliveries.", Some(answer::<DeliveryData>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}

fn deliveries() -> Operation {
    op(
        "admin.webhooks.deliveries",
        "An endpoint's recent deliveries",
    )
    .describe("The newest 50: event, time, status code, attempts, the first 1 KB of the answer.")
    .param(webhook_id())
    .answers(
        "200",
        "The deliveries, newest first.",
        Some(answer::<DeliveryList>()),
    )
    .fails(&[Failure::BadRequest, Failure::NotFound])
    .build()
}

fn redeliver() -> Operation {
    op("admin.webhooks.redeliver", "Redeliver an event")
        .describe(
            "Sends the delivery again with the same `webhook-id` and a fresh round of retries.",
        )
        .param(id_in_path("The delivery's id."))
        .answers("202", "Queued again.", Some(answer::<DeliveryData>()))
        .fails(&[Failure::BadRequest, Failure::NotFound])
        .build()
}
