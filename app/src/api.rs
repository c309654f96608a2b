//! Server functions: each a thin, authorised call into a core service. They live under
//! `/rpc/…`, out of the protected REST API's `/api` namespace.

mod admins;
mod audit;
mod auth;
mod notifications;
mod profile;
mod reference;
mod roles;
mod token_changes;
mod token_list;
mod tokens;

pub use admins::*;
pub use audit::*;
pub use auth::*;
pub use notifications::*;
pub use profile::*;
pub use reference::*;
pub use roles::*;
pub use token_changes::*;
pub use token_list::*;
pub use tokens::*;
