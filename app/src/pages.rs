mod login;
mod new_token;
mod not_found;
mod setup;
mod tokens;

pub use login::LoginPage;
pub use new_token::NewTokenPage;
pub use not_found::NotFound;
pub use setup::SetupPage;
pub use tokens::TokensPage;
