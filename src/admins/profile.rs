//! What every administrator may change about themselves, whatever their role.

use super::{Admins, SessionSecret};
use crate::admins::actor::{Actor, RequestOrigin};
use crate::audit::{By, event};
use crate::error::ServiceError;
use crate::model::{AdminView, AuditAction, ChangePasswordRequest};
use crate::validate::{Name, NewPassword};

pub const WRONG_CURRENT_PASSWORD: &str = "Your current password is not correct.";

impl Admins {
    /// Renames the signed-in admin; returns them as they are now.
    pub async fn change_own_name(&self, me: &Actor, name: &str) -> Result<AdminView, ServiceError> {
        let name = Name::parse("name", name).map_err(|e| ServiceError::Invalid(vec![e]))?;
        if name.as_str() != me.name {
            let detail = format!("from “{}” to “{}”", me.name, name.as_str());
            let audit = event(&By::Admin(me), AuditAction::AdminRename, None, &detail);
            self.store
                .set_admin_name(me.id, name.as_str(), &audit)
                .await?;
        }
        self.store
            .admin(me.id)
            .await?
            .ok_or(ServiceError::NotFound("administrator"))
    }

    /// Changes the password of the admin signed in with `session`, once they proved they
    /// know the current one (a wrong one counts as a failed sign-in). Every other session
    /// of theirs ends; this one goes on.
    pub async fn change_own_password(
        &self,
        session: &SessionSecret,
        origin: RequestOrigin,
        request: &ChangePasswordRequest,
    ) -> Result<(), ServiceError> {
        let me = self
            .actor(session, origin)
            .await?
            .ok_or(ServiceError::NotFound("session"))?;
        // Parsed first: a typo in the new password should not cost a try of the old one.
        let password = NewPassword::parse(&request.password, &request.password_confirm)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        // A guess at the current password is a guess like a sign-in's: throttled, audited.
        self.check_own_password(
            &me,
            &request.current_password,
            "current_password",
            "while changing own password",
        )
        .await?;
        let hash = self.passwords.hash(password.expose()).await?;
        let audit = event(&By::Admin(&me), AuditAction::AdminPasswordChange, None, "");
        self.store
            .set_admin_password(me.id, &hash, Some(&session.hash()), &audit)
            .await?;
        tracing::info!(admin_id = me.id, "password changed; other sessions ended");
        Ok(())
    }
}
