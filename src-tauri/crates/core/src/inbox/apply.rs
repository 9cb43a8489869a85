//! The applier: parses stored events and applies their statuses and messages to history.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::store::{self, ImportReport, InboxEventView, InboxState};
use crate::events::Topic;
use crate::history::{self, Route};
use crate::numbers;
use crate::service::Core;
use crate::{Error, Result};

/// What applying one event (or a chunk of it) touched, for the change events sent after the
/// commit.
struct Applied {
    number_id: Option<i64>,
    /// It held statuses or messages (history may have changed).
    history: bool,
    /// It changed a template in the library (status, quality or category update).
    templates: bool,
}
/// The marker the endpoint tester puts on its events (owned by `webhook::endpoint_test`).
pub use crate::webhook::TEST_EVENT_FIELD;

/// How long a bulk apply ([`Core::process_pending`]) goes on merging the search index after it.
const BULK_TIDY_AT_MOST: std::time::Duration = std::time::Duration::from_secs(2);

/// The kind a test event is listed with (beside `message` or `status`), for the inbox's
/// "test" badge and its kind filter.
pub const TEST_EVENT_KIND: &str = "test";

/// Events applied to history per transaction.
pub(super) const APPLY_BATCH: usize = 200;
/// Items (statuses, messages, other fields' updates; an event without any counts as one)
/// applied per transaction at most...
pub const APPLY_ITEMS: usize = 2_000;
/// ...and for at most this long (at least one item): storing a new webhook waits for one
/// such chunk at most, whatever one event holds. A large event is finished in the next
/// chunks, where it stopped (`inbox_events.applied_items`), also after a restart.
pub const APPLY_SLICE: Duration = Duration::from_millis(40);
/// After each chunk, an import or a catch-up leaves the database alone this long, so the
/// receiver's writes (in this process or another) get their turn.
pub(super) const YIELD_BETWEEN_CHUNKS: Duration = Duration::from_millis(2);

/// An event's note keeps this many problems, each cut to [`NOTE_ITEMS_CHARS`]...
const NOTE_ITEMS: usize = 20;
const NOTE_ITEMS_CHARS: usize = 300;
/// Bodies stored per transaction by an import (at most; and at most [`IMPORT_CHUNK_BYTES`]
/// of them): the receiver's writes get their turn between.
const IMPORT_CHUNK: usize = 1000;
const IMPORT_CHUNK_BYTES: usize = 1024 * 1024;

fn cut_note(n: &str) -> String {
    if n.chars().count() > NOTE_ITEMS_CHARS {
        let cut: String = n.chars().take(NOTE_ITEMS_CHARS).collect();
        format!("{cut}…")
    } else {
        n.to_string()
    }
}

/// The note of an event: its first problems, and how many more there were (`more` of them
/// counted by earlier chunks).
fn bounded_note(notes: &[String], more: usize) -> String {
    let mut out: Vec<String> = notes.iter().take(NOTE_ITEMS).map(|n| cut_note(n)).collect();
    let rest = notes.len().saturating_sub(NOTE_ITEMS) + more;
    if rest > 0 {
        out.push(format!("and {rest} more"));
    }
    out.join("; ")
}

/// Problems the earlier chunks of an event found (stored in `inbox_events.apply_problems`
/// until the event is finished).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Problems {
    kept: Vec<String>,
    more: usize,
}

impl Problems {
    fn read(stored: Option<&str>) -> Problems {
        stored
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    fn add(&mut self, notes: Vec<String>) {
        for n in notes {
            if self.kept.len() < NOTE_ITEMS {
                self.kept.push(cut_note(&n));
            } else {
                self.more += 1;
            }
        }
    }
}

/// What one transaction may still do: items left and a deadline.
struct Budget {
    items: usize,
    used: usize,
    until: Instant,
}

impl Budget {
    fn new() -> Budget {
        Budget {
            items: APPLY_ITEMS,
            used: 0,
            until: Instant::now() + APPLY_SLICE,
        }
    }

    fn exhausted(&self) -> bool {
        self.used > 0 && (self.used >= self.items || Instant::now() >= self.until)
    }

    /// Takes one item, unless the budget is spent.
    fn take(&mut self) -> bool {
        if self.exhausted() {
            return false;
        }
        self.used += 1;
        true
    }
}

/// Walks an event's items, running those from `from` on while the budget lasts; remembers
/// where it stopped.
struct Steps<'b> {
    next: usize,
    from: usize,
    stopped_at: Option<usize>,
    budget: &'b mut Budget,
}

impl Steps<'_> {
    /// Whether to run the next item (false for items applied by earlier chunks and once the
    /// budget is spent).
    fn run(&mut self) -> bool {
        let i = self.next;
        self.next += 1;
        if i < self.from || self.stopped_at.is_some() {
            return false;
        }
        if self.budget.take() {
            true
        } else {
            self.stopped_at = Some(i);
            false
        }
    }
}

/// A stored body, parsed: the JSON, or why it is not JSON.
type Parsed = std::result::Result<Value, String>;

/// The body being applied, parsed once and kept between the chunks that apply it.
#[derive(Default)]
pub struct ApplyCursor {
    parsed: Option<(i64, Arc<Parsed>)>,
}

impl ApplyCursor {
    fn get(&mut self, c: &rusqlite::Connection, id: i64) -> Result<Arc<Parsed>> {
        if let Some((cached, v)) = &self.parsed {
            if *cached == id {
                return Ok(v.clone());
            }
        }
        let body = store::body(c, id)?;
        let v = Arc::new(serde_json::from_slice::<Value>(&body).map_err(|e| e.to_string()));
        self.parsed = Some((id, v.clone()));
        Ok(v)
    }

    fn forget(&mut self, id: i64) {
        if self
            .parsed
            .as_ref()
            .is_some_and(|(cached, _)| *cached == id)
        {
            self.parsed = None;
        }
    }
}

/// One applying transaction: how many events it worked on, and whether any wait still.
pub(super) struct Chunk {
    pub events: usize,
    pub more: bool,
}

/// One step of applying an event: what it touched, and whether the event is finished.
struct Step {
    applied: Applied,
    done: bool,
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

    /// Applies a stored event to history, from its item `from` on (earlier chunks applied the
    /// items before it and found `prior` problems), for as long as `budget` lasts. A finished
    /// event gets its state; an unfinished one records how far it got.
    fn apply_event(
        &self,
        tx: &rusqlite::Transaction<'_>,
        id: i64,
        parsed: &Parsed,
        from: usize,
        prior: Option<&str>,
        budget: &mut Budget,
    ) -> Result<Step> {
        let mut prior = Problems::read(prior);
        let mut steps = Steps {
            next: 0,
            from,
            stopped_at: None,
            budget,
        };
        // This chunk's problems with items (kept across chunks), beside the notes every walk
        // of the event finds again.
        let mut problems: Vec<String> = Vec::new();
        let mut ran_history = false;
        let (state, kinds, notes, route, templates) = match parsed {
            Err(e) => {
                steps.run();
                (
                    InboxState::Malformed,
                    String::new(),
                    vec![format!("not JSON: {e}")],
                    Route::default(),
                    false,
                )
            }
            Ok(v) => {
                let mut kinds: Vec<&str> = Vec::new();
                let mut notes: Vec<String> = Vec::new();
                let mut route = Route::default();
                let mut routed = false;
                let mut account_level = false;
                let mut templates = false;
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
                    let field = change.get("field").and_then(Value::as_str).unwrap_or("");
                    if !field.is_empty() && field != "messages" {
                        // Another webhook field: stored and listed for what it is.
                        kinds.push(field);
                        account_level |= value.get("metadata").is_none();
                        notes.push(describe_field(field, value));
                        if !test && steps.run() {
                            templates |=
                                crate::templates::library::apply_webhook_update(tx, field, value)?
                                    > 0;
                        }
                        if value.get("metadata").is_some() {
                            let r = self.route(tx, value.get("metadata"))?;
                            routed |= r.number_id.is_some();
                            route = r;
                        }
                        continue;
                    }
                    let r = self.route(tx, value.get("metadata"))?;
                    routed |= r.number_id.is_some();
                    for st in value
                        .get("statuses")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        kinds.push("status");
                        if test || !steps.run() {
                            continue;
                        }
                        ran_history = true;
                        if let Err(e) = history::apply_status(tx, &r, st, Some(id)) {
                            notes.push(e.to_string());
                            problems.push(e.to_string());
                        }
                    }
                    for m in value
                        .get("messages")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        kinds.push("message");
                        if test || !steps.run() {
                            continue;
                        }
                        // Conversational components: a first-time chat with the welcome message on.
                        if m.get("type").and_then(Value::as_str) == Some("request_welcome") {
                            let from = m.get("from").and_then(Value::as_str).unwrap_or("a user");
                            notes.push(format!("{from} opened the chat (welcome requested)"));
                        }
                        ran_history = true;
                        if let Err(e) = history::apply_incoming(tx, &r, m, value.get("contacts")) {
                            notes.push(e.to_string());
                            problems.push(e.to_string());
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
                } else if !routed && !account_level {
                    InboxState::UnknownNumber
                } else {
                    InboxState::Applied
                };
                (state, kinds.join(","), notes, route, templates)
            }
        };
        if steps.next == 0 {
            // Nothing to apply in it: it still counts as one item of the budget.
            steps.run();
        }
        if let Some(stopped_at) = steps.stopped_at {
            prior.add(problems);
            let stored = serde_json::to_string(&prior).unwrap_or_default();
            store::set_progress(tx, id, stopped_at, &stored)?;
            return Ok(Step {
                applied: Applied {
                    number_id: route.number_id,
                    history: ran_history,
                    templates,
                },
                done: false,
            });
        }
        let mut all = prior.kept;
        all.extend(notes);
        let note = bounded_note(&all, prior.more);
        store::set_state(tx, id, state, &kinds, &note, &route)?;
        Ok(Step {
            applied: Applied {
                number_id: route.number_id,
                history: kinds.split(',').any(|k| k == "status" || k == "message"),
                templates,
            },
            done: true,
        })
    }

    /// Applies every stored event not applied yet, in arrival order, one chunk per
    /// transaction (leaving the database to others between chunks). Returns how many events
    /// it worked on.
    ///
    /// Only the events stored when it starts: webhooks that keep arriving meanwhile are the
    /// receiver's to apply, so this ends.
    pub fn process_pending(&self) -> Result<usize> {
        let up_to = self.db.with_conn(store::newest)?;
        let mut cursor = ApplyCursor::default();
        let mut total = 0;
        loop {
            let chunk = self.apply_chunk_up_to(APPLY_BATCH, up_to, &mut cursor)?;
            total += chunk.events;
            if !chunk.more || chunk.events == 0 {
                // A backlog (an import, the team relay's feed) may have grown the search
                // index: merged now if it is due, for a bounded time (the receiver, when idle,
                // goes on with it). Applied events are applied whatever becomes of it.
                if total > 0 {
                    let until = std::time::Instant::now() + BULK_TIDY_AT_MOST;
                    if let Err(e) = self.tidy_history_index(|| std::time::Instant::now() < until) {
                        tracing::warn!(error = %e, "could not merge the search index");
                    }
                }
                return Ok(total);
            }
            std::thread::sleep(YIELD_BETWEEN_CHUNKS);
        }
    }

    /// Applies up to `limit` pending events in one transaction (at most [`APPLY_ITEMS`] items,
    /// for at most [`APPLY_SLICE`]; an event larger than that is finished by the next calls).
    /// Returns how many events it worked on.
    pub fn process_batch(&self, limit: usize) -> Result<usize> {
        Ok(self.apply_chunk(limit, &mut ApplyCursor::default())?.events)
    }

    /// One applying transaction; `cursor` keeps the body being applied parsed between calls.
    pub(super) fn apply_chunk(&self, limit: usize, cursor: &mut ApplyCursor) -> Result<Chunk> {
        self.apply_chunk_up_to(limit, i64::MAX, cursor)
    }

    /// [`Core::apply_chunk`] for the events up to id `up_to` only.
    fn apply_chunk_up_to(
        &self,
        limit: usize,
        up_to: i64,
        cursor: &mut ApplyCursor,
    ) -> Result<Chunk> {
        let (chunk, touched) = self.db.with_tx(|tx| {
            let pending = store::pending(tx, limit, up_to)?;
            let mut budget = Budget::new();
            let mut touched = Vec::new();
            for p in &pending {
                if budget.exhausted() {
                    break;
                }
                if let Some(sha) = &p.unchecked {
                    if store::claim(tx, p.id, sha)? {
                        // A copy of an event stored before: counted there, not applied again.
                        continue;
                    }
                }
                let parsed = cursor.get(tx, p.id)?;
                let step = self.apply_event(
                    tx,
                    p.id,
                    &parsed,
                    p.applied_items,
                    p.problems.as_deref(),
                    &mut budget,
                )?;
                touched.push(step.applied);
                if step.done {
                    cursor.forget(p.id);
                } else {
                    break;
                }
            }
            let more = store::any_pending(tx, up_to)?;
            Ok((
                Chunk {
                    events: touched.len(),
                    more,
                },
                touched,
            ))
        })?;
        self.emit_applied(&touched);
        Ok(chunk)
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
            if a.templates && seen.insert((2, None)) {
                self.emit(&[Topic::Templates], None);
            }
        }
    }

    /// Applies one stored event again ("replay into history"), in chunks like the applier.
    /// Idempotent.
    pub fn replay_event(&self, id: i64) -> Result<InboxEventView> {
        // Not yet checked for an earlier copy (the applier had not reached it): check it now.
        let copy = self.db.with_tx(|tx| {
            let unchecked: Option<String> = tx
                .query_row(
                    "SELECT pending_sha256 FROM inbox_events WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(Error::db("reading a webhook event"))?
                .flatten();
            match unchecked {
                Some(sha) => store::claim(tx, id, &sha),
                None => Ok(false),
            }
        })?;
        if copy {
            return Err(Error::NotFound(format!(
                "webhook event {id}: it was a copy of an event stored before, and is counted \
                 there as a duplicate"
            )));
        }
        let mut cursor = ApplyCursor::default();
        let (mut from, mut prior) = (0usize, None::<String>);
        loop {
            let (step, progress) = self.db.with_tx(|tx| {
                let parsed = cursor.get(tx, id)?;
                let step =
                    self.apply_event(tx, id, &parsed, from, prior.as_deref(), &mut Budget::new())?;
                let progress = if step.done {
                    None
                } else {
                    Some(store::progress(tx, id)?)
                };
                Ok((step, progress))
            })?;
            self.emit_applied(&[step.applied]);
            match progress {
                None => break,
                Some((f, p)) => {
                    (from, prior) = (f, p);
                    std::thread::sleep(YIELD_BETWEEN_CHUNKS);
                }
            }
        }
        self.inbox_event(id)
    }

    /// Loads captured payloads through the same path as the receiver: one JSON object (any
    /// formatting), a JSON array of objects, JSON lines, or objects one after another; a
    /// byte-order mark is skipped. Anything else is refused with its position and nothing is
    /// stored (see [`parse_capture`]). The counts are this import's own, even while the
    /// receiver stores events in the same database. It stores and applies in chunks (at
    /// most [`IMPORT_CHUNK`] bodies or 1 MiB per transaction), leaving the database to the
    /// receiver between them.
    pub fn import_events(&self, content: &str) -> Result<ImportReport> {
        let items = parse_capture(content)?;
        let bodies: Vec<Bytes> = items.into_iter().map(Bytes::from).collect();
        let mut stored = Vec::with_capacity(bodies.len());
        let mut rest = &bodies[..];
        while !rest.is_empty() {
            let mut n = 0;
            let mut bytes = 0;
            while n < rest.len() && n < IMPORT_CHUNK && (n == 0 || bytes < IMPORT_CHUNK_BYTES) {
                bytes += rest[n].len();
                n += 1;
            }
            stored.extend(self.store_events(&rest[..n], "import")?);
            rest = &rest[n..];
            if !rest.is_empty() {
                std::thread::sleep(YIELD_BETWEEN_CHUNKS);
            }
        }
        let new = stored.iter().filter(|(_, new)| *new).count() as u32;
        self.process_pending()?;
        Ok(ImportReport {
            total: bodies.len() as u32,
            new,
            duplicates: bodies.len() as u32 - new,
        })
    }
}

/// A line for the inbox about a change of a webhook field other than `messages`.
fn describe_field(field: &str, v: &Value) -> String {
    let t = |k: &str| history_text(v, k);
    let template = || {
        format!(
            "template {} ({})",
            t("message_template_name").unwrap_or_else(|| "?".into()),
            t("message_template_language").unwrap_or_else(|| "?".into())
        )
    };
    let mut parts: Vec<String> = Vec::new();
    match field {
        "message_template_status_update" => {
            parts.push(format!(
                "{}: {}",
                template(),
                t("event").unwrap_or_default()
            ));
            if let Some(r) = t("reason").filter(|r| r != "NONE") {
                parts.push(format!("reason {r}"));
            }
            if let Some(r) = v.pointer("/rejection_info/reason").and_then(Value::as_str) {
                parts.push(r.to_string());
            }
        }
        "message_template_quality_update" => parts.push(format!(
            "{}: quality {} → {}",
            template(),
            t("previous_quality_score").unwrap_or_else(|| "?".into()),
            t("new_quality_score").unwrap_or_else(|| "?".into())
        )),
        "template_category_update" => {
            let mut s = format!("{}: category", template());
            if let Some(p) = t("previous_category") {
                s.push_str(&format!(" {p} →"));
            }
            s.push_str(&format!(" {}", t("new_category").unwrap_or_default()));
            if let Some(c) = t("correct_category") {
                s.push_str(&format!(" (correct category {c})"));
            }
            parts.push(s);
        }
        "user_preferences" => {
            for p in v
                .get("user_preferences")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                parts.push(format!(
                    "{}: {} {}",
                    history_text(p, "wa_id").unwrap_or_default(),
                    history_text(p, "category").unwrap_or_default(),
                    history_text(p, "value").unwrap_or_default()
                ));
            }
        }
        _ => {
            let mut s = format!("{field}: {}", t("event").unwrap_or_default());
            if let Some(m) = t("message") {
                s.push_str(&format!(" ({m})"));
            }
            for r in v
                .get("restriction_info")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = history_text(r, "restriction_type") {
                    s.push_str(&format!(", {r}"));
                }
            }
            for g in v
                .get("groups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                s.push_str(&format!(
                    " {} {}",
                    history_text(g, "type").unwrap_or_default(),
                    history_text(g, "group_id").unwrap_or_default()
                ));
            }
            parts.push(s.trim().trim_end_matches(':').to_string());
        }
    }
    parts.join(", ")
}

fn history_text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The largest capture [`Core::import_events`] reads (64 MiB).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;
/// The most events one import stores.
pub const MAX_IMPORT_EVENTS: usize = 100_000;

/// `line:column` (1-based, columns in characters) of a byte offset.
fn position(content: &str, offset: usize) -> String {
    let before = &content[..offset.min(content.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

/// serde_json's message without its own " at line L column C" suffix.
fn reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn refuse(at: String, why: impl std::fmt::Display) -> Error {
    Error::Validation(format!(
        "not a webhook capture: at {at}: {why}; nothing was imported"
    ))
}

/// Splits a capture into event bodies: every top-level JSON object is one event, every
/// top-level array holds events. Each object keeps its text as captured (formatting
/// included); array elements are stored compact. Refuses (with the `line:column` of the
/// problem) text that is not JSON, a value that is not an object, an empty capture, and a
/// capture over [`MAX_IMPORT_BYTES`] or [`MAX_IMPORT_EVENTS`].
pub fn parse_capture(content: &str) -> Result<Vec<String>> {
    if content.len() > MAX_IMPORT_BYTES {
        return Err(Error::Validation(format!(
            "the capture is {} bytes; one import reads at most {} MiB: split the file",
            content.len(),
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let too_many = || {
        Error::Validation(format!(
            "the capture holds more than {MAX_IMPORT_EVENTS} events; one import stores at most {MAX_IMPORT_EVENTS}: split the file"
        ))
    };
    let mut items = Vec::new();
    let mut stream =
        serde_json::Deserializer::from_str(content).into_iter::<serde::de::IgnoredAny>();
    let mut start = 0;
    loop {
        let next = stream.next();
        let end = stream.byte_offset();
        match next {
            None => break,
            Some(Err(e)) => {
                // The position serde_json names is the character where reading stopped.
                let at = if e.line() > 0 {
                    format!("{}:{}", e.line(), e.column())
                } else {
                    position(content, end)
                };
                return Err(refuse(at, reason(&e)));
            }
            Some(Ok(_)) => {
                let raw = content[start..end].trim_start();
                let at = position(content, end - raw.len());
                match raw.as_bytes().first() {
                    Some(b'{') => items.push(raw.to_string()),
                    Some(b'[') => {
                        let arr: Vec<serde_json::Value> = serde_json::from_str(raw)
                            .map_err(|e| refuse(at.clone(), reason(&e)))?;
                        for (i, v) in arr.iter().enumerate() {
                            if !v.is_object() {
                                return Err(refuse(
                                    at,
                                    format!("element {} of the array is not a JSON object", i + 1),
                                ));
                            }
                            items.push(v.to_string());
                        }
                    }
                    _ => {
                        return Err(refuse(
                            at,
                            "expected a webhook body (a JSON object) or an array of them",
                        ))
                    }
                }
                if items.len() > MAX_IMPORT_EVENTS {
                    return Err(too_many());
                }
                start = end;
            }
        }
    }
    if items.is_empty() {
        return Err(Error::Validation(
            "the capture holds no webhook body: nothing was imported".into(),
        ));
    }
    Ok(items)
}

/// What routes and identifies one webhook body without applying it: the phone-number ids its
/// changes are for (in order, each once) and its event ids (each message's id, and each
/// status as `id:status`, since one message has several statuses; `id:status:participant` for
/// a group participant's status). A relay stores these
/// beside the raw body; `None` when the body is not a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventKeys {
    pub phone_number_ids: Vec<String>,
    pub event_ids: Vec<String>,
}

/// Reads an event's [`EventKeys`] with the same reading of `entry[].changes[].value` the
/// applier uses.
pub fn event_keys(body: &[u8]) -> Option<EventKeys> {
    let v: Value = serde_json::from_slice(body).ok()?;
    if !v.is_object() {
        return None;
    }
    let mut keys = EventKeys::default();
    let values = v
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
        .filter_map(|c| c.get("value"));
    for value in values {
        if let Some(p) = value
            .get("metadata")
            .and_then(|m| m.get("phone_number_id"))
            .and_then(Value::as_str)
        {
            if !keys.phone_number_ids.iter().any(|x| x == p) {
                keys.phone_number_ids.push(p.to_string());
            }
        }
        for m in value
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = m.get("id").and_then(Value::as_str) {
                keys.event_ids.push(id.to_string());
            }
        }
        for st in value
            .get("statuses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = st.get("id").and_then(Value::as_str) {
                let status = st.get("status").and_then(Value::as_str).unwrap_or("");
                // In a group, each participant's status is its own event.
                match st.get("recipient_participant_id").and_then(Value::as_str) {
                    Some(p) => keys.event_ids.push(format!("{id}:{status}:{p}")),
                    None => keys.event_ids.push(format!("{id}:{status}")),
                }
            }
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    #[test]
    fn event_keys_reads_numbers_and_event_ids() {
        let body = br#"{"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"111"},
            "messages":[{"id":"wamid.A"}],"statuses":[{"id":"wamid.B","status":"read"}]}},
            {"value":{"metadata":{"phone_number_id":"111"}}},{"value":{"metadata":{"phone_number_id":"222"}}}]}]}"#;
        let k = super::event_keys(body).expect("an object");
        assert_eq!(k.phone_number_ids, vec!["111", "222"]);
        assert_eq!(k.event_ids, vec!["wamid.A", "wamid.B:read"]);
        assert_eq!(super::event_keys(b"[1]"), None);
        assert_eq!(super::event_keys(b"not json"), None);
    }

    use super::*;

    fn err(s: &str) -> String {
        parse_capture(s).unwrap_err().to_string()
    }

    #[test]
    fn a_pretty_printed_object_is_one_event_kept_as_captured() {
        let body = "\u{feff}{\n  \"object\": \"whatsapp_business_account\",\n  \"entry\": []\n}\n";
        let items = parse_capture(body).unwrap();
        assert_eq!(items.len(), 1);
        assert!(items[0].starts_with('{') && items[0].ends_with('}'));
        assert!(items[0].contains("\n  \"entry\""), "formatting kept");
    }

    #[test]
    fn arrays_lines_and_concatenated_objects() {
        assert_eq!(parse_capture("[{\"a\":1}, {\"b\":2}]").unwrap().len(), 2);
        assert_eq!(parse_capture("{\"a\":1}\n\n{\"b\":2}\n").unwrap().len(), 2);
        assert_eq!(
            parse_capture("{\n \"a\": 1\n}{\"b\":2}  {\n}").unwrap(),
            vec!["{\n \"a\": 1\n}", "{\"b\":2}", "{\n}"]
        );
    }

    #[test]
    fn refusals_name_the_position_and_the_reason() {
        let e = err("{\"a\": 1}\n{\"b\": 2,\n  oops}");
        assert!(e.contains("at 3:3"), "{e}");
        assert!(e.contains("key must be a string"), "{e}");
        let e = err("{\"a\": 1}\n  42\n");
        assert!(e.contains("at 2:3") && e.contains("JSON object"), "{e}");
        let e = err("[{\"a\": 1}, 7]");
        assert!(e.contains("at 1:1") && e.contains("element 2"), "{e}");
        assert!(err("garbage").contains("at 1:1"), "{}", err("garbage"));
        assert!(err("   \n").contains("no webhook body"));
        assert!(err("{\"a\": 1").contains("EOF"), "{}", err("{\"a\": 1"));
    }

    #[test]
    fn limits_are_enforced() {
        let many = "{}".repeat(MAX_IMPORT_EVENTS + 1);
        assert!(err(&many).contains("at most 100000"));
        let huge = " ".repeat(MAX_IMPORT_BYTES + 1);
        assert!(err(&huge).contains("at most 64 MiB"));
    }

    #[test]
    fn template_webhooks_update_the_library_and_are_listed_for_what_they_are() {
        let core = Core::in_memory();
        let read = |core: &Core| -> (String, Option<String>, String, Option<String>) {
            core.db
                .with_conn(|c| {
                    c.query_row(
                        "SELECT status, quality, category, rejected_reason FROM templates WHERE template_id = '42'",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .map_err(Error::db("x"))
                })
                .unwrap()
        };
        core.db
            .with_tx(|tx| {
                tx.execute_batch(
                    "INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES ('+1555', 'n', 'simulator', 'x', 'x'); \
                     INSERT INTO templates (number_id, name, language, template_id, category, status, components, synced_at) \
                     VALUES (1, 'order_confirmation', 'en_US', '42', 'UTILITY', 'PENDING', '[]', 'x');",
                )
                .map_err(Error::db("x"))
            })
            .unwrap();
        let change = |field: &str, value: Value| {
            serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": field, "value": value}]}]})
                .to_string()
        };
        let r = core
            .import_events(&change(
                "message_template_status_update",
                serde_json::json!({"event": "REJECTED", "message_template_id": 42, "message_template_name": "order_confirmation",
                    "message_template_language": "en_US", "reason": "INVALID_FORMAT", "message_template_category": "UTILITY"}),
            ))
            .unwrap();
        assert_eq!(r.new, 1);
        assert_eq!(
            read(&core),
            (
                "REJECTED".into(),
                None,
                "UTILITY".into(),
                Some("INVALID_FORMAT".into())
            )
        );
        core.import_events(&change(
            "message_template_quality_update",
            serde_json::json!({"previous_quality_score": "GREEN", "new_quality_score": "YELLOW", "message_template_id": 42,
                "message_template_name": "order_confirmation", "message_template_language": "en_US"}),
        ))
        .unwrap();
        core.import_events(&change(
            "template_category_update",
            serde_json::json!({"message_template_id": 42, "message_template_name": "order_confirmation",
                "message_template_language": "en_US", "previous_category": "UTILITY", "new_category": "MARKETING"}),
        ))
        .unwrap();
        assert_eq!(
            read(&core),
            (
                "REJECTED".into(),
                Some("YELLOW".into()),
                "MARKETING".into(),
                Some("INVALID_FORMAT".into())
            )
        );
        let listed = core
            .list_inbox(&super::super::InboxFilter::default())
            .unwrap();
        let kinds: Vec<&str> = listed.iter().map(|e| e.kinds.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "template_category_update",
                "message_template_quality_update",
                "message_template_status_update"
            ]
        );
        assert!(listed.iter().all(|e| e.state == "applied"), "{listed:?}");
        assert!(
            listed[1].note.contains("quality GREEN → YELLOW"),
            "{}",
            listed[1].note
        );
        assert!(listed[2].note.contains("REJECTED") && listed[2].note.contains("INVALID_FORMAT"));
    }

    /// (id, body, duplicates, the hash key, the unchecked hash) of every stored event.
    fn stored(core: &Core) -> Vec<(i64, String, i64, String, Option<String>)> {
        core.db
            .with_conn(|c| {
                let mut st = c
                    .prepare("SELECT id, body, duplicates, body_sha256, pending_sha256 FROM inbox_events ORDER BY id")
                    .unwrap();
                let rows = st
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                    .unwrap()
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .unwrap();
                Ok(rows)
            })
            .unwrap()
    }

    #[test]
    fn a_retried_delivery_stored_unchecked_is_merged_into_the_first_copy_before_it_is_applied() {
        let core = Core::in_memory();
        let (a, b) = (
            r#"{"object":"x","entry":[],"n":1}"#,
            r#"{"object":"x","entry":[],"n":2}"#,
        );
        // A before, through an import (looked up as it is stored).
        core.import_events(a).unwrap();
        core.persist_unchecked(&[Bytes::from(a), Bytes::from(b), Bytes::from(b)])
            .unwrap();
        let before = stored(&core);
        assert_eq!(before.len(), 4, "stored as they came: {before:?}");
        // Placeholder keys sort after every hash, in id order.
        assert!(before[1].3.starts_with('~') && before[1].3 < before[2].3);
        assert_eq!(before[1].4.as_deref(), Some(sha256_of(a).as_str()));
        core.process_pending().unwrap();
        let after = stored(&core);
        assert_eq!(
            after
                .iter()
                .map(|(_, body, dups, key, unchecked)| (
                    body.as_str(),
                    *dups,
                    key.clone(),
                    unchecked.clone()
                ))
                .collect::<Vec<_>>(),
            vec![(a, 1, sha256_of(a), None), (b, 1, sha256_of(b), None)]
        );
        // And a later import of the same bodies finds them.
        let again = core.import_events(&format!("{a}\n{b}")).unwrap();
        assert_eq!((again.new, again.duplicates), (0, 2));
        assert!(core
            .list_inbox(&Default::default())
            .unwrap()
            .iter()
            .all(|e| e.state != "pending"));
    }

    fn sha256_of(body: &str) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn import_counts_are_exact_while_the_receiver_stores_events() {
        let core = std::sync::Arc::new(Core::in_memory());
        let body = |i: usize, src: &str| {
            format!("{{\"object\":\"x\",\"entry\":[],\"n\":{i},\"src\":\"{src}\"}}")
        };
        let receiver = {
            let core = core.clone();
            std::thread::spawn(move || {
                for i in 0..300 {
                    core.persist_events(&[Bytes::from(body(i, "http"))], "receiver")
                        .unwrap();
                }
            })
        };
        // 60 bodies, 10 of them twice, while the receiver stores 300 others.
        let mut lines: Vec<String> = (0..50).map(|i| body(i, "file")).collect();
        lines.extend((0..10).map(|i| body(i, "file")));
        let r = core.import_events(&lines.join("\n")).unwrap();
        receiver.join().unwrap();
        assert_eq!((r.total, r.new, r.duplicates), (60, 50, 10));
        let again = core.import_events(&lines.join("\n")).unwrap();
        assert_eq!((again.total, again.new, again.duplicates), (60, 0, 60));
    }

    #[test]
    fn an_import_ends_while_webhooks_keep_arriving() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let core = std::sync::Arc::new(Core::in_memory());
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let receiver = {
            let (core, stop) = (core.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                // Bounded, and far more than the import takes.
                while !stop.load(Ordering::Relaxed) && i < 1_000_000 {
                    let b = format!("{{\"object\":\"x\",\"entry\":[],\"webhook\":{i}}}");
                    core.persist_events(&[Bytes::from(b)], "receiver").unwrap();
                    i += 1;
                }
                i
            })
        };
        let lines: Vec<String> = (0..3000)
            .map(|i| format!("{{\"object\":\"x\",\"entry\":[],\"imported\":{i}}}"))
            .collect();
        let r = core.import_events(&lines.join("\n")).unwrap();
        stop.store(true, Ordering::Relaxed);
        let webhooks = receiver.join().unwrap();
        assert!(
            webhooks < 1_000_000,
            "the import ended while webhooks still came"
        );
        assert_eq!(r.new, 3000);
        let left: i64 = core
            .db
            .with_conn(|c| {
                c.query_row(
                    "SELECT count(*) FROM inbox_events WHERE source = 'import' AND state = 'pending'",
                    [],
                    |r| r.get(0),
                )
                .map_err(Error::db("x"))
            })
            .unwrap();
        assert_eq!(left, 0, "every imported event is applied");
    }
}
