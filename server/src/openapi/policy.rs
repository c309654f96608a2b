//! The token policy's admin endpoints (`/admin/api/policy…`) as OpenAPI path items.

use utoipa::ToSchema;
use utoipa::openapi::path::{HttpMethod, Operation, PathItem, Paths, PathsBuilder};

use super::admin::{answer, tagged_op};
use super::operation::{Failure, Op, schema_ref};
use crate::admin_api::PolicyBody;
use crate::answers::{BroughtInData, PolicyData, PolicyPreviewData};

const PERMISSION: &str = "policy.manage";

pub fn paths() -> Paths {
    PathsBuilder::new()
        .path(
            "/admin/api/policy",
            PathItem::builder()
                .operation(HttpMethod::Get, show())
                .operation(HttpMethod::Put, update())
                .build(),
        )
        .path(
            "/admin/api/policy/preview",
            PathItem::new(HttpMethod::Post, preview()),
        )
        .path(
            "/admin/api/policy/bring-into-policy",
            PathItem::new(HttpMethod::Post, bring_into_policy()),
        )
        .build()
}

fn op(id: &str, summary: &str) -> Op {
    tagged_op("admin-policy", id, summary, PERMISSION)
}

fn body() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    schema_ref(&PolicyBody::name())
}

fn show() -> Operation {
    op("admin.policy.show", "Get the token policy")
        .answers("200", "The policy in force.", Some(answer::<PolicyData>()))
        .build()
}

fn update() -> Operation {
    op("admin.policy.update", "Change the token policy")
        .describe("Replaces the whole policy; audited (`policy.update`) with each setting that changed. From the next write on, on every instance, a create, edit of the expiry or regenerate outside it is refused with `400` naming the field `duration` (\"Token policy: tokens may live at most 90 days; …\"). Tokens already outside keep working (see the preview and bring-into-policy). Needs a recently typed password.")
        .json_body("The whole policy.", body())
        .answers("200", "The policy now in force.", Some(answer::<PolicyData>()))
        .fails(&[Failure::BadRequest])
        .build()
}

fn preview() -> Operation {
    op("admin.policy.preview", "Preview a candidate policy")
        .describe("What saving this policy would do today, without saving it: how many working tokens it would put outside the policy, and how many the inactivity rule would revoke.")
        .json_body("The candidate policy.", body())
        .answers("200", "The counts.", Some(answer::<PolicyPreviewData>()))
        .fails(&[Failure::BadRequest])
        .build()
}

fn bring_into_policy() -> Operation {
    op("admin.policy.bring_into_policy", "Bring tokens into the policy")
        .describe("Shortens the expiry of every working token outside the policy in force to now + the maximum lifetime (or + the default duration when the policy only requires an expiry), so none stops working before it must. Each token's change is audited as an edit. Needs a recently typed password.")
        .answers("200", "How many were shortened, and to when.", Some(answer::<BroughtInData>()))
        .build()
}
