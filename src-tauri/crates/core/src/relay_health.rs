//! How the team relay subscription is doing right now: the kind of the last failure (a closed
//! vocabulary Settings branches on) and what the follower knows about it. Held by the core,
//! filled by `relay.rs`.

use serde::Serialize;
use ts_rs::TS;

/// What is wrong with the subscription, as Settings shows it.
#[derive(Debug, Clone, Copy, Serialize, TS, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RelayProblem {
    /// Nothing answers at the relay's address (offline, stopped, restarting).
    Unreachable,
    /// The relay refuses this desktop's token (revoked or unknown): a new one is needed.
    TokenRejected,
    /// Any other failure: an unexpected answer, or storing the events here.
    Failed,
}

/// The follower's view of the relay since this app started (not stored: it is about now).
#[derive(Debug, Clone, Default)]
pub(crate) struct RelayHealth {
    pub(crate) problem: Option<RelayProblem>,
    pub(crate) details: Option<String>,
    pub(crate) next_retry_at: Option<String>,
}
