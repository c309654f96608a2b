//! Server functions: each a thin, authorised call into a core service. They live under
//! `/rpc/…`, out of the protected REST API's `/api` namespace.

mod auth;
mod notifications;
mod reference;
mod token_list;
mod tokens;

pub use auth::*;
pub use notifications::*;
pub use reference::*;
pub use token_list::*;
pub use tokens::*;
