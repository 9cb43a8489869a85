//! The applier: parses stored events and applies their statuses and messages to history.

use axum::body::Bytes;
use serde_json::Value;

use super::store::{self, ImportReport, InboxEventView, InboxState};
use crate::events::Topic;
use crate::history::{self, Route};
use crate::numbers;
use crate::service::Core;
use crate::{Error, Result};

/// What applying one event touched, for the change events sent after the commit.
struct Applied {
    number_id: Option<i64>,
    /// It held statuses or messages (history may have changed).
    history: bool,
}
/// The marker the endpoint tester puts on its events (owned by `webhook::endpoint_test`).
pub use crate::webhook::TEST_EVENT_FIELD;

/// The kind a test event is listed with (beside `message` or `status`), for the inbox's
/// "test" badge and its kind filter.
pub const TEST_EVENT_KIND: &str = "test";

/// Events applied to history per transaction.
pub(super) const APPLY_BATCH: usize = 200;

/// An event's note keeps this many problems, each cut to [`NOTE_ITEMS_CHARS`]...
const NOTE_ITEMS: usize = 20;
const NOTE_ITEMS_CHARS: usize = 300;
/// Bodies stored per transaction by an import: the receiver's writes get their turn between.
const IMPORT_CHUNK: usize = 1000;

/// The note of an event: its first problems, and how many more there were.
fn bounded_note(notes: &[String]) -> String {
    let mut out: Vec<String> = notes
        .iter()
        .take(NOTE_ITEMS)
        .map(|n| {
            if n.chars().count() > NOTE_ITEMS_CHARS {
                let cut: String = n.chars().take(NOTE_ITEMS_CHARS).collect();
                format!("{cut}…")
            } else {
                n.clone()
            }
        })
        .collect();
    if notes.len() > NOTE_ITEMS {
        out.push(format!("and {} more", notes.len() - NOTE_ITEMS));
    }
    out.join("; ")
}

impl Core {
    fn route(&self, tx: &rusqlite::Transaction<'_>, metadata: Option<&Value>) -> Result<Route> {
        let pnid = metadata
            .and_then(|m| m.get("phone_number_id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let display = metadata
            .and_then(|m| m.get("display_phone_number"))
            .and_then(Value::as_str)
            .map(|d| {
                format!(
                    "+{}",
                    d.chars().filter(char::is_ascii_digit).collect::<String>()
                )
            });
        let number_id = numbers::store::route(tx, pnid.as_deref(), display.as_deref())?;
        Ok(Route {
            number_id,
            phone_number_id: pnid,
        })
    }

    /// Parses one stored event and applies it to history; returns its new state.
    fn apply_event(&self, tx: &rusqlite::Transaction<'_>, id: i64, body: &[u8]) -> Result<Applied> {
        let (state, kinds, note, route) = match serde_json::from_slice::<Value>(body) {
            Err(e) => (
                InboxState::Malformed,
                String::new(),
                bounded_note(&[format!("not JSON: {e}")]),
                Route::default(),
            ),
            Ok(v) => {
                let mut kinds: Vec<&str> = Vec::new();
                let mut notes: Vec<String> = Vec::new();
                let mut route = Route::default();
                let mut routed = false;
                let test = v.get(TEST_EVENT_FIELD).and_then(Value::as_bool) == Some(true);
                let changes: Vec<&Value> = v
                    .get("entry")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .flat_map(|e| {
                        e.get("changes")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                    })
                    .collect();
                for change in &changes {
                    let Some(value) = change.get("value") else {
                        continue;
                    };
                    let r = self.route(tx, value.get("metadata"))?;
                    routed |= r.number_id.is_some();
                    for st in value
                        .get("statuses")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        kinds.push("status");
                        if test {
                            continue;
                        }
                        if let Err(e) = history::apply_status(tx, &r, st, Some(id)) {
                            notes.push(e.to_string());
                        }
                    }
                    for m in value
                        .get("messages")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        kinds.push("message");
                        if test {
                            continue;
                        }
                        if let Err(e) = history::apply_incoming(tx, &r, m, value.get("contacts")) {
                            notes.push(e.to_string());
                        }
                    }
                    if let Some(errs) = value.get("errors").and_then(Value::as_array) {
                        kinds.push("error");
                        notes.extend(errs.iter().map(|e| format!("error event: {e}")));
                    }
                    route = r;
                }
                kinds.sort_unstable();
                kinds.dedup();
                // After sorting: the event's own kinds first, then the test mark.
                if test && !kinds.is_empty() {
                    kinds.push(TEST_EVENT_KIND);
                    notes.push(
                        "a test event from \"Send test event\": not applied to history".into(),
                    );
                }
                let state = if v.get("object").is_none() || changes.is_empty() {
                    InboxState::Unsupported
                } else if kinds.is_empty() {
                    notes.push("no statuses, messages or errors in this event".into());
                    InboxState::Unsupported
                } else if !routed {
                    InboxState::UnknownNumber
                } else {
                    InboxState::Applied
                };
                (state, kinds.join(","), bounded_note(&notes), route)
            }
        };
        store::set_state(tx, id, state, &kinds, &note, &route)?;
        Ok(Applied {
            number_id: route.number_id,
            history: kinds.split(',').any(|k| k == "status" || k == "message"),
        })
    }

    /// Applies every stored event not applied yet, in arrival order. Returns how many.
    pub fn process_pending(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.process_batch(APPLY_BATCH)?;
            total += n;
            if n < APPLY_BATCH {
                return Ok(total);
            }
        }
    }

    /// Applies up to `limit` pending events in one transaction. Returns how many.
    pub fn process_batch(&self, limit: usize) -> Result<usize> {
        let (n, touched) = self.db.with_tx(|tx| {
            let pending = store::pending(tx, limit)?;
            let mut touched = Vec::new();
            for (id, body) in &pending {
                touched.push(self.apply_event(tx, *id, body)?);
            }
            Ok((pending.len(), touched))
        })?;
        self.emit_applied(&touched);
        Ok(n)
    }

    /// After the commit: one change per topic and number the applied events touched.
    fn emit_applied(&self, touched: &[Applied]) {
        let mut seen = std::collections::BTreeSet::new();
        for a in touched {
            if seen.insert((0, a.number_id)) {
                self.emit(&[Topic::Inbox], a.number_id);
            }
            if a.history && seen.insert((1, a.number_id)) {
                self.emit(&[Topic::Messages], a.number_id);
            }
        }
    }

    /// Applies one stored event again ("replay into history"). Idempotent.
    pub fn replay_event(&self, id: i64) -> Result<InboxEventView> {
        let applied = self.db.with_tx(|tx| {
            let body = store::body(tx, id)?;
            self.apply_event(tx, id, &body)
        })?;
        self.emit_applied(&[applied]);
        self.inbox_event(id)
    }

    /// Loads captured payloads (a JSON array of events, or JSON lines) through the same path
    /// as the receiver.
    pub fn import_events(&self, content: &str) -> Result<ImportReport> {
        let trimmed = content.trim_start();
        let items: Vec<String> = if trimmed.starts_with('[') {
            let arr: Vec<Value> = serde_json::from_str(trimmed).map_err(|e| {
                Error::Validation(format!(
                    "the file starts with '[' but is not a JSON array: {e}"
                ))
            })?;
            arr.iter().map(Value::to_string).collect()
        } else {
            content
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        };
        let bodies: Vec<Bytes> = items.into_iter().map(Bytes::from).collect();
        let before = self.db.with_conn(store::count)?;
        for chunk in bodies.chunks(IMPORT_CHUNK) {
            self.persist_events(chunk, "import")?;
        }
        let after = self.db.with_conn(store::count)?;
        self.process_pending()?;
        Ok(ImportReport {
            total: bodies.len() as u32,
            new: (after - before) as u32,
            duplicates: (bodies.len() as i64 - (after - before)) as u32,
        })
    }
}
