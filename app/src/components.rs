mod admin_shell;
mod announcer;
mod confirm_dialog;
mod denied;
mod duration_field;
mod field;
mod focus;
mod hydration;
mod notification_bell;
mod password_prompt;
mod permission_matrix;
mod record_table;
mod relative_time;
mod result_message;
mod reveal_banner;
mod scroll_region;
mod token_fields;

pub use admin_shell::AdminShell;
pub use announcer::{Announcer, LiveRegion, announce};
pub use confirm_dialog::ConfirmDialog;
pub use denied::{DeniedButton, denial, use_signed_in};
pub use duration_field::DurationField;
pub use field::{
    ErrorSummary, FieldMessage, PasswordAgainField, TextField, has_error, report_refusal,
    starts_invalid,
};
pub use focus::{FocusReturn, focus_first, focus_id};
pub use hydration::{provide_hydrated, use_hydrated};
pub use notification_bell::NotificationBell;
pub use password_prompt::{
    PasswordDialog, PasswordPrompt, confirm_password_first, confirmed_action,
};
pub use permission_matrix::PermissionMatrix;
pub use record_table::{RecordTable, RowActions};
pub use relative_time::{Clock, RelativeTime};
pub use result_message::ResultMessage;
pub use reveal_banner::RevealBanner;
pub use scroll_region::ScrollRegion;
pub use token_fields::{DescriptionField, PermissionsField, TypeField, catalog_resource};
