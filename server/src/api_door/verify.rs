use axum::Json;
use axum::extract::State;
use chrono::Utc;
use serde_json::{Value, json};

use super::{ApiError, Authenticated};
use crate::router::AppState;

/// `GET /api/tokens/verify`: is the presented token valid, what may it do, when does it
/// expire. Any valid token may ask about itself.
pub async fn verify_token(
    State(state): State<AppState>,
    Authenticated(token): Authenticated,
) -> Result<Json<Value>, ApiError> {
    let verifier = &state.core.verifier;
    verifier.accept(&token);
    let expires_in_seconds = token.expires_at.map(|at| (at - Utc::now()).num_seconds());
    Ok(Json(json!({
        "status": "active",
        "id": token.id,
        "name": token.name,
        "type": token.token_type,
        "permissions": verifier.effective_permissions(&token),
        "expires_at": token.expires_at,
        "expires_in_seconds": expires_in_seconds,
    })))
}
