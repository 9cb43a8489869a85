//! The applier: parses stored events and applies their statuses and messages to history.

use axum::body::Bytes;
use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::store::{ImportReport, InboxEventView};
use crate::history::{self, Route};
use crate::service::Core;
use crate::{Error, Result};

/// The top-level field that marks an event sent by "Send test event" (the endpoint tester):
/// `"wabadesk_test": true`. Such an event is kept in the inbox, never applied to history (so it
/// is in no conversation, 24-hour window or recent recipients).
pub const TEST_EVENT_FIELD: &str = "wabadesk_test";

/// The kind a test event is listed with (beside `message` or `status`), for the inbox's
/// "test" badge and its kind filter.
pub const TEST_EVENT_KIND: &str = "test";

/// Events applied to history per transaction.
pub(super) const APPLY_BATCH: usize = 200;

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
        let number_id: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM numbers WHERE (?1 IS NOT NULL AND phone_number_id = ?1) OR (?2 IS NOT NULL AND phone = ?2) \
                 ORDER BY phone_number_id = ?1 DESC LIMIT 1",
            )
            .and_then(|mut st| st.query_row(params![pnid, display], |r| r.get(0)).optional())
            .map_err(Error::db("routing an event"))?;
        Ok(Route {
            number_id,
            phone_number_id: pnid,
        })
    }

    /// Parses one stored event and applies it to history; returns its new state.
    fn apply_event(&self, tx: &rusqlite::Transaction<'_>, id: i64, body: &str) -> Result<String> {
        let (state, kinds, note, route) = match serde_json::from_str::<Value>(body) {
            Err(e) => (
                "malformed".to_string(),
                String::new(),
                format!("not JSON: {e}"),
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
                    "unsupported"
                } else if kinds.is_empty() {
                    notes.push("no statuses, messages or errors in this event".into());
                    "unsupported"
                } else if !routed {
                    "unknown_number"
                } else {
                    "applied"
                };
                (state.to_string(), kinds.join(","), notes.join("; "), route)
            }
        };
        tx.prepare_cached(
            "UPDATE inbox_events SET state = ?1, kinds = ?2, note = ?3, number_id = ?4, phone_number_id = ?5 WHERE id = ?6",
        )
        .and_then(|mut st| st.execute(params![state, kinds, note, route.number_id, route.phone_number_id, id]))
        .map_err(Error::db("recording an event's state"))?;
        Ok(state)
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
        self.db.with_tx(|tx| {
            let pending: Vec<(i64, String)> = {
                let mut stmt = tx
                    .prepare_cached("SELECT id, body FROM inbox_events WHERE state = 'pending' ORDER BY id LIMIT ?1")
                    .map_err(Error::db("reading pending events"))?;
                let rows = stmt
                    .query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(Error::db("reading pending events"))?;
                rows.collect::<std::result::Result<_, _>>().map_err(Error::db("reading pending events"))?
            };
            for (id, body) in &pending {
                self.apply_event(tx, *id, body)?;
            }
            Ok(pending.len())
        })
    }

    /// Applies one stored event again ("replay into history"). Idempotent.
    pub fn replay_event(&self, id: i64) -> Result<InboxEventView> {
        self.db.with_tx(|tx| {
            let body: String = tx
                .query_row("SELECT body FROM inbox_events WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(Error::db("reading an event"))?
                .ok_or_else(|| Error::NotFound(format!("inbox event {id}")))?;
            self.apply_event(tx, id, &body)
        })?;
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
        let before: i64 = self.db.with_conn(|c| {
            c.query_row("SELECT count(*) FROM inbox_events", [], |r| r.get(0))
                .map_err(Error::db("counting events"))
        })?;
        self.persist_events(&bodies, "import")?;
        let after: i64 = self.db.with_conn(|c| {
            c.query_row("SELECT count(*) FROM inbox_events", [], |r| r.get(0))
                .map_err(Error::db("counting events"))
        })?;
        self.process_pending()?;
        Ok(ImportReport {
            total: bodies.len() as u32,
            new: (after - before) as u32,
            duplicates: (bodies.len() as i64 - (after - before)) as u32,
        })
    }
}
