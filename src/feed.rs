//! Following the database's token changes on Postgres, so this instance's cache never
//! answers for a token another instance changed.

use std::sync::Arc;

use tokio::sync::watch;

/// For tests: holds the change feed back after it lost the database, before it listens
/// again, until released. A slow reconnect opens that gap by chance; a test opens it on
/// purpose. Production code never holds it.
#[derive(Clone, Default)]
pub struct ReconnectGate(Arc<watch::Sender<GateState>>);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum GateState {
    #[default]
    Open,
    Held,
    /// Held, and the feed is waiting at it.
    Reached,
}

impl ReconnectGate {
    /// From now on the feed stops at the gate the next time it reconnects.
    pub fn hold(&self) {
        self.0.send_replace(GateState::Held);
    }

    /// Lets the feed through.
    pub fn release(&self) {
        self.0.send_replace(GateState::Open);
    }

    /// Resolves once the feed waits at the held gate.
    pub async fn reached(&self) {
        let mut state = self.0.subscribe();
        let _ = state.wait_for(|s| *s == GateState::Reached).await;
    }

    /// The feed's side: waits here while the gate is held.
    pub(crate) async fn pass(&self) {
        let mut state = self.0.subscribe();
        self.0.send_if_modified(|s| {
            let held = *s == GateState::Held;
            if held {
                *s = GateState::Reached;
            }
            held
        });
        let _ = state.wait_for(|s| *s == GateState::Open).await;
    }
}
