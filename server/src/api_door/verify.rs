use axum::Json;
use axum::extract::State;
use chrono::Utc;
use tollgate::model::TokenStatus;

use super::{ApiError, Authenticated};
use crate::answers::TokenCheck;
use crate::router::AppState;

/// `GET /api/tokens/verify`: is the presented token valid, what may it do, when does it
/// expire. Any valid token may ask about itself.
pub async fn verify_token(
    State(state): State<AppState>,
    Authenticated(token): Authenticated,
) -> Result<Json<TokenCheck>, ApiError> {
    let verifier = &state.core.verifier;
    verifier.accept(&token).await?;
    let expires_in_seconds = token.expires_at.map(|at| (at - Utc::now()).num_seconds());
    Ok(Json(TokenCheck {
        expires_at: token.expires_at,
        expires_in_seconds,
        id: token.id,
        metadata: token.metadata.clone(),
        name: token.name.clone(),
        permissions: verifier.effective_permissions(&token),
        status: TokenStatus::Active,
        token_type: token.token_type,
    }))
}
