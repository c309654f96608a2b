//! Who is acting, and from where: the signed-in administrator together with what the
//! audit log records about their request and what the password re-confirmation checks.

use std::net::IpAddr;
use std::ops::Deref;

use chrono::{DateTime, Utc};

use crate::model::AdminView;

/// Longest user agent kept; real ones are far shorter, and the log is no dumping ground.
const USER_AGENT_MAX: usize = 300;

/// The address and browser a request came from, as the audit log records them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOrigin {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl RequestOrigin {
    pub fn new(ip: Option<IpAddr>, user_agent: Option<&str>) -> Self {
        let user_agent = user_agent
            .map(|ua| ua.trim().chars().take(USER_AGENT_MAX).collect::<String>())
            .filter(|ua| !ua.is_empty());
        Self { ip, user_agent }
    }
}

/// Whether the actor's password was confirmed recently enough for a sensitive action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Confirmation {
    /// Re-confirmation is turned off, or the actor has no browser session (the command
    /// line, tests).
    NotRequired,
    /// The session's password counts as just typed until then; `None`: it never was.
    Until(Option<DateTime<Utc>>),
}

/// An administrator acting through a door (a server function or the admin API).
/// Derefs to their [`AdminView`], so permission checks read as before.
#[derive(Debug, Clone)]
pub struct Actor {
    pub admin: AdminView,
    pub origin: RequestOrigin,
    pub(crate) confirmation: Confirmation,
}

impl Actor {
    /// An admin acting without a browser session: the command line and tests. It skips
    /// the password re-confirmation, so doors never build one: they get theirs from
    /// [`crate::admins::Admins::actor`].
    pub fn trusted(admin: AdminView) -> Self {
        Self {
            admin,
            origin: RequestOrigin::default(),
            confirmation: Confirmation::NotRequired,
        }
    }

    /// Whether a sensitive action now would be refused until the password is typed
    /// again: what [`crate::admins::access::require_confirmed`] checks, and what the panel
    /// asks up front so the password comes before a confirmation, never halfway through.
    pub fn needs_password_confirmation(&self) -> bool {
        match self.confirmation {
            Confirmation::NotRequired => false,
            Confirmation::Until(until) => until.is_none_or(|until| until <= Utc::now()),
        }
    }

    /// Until when the password counts as confirmed, when re-confirmation applies.
    pub fn confirmed_until(&self) -> Option<DateTime<Utc>> {
        match self.confirmation {
            Confirmation::NotRequired => None,
            Confirmation::Until(until) => until,
        }
    }
}

impl Deref for Actor {
    type Target = AdminView;

    fn deref(&self) -> &AdminView {
        &self.admin
    }
}
