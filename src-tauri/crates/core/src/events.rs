//! Change events: what changed, emitted after the transaction that changed it committed (never
//! on rollback), through a sink that knows nothing of Tauri. The app's shell forwards them to
//! the UI; the CLI keeps the no-op default.

use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

/// What changed: a topic, and the number it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Change {
    pub topic: Topic,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
}

/// The areas the UI refreshes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Topic {
    /// Sent messages and their statuses, incoming messages (history).
    Messages,
    /// Stored or processed inbox events, rejected requests, receiver started or stopped.
    Inbox,
    Numbers,
    Keys,
    Webhook,
    Templates,
    Qa,
    Audit,
    /// A number's business profile, conversational components, block list or checklist.
    Onboarding,
    /// A number's media library (uploaded files and their ids).
    Media,
}

/// Where changes go. Called after the commit, from whatever thread made the change: keep it
/// quick (queue and return).
pub trait EventSink: Send + Sync {
    fn emit(&self, change: Change);
}

/// The default: changes go nowhere.
#[derive(Debug, Default)]
pub struct NoopSink;

impl EventSink for NoopSink {
    fn emit(&self, _change: Change) {}
}

/// Keeps every change, for tests.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct RecordingSink {
    changes: Mutex<Vec<Change>>,
}

impl RecordingSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// The changes so far, and forgets them.
    pub fn take(&self) -> Vec<Change> {
        std::mem::take(&mut *self.changes.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The topics so far, in order (without forgetting them).
    pub fn topics(&self) -> Vec<Topic> {
        self.changes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|c| c.topic)
            .collect()
    }
}

impl EventSink for RecordingSink {
    fn emit(&self, change: Change) {
        self.changes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(change);
    }
}
