//! Message history: every message sent, every message received, every status event.
//!
//! Status rules (reference §4.2): statuses only move forward (`accepted < sent < delivered <
//! read < played`); `failed` is terminal and keeps its error; `delivered` may never come;
//! duplicates are idempotent (one row per wamid and status); a status for a wamid not seen yet
//! creates the message from the status and is linked when the send is recorded.

mod export;
mod facets;
mod ingest;
mod query;
mod seed;
mod status;
mod tidy;
mod window;

pub use export::{export, prune, ExportFormat};
pub use ingest::{
    apply_incoming, apply_status, attempt_accepted, attempt_ended, record_attempt, record_outbound,
    record_reported_send, settle_interrupted, Attempt, Interrupted, Outbound, ReportedSend, Route,
    INTERRUPTED_DETAILS, INTERRUPTED_TITLE, NOT_SENT, OUTCOME_UNKNOWN, SENDING,
};
pub(crate) use query::message_by_wamid;
pub use query::{
    counts, detail, list, message_by_key, recent_recipients, resend_request, HistoryFilter,
    MessageDetail, MessageView, StatusEventView,
};
pub use seed::{seed, SeedReport};
pub use status::{advances, status_rank, Direction, MessageStatus};
pub use tidy::{merge_when_due as tidy_index, Tidied};
pub use window::{conversation, Conversation, WindowState};

use rusqlite::Transaction;
use serde_json::Value;

use crate::{Error, Result};

/// Runs a statement through the connection's statement cache (the inbox applies thousands of
/// events a second; compiling each statement every time would dominate).
pub(super) fn exec(
    tx: &Transaction<'_>,
    sql: &str,
    p: impl rusqlite::Params,
    what: &'static str,
) -> Result<usize> {
    tx.prepare_cached(sql)
        .and_then(|mut st| st.execute(p))
        .map_err(Error::db(what))
}

pub(super) fn unix_to_iso(ts: &str) -> Option<String> {
    let secs: i64 = ts.trim().parse().ok()?;
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .map(crate::util::format_time)
}

pub(super) fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use serde_json::{json, Value};

    pub fn status(wamid: &str, s: &str, ts: u64) -> Value {
        let mut v = json!({"id": wamid, "status": s, "timestamp": ts.to_string(), "recipient_id": "4915123456789"});
        if s == "failed" {
            v["errors"] = json!([{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "x"}}]);
        }
        v
    }
}
