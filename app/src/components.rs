mod admin_shell;
// TEMPORARY while issue 13's helpers adopt them; removed at the merge.
#[allow(unused)]
mod announcer;
mod confirm_dialog;
mod denied;
mod duration_field;
mod field;
#[allow(unused)]
mod focus;
#[allow(unused)]
mod hydration;
mod notification_bell;
mod password_prompt;
mod permission_matrix;
mod relative_time;
mod reveal_banner;
mod scroll_region;
mod token_fields;

pub use admin_shell::AdminShell;
#[allow(unused)]
pub use announcer::{Announcer, LiveRegion, announce};
pub use confirm_dialog::ConfirmDialog;
pub use denied::{DeniedButton, denial, use_signed_in};
pub use duration_field::DurationField;
pub use field::{ErrorSummary, FieldMessage, PasswordAgainField, TextField, has_error};
#[allow(unused)]
pub use focus::{FocusReturn, focus_first, focus_id};
#[allow(unused)]
pub use hydration::{provide_hydrated, use_hydrated};
pub use notification_bell::NotificationBell;
pub use password_prompt::{PasswordDialog, PasswordPrompt, confirmed_action};
pub use permission_matrix::PermissionMatrix;
pub use relative_time::{Clock, RelativeTime};
pub use reveal_banner::RevealBanner;
pub use scroll_region::ScrollRegion;
pub use token_fields::{DescriptionField, PermissionsField, TypeField, catalog_resource};
