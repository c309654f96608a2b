mod admin_shell;
mod confirm_dialog;
mod denied;
mod duration_field;
mod field;
mod notification_bell;
mod permission_matrix;
mod reveal_banner;
mod token_fields;

pub use admin_shell::AdminShell;
pub use confirm_dialog::ConfirmDialog;
pub use denied::{DeniedButton, denial, use_signed_in};
pub use duration_field::{DurationChoice, DurationField, chosen_lifetime, date_value};
pub use field::{ErrorSummary, FieldMessage, TextField, has_error};
pub use notification_bell::NotificationBell;
pub use permission_matrix::PermissionMatrix;
pub use reveal_banner::RevealBanner;
pub use token_fields::{DescriptionField, PermissionsField, TypeField, catalog_resource};
