//! Change events: what changed, emitted after the transaction that changed it committed (never
//! on rollback). The core knows no Tauri; an adapter installs its own [`EventSink`].

use serde::Serialize;
use ts_rs::TS;

/// What changed, emitted after the transaction that changed it committed (never on rollback).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Change {
    pub topic: Topic,
    pub number_id: Option<i64>,
}

/// The part of the app a change belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Topic {
    /// Sent messages and their statuses, incoming messages (history).
    Messages,
    /// Stored and processed inbox events, rejections, receiver started or stopped.
    Inbox,
    Numbers,
    Keys,
    Webhook,
    Templates,
    Qa,
    Audit,
}

/// Where the core sends its changes.
pub trait EventSink: Send + Sync {
    fn emit(&self, change: Change);
}
