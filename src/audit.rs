//! The audit log: every sign-in, failed sign-in and sign-out, every token, admin and role
//! change, with who, when, from where and the target's name at the time. Token, admin and
//! role changes hand their `event` to the store, which writes it in the change's own
//! transaction; the first set-up, sign-ins, sign-outs and password confirmations are
//! written by `Audit::record` once they have happened. Settings > Audit log reads it.

use chrono::Utc;

use crate::admins::access::require;
use crate::admins::actor::{Actor, RequestOrigin};
use crate::error::ServiceError;
use crate::model::{
    AUDIT_PAGE_SIZE, AdminPermission, AuditAction, AuditPage, AuditQuery, AuditTargetKind,
    TOLLGATE_ITSELF,
};
use crate::store::{NewAuditEvent, Store};
use crate::validate::{Lines, text};

/// Who an event is by.
pub(crate) enum By<'a> {
    /// A signed-in administrator.
    Admin(&'a Actor),
    /// Nobody signed in: a failed sign-in (named by the email tried), or the first admin
    /// being set up.
    Visitor {
        name: &'a str,
        id: Option<i64>,
        origin: &'a RequestOrigin,
    },
    /// Whoever holds the server and ran `tollgate admin …`.
    CommandLine,
    /// Tollgate itself: the tokens it makes on the first start.
    Tollgate,
}

/// What an event was about: a token, admin or role, named as it is now.
pub(crate) type Target<'a> = (AuditTargetKind, i64, &'a str);

#[derive(Clone)]
pub struct Audit {
    store: Store,
}

impl Audit {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Appends one event. The action it records has already happened, so a failure to
    /// write is logged loudly rather than turned into an error the admin would retry.
    pub(crate) async fn record(
        &self,
        by: By<'_>,
        action: AuditAction,
        target: Option<Target<'_>>,
        detail: &str,
    ) {
        let event = event(&by, action, target, detail);
        if let Err(error) = self.store.insert_audit_event(&event).await {
            tracing::error!(%error, action = action.as_str(), "could not write the audit log");
        }
    }

    /// One page of the log, newest first, for an admin who may read it.
    pub async fn page(&self, by: &Actor, query: &AuditQuery) -> Result<AuditPage, ServiceError> {
        require(by, AdminPermission::AuditRead)?;
        if let Some(token) = &query.token {
            text::check("token", "The token filter", token, Lines::One)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
        }
        let (entries, more) = self.store.audit_events(query, AUDIT_PAGE_SIZE).await?;
        let next_before = if more {
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
            actors: self.store.audit_actors().await?,
        })
    }
}

/// The row for one event, now: for [`Audit::record`], or for a store call that writes it
/// in the same transaction as the change it records.
pub(crate) fn event<'a>(
    by: &By<'a>,
    action: AuditAction,
    target: Option<Target<'a>>,
    detail: &'a str,
) -> NewAuditEvent<'a> {
    let (actor_id, actor_name, origin) = match by {
        By::Admin(actor) => (Some(actor.id), actor.name.as_str(), Some(&actor.origin)),
        By::Visitor { name, id, origin } => (*id, *name, Some(*origin)),
        By::CommandLine => (None, "(command line)", None),
        By::Tollgate => (None, TOLLGATE_ITSELF, None),
    };
    NewAuditEvent {
        at: Utc::now(),
        action,
        actor_id,
        actor_name,
        target,
        detail,
        ip: origin.and_then(|o| o.ip).map(|ip| ip.to_string()),
        user_agent: origin.and_then(|o| o.user_agent.as_deref()),
    }
}
