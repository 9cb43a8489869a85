//! The webhook inbox: a local receiver that persists each raw body first (one transaction per
//! batch of concurrent requests: group commit), answers 200 only after the commit, and then
//! parses the events and applies them to history. Retries of an event (same body) are counted,
//! not stored twice. Malformed and unknown payloads are kept raw and flagged.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot, Notify, RwLock};
use ts_rs::TS;

use crate::history::{self, Route};
use crate::service::Core;
use crate::webhook::SECRET_HEADER;
use crate::{Error, Result};

/// Largest body accepted (Meta: payloads up to 3 MB); larger ones get 413.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// Most requests committed in one transaction.
const MAX_BATCH: usize = 512;
/// Events applied to history per transaction.
const APPLY_BATCH: usize = 200;
/// History is applied once the receiver has been idle this long...
const APPLY_WHEN_IDLE: std::time::Duration = std::time::Duration::from_millis(25);
/// ...or once this many stored events wait, whichever comes first: storing and answering
/// comes first during a burst, and history catches up right after it.
const APPLY_BACKLOG: usize = 20_000;

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

impl Core {
    /// Stores raw bodies in one transaction; returns each one's event id (a repeated body
    /// returns the first copy's id and counts a duplicate).
    pub fn persist_events(&self, bodies: &[Bytes], source: &str) -> Result<Vec<i64>> {
        let now = crate::util::now();
        self.db.with_tx(|tx| {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO inbox_events (received_at, source, body_sha256, body) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (body_sha256) DO UPDATE SET duplicates = duplicates + 1 RETURNING id",
                )
                .map_err(Error::db("storing webhook events"))?;
            bodies
                .iter()
                .map(|b| {
                    stmt.query_row(params![now, source, sha256_hex(b), String::from_utf8_lossy(b)], |r| r.get(0))
                        .map_err(Error::db("storing a webhook event"))
                })
                .collect()
        })
    }

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

    pub fn list_inbox(&self, filter: &InboxFilter) -> Result<Vec<InboxEventView>> {
        self.db.with_conn(|c| {
            let mut stmt = c
                .prepare(
                    "SELECT id, received_at, source, duplicates, state, number_id, phone_number_id, kinds, note, length(body) \
                     FROM inbox_events WHERE (?1 IS NULL OR number_id = ?1) AND (?2 IS NULL OR instr(',' || kinds || ',', ',' || ?2 || ',') > 0) \
                     AND (?3 IS NULL OR state = ?3) AND (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT ?5",
                )
                .map_err(Error::db("listing inbox events"))?;
            let rows = stmt
                .query_map(
                    params![filter.number_id, filter.kind, filter.state, filter.before_id, filter.limit.unwrap_or(200)],
                    |r| {
                        Ok(InboxEventView {
                            id: r.get(0)?,
                            received_at: r.get(1)?,
                            source: r.get(2)?,
                            duplicates: r.get(3)?,
                            state: r.get(4)?,
                            number_id: r.get(5)?,
                            phone_number_id: r.get(6)?,
                            kinds: r.get(7)?,
                            note: r.get(8)?,
                            bytes: r.get(9)?,
                            body: None,
                        })
                    },
                )
                .map_err(Error::db("listing inbox events"))?;
            rows.collect::<std::result::Result<_, _>>().map_err(Error::db("listing inbox events"))
        })
    }

    /// One event with its raw body.
    pub fn inbox_event(&self, id: i64) -> Result<InboxEventView> {
        let mut list = self.list_inbox(&InboxFilter {
            before_id: Some(id + 1),
            limit: Some(1),
            ..Default::default()
        })?;
        let mut ev = list
            .pop()
            .filter(|e| e.id == id)
            .ok_or_else(|| Error::NotFound(format!("inbox event {id}")))?;
        ev.body = Some(self.db.with_conn(|c| {
            c.query_row("SELECT body FROM inbox_events WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(Error::db("reading an event"))
        })?);
        Ok(ev)
    }

    /// Messages, newest first, filtered.
    pub fn list_messages(
        &self,
        filter: &history::HistoryFilter,
    ) -> Result<Vec<history::MessageView>> {
        self.db.with_conn(|c| history::list(c, filter))
    }

    /// Messages with one contact, oldest first, and the 24-hour window state.
    pub fn conversation(
        &self,
        number_id: Option<i64>,
        contact: &str,
    ) -> Result<history::Conversation> {
        self.db
            .with_conn(|c| history::conversation(c, number_id, contact, 500))
    }

    /// Sends a sent message again ("resend as test"), recorded as a new message.
    pub async fn resend(
        &self,
        wamid: &str,
        actor: crate::audit::Actor,
    ) -> Result<crate::api::SendResponse> {
        let (number_id, outgoing) = self.db.with_conn(|c| history::resend_request(c, wamid))?;
        self.send_message(number_id, &outgoing, actor).await
    }

    /// Retention: counts (dry run) or deletes messages older than `days`; a deletion is audited.
    pub fn prune_history(
        &self,
        days: u32,
        dry_run: bool,
        actor: crate::audit::Actor,
    ) -> Result<u64> {
        let n = history::prune(&self.db, days, dry_run)?;
        if !dry_run && n > 0 {
            self.db.with_conn(|c| {
                crate::audit::record(
                    c,
                    actor,
                    crate::audit::NewAudit {
                        action: "history_pruned",
                        detail: &format!("{n} messages older than {days} days"),
                        ..Default::default()
                    },
                )
            })?;
        }
        Ok(n)
    }

    /// Messages per status for a filter.
    pub fn message_counts(&self, filter: &history::HistoryFilter) -> Result<Vec<(String, i64)>> {
        self.db.with_conn(|c| history::counts(c, filter))
    }

    /// Exports the filtered history to `path` (written beside it, then renamed into place).
    pub fn export_history(
        &self,
        filter: &history::HistoryFilter,
        format: history::ExportFormat,
        path: &std::path::Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp).map_err(Error::io(&tmp))?;
        let mut out = std::io::BufWriter::new(file);
        let n = history::export(&self.db, filter, format, &mut out, progress)?;
        drop(out);
        std::fs::rename(&tmp, path).map_err(Error::io(path))?;
        Ok(n)
    }

    /// A message with its status timeline and raw JSON.
    pub fn message_detail(&self, wamid: &str) -> Result<history::MessageDetail> {
        self.db
            .with_conn(|c| history::detail(c, wamid))?
            .ok_or_else(|| Error::NotFound(format!("message {wamid}")))
    }

    /// The message a wamid names, as history has it.
    pub fn message_by_wamid(&self, wamid: &str) -> Result<Option<history::MessageView>> {
        self.db.with_conn(|c| history::message_by_wamid(c, wamid))
    }

    /// Requests the receiver refused (missing or wrong shared secret), newest first.
    pub fn list_rejections(&self, limit: u32) -> Result<Vec<Rejection>> {
        self.db.with_conn(|c| {
            let mut stmt = c
                .prepare("SELECT id, received_at, reason, bytes FROM inbox_rejections ORDER BY id DESC LIMIT ?1")
                .map_err(Error::db("listing rejections"))?;
            let rows = stmt
                .query_map([limit], |r| Ok(Rejection { id: r.get(0)?, received_at: r.get(1)?, reason: r.get(2)?, bytes: r.get(3)? }))
                .map_err(Error::db("listing rejections"))?;
            rows.collect::<std::result::Result<_, _>>().map_err(Error::db("listing rejections"))
        })
    }

    fn record_rejection(&self, reason: &str, bytes: usize) {
        let r = self.db.with_conn(|c| {
            c.execute(
                "INSERT INTO inbox_rejections (received_at, reason, bytes) VALUES (?1, ?2, ?3)",
                params![crate::util::now(), reason, bytes as i64],
            )
            .map_err(Error::db("recording a rejection"))
        });
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not record a rejected webhook");
        }
    }
}

/// A request the receiver refused.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Rejection {
    #[ts(type = "number")]
    pub id: i64,
    pub received_at: String,
    pub reason: String,
    #[ts(type = "number")]
    pub bytes: i64,
}

/// Whether the app's receiver runs, and where.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InboxStatus {
    pub running: bool,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub total: u32,
    pub new: u32,
    pub duplicates: u32,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct InboxFilter {
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    /// `status`, `message` or `error`.
    pub kind: Option<String>,
    pub state: Option<String>,
    /// Page backwards from this id (exclusive).
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InboxEventView {
    #[ts(type = "number")]
    pub id: i64,
    pub received_at: String,
    pub source: String,
    #[ts(type = "number")]
    pub duplicates: i64,
    /// pending, applied, unknown_number, malformed, unsupported
    pub state: String,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub phone_number_id: Option<String>,
    pub kinds: String,
    pub note: String,
    #[ts(type = "number")]
    pub bytes: i64,
    /// The raw body, in single-event views only.
    pub body: Option<String>,
}

struct Persist {
    body: Bytes,
    done: oneshot::Sender<bool>,
}

struct Receiver {
    core: Arc<Core>,
    queue: mpsc::Sender<Persist>,
    secrets: RwLock<Vec<String>>,
}

/// What the writer tells the applier: when it last stored events, and how many wait.
#[derive(Default)]
struct Pace {
    last_write: std::sync::Mutex<Option<std::time::Instant>>,
    backlog: std::sync::atomic::AtomicUsize,
}

/// A running receiver. Dropping it stops it.
pub struct InboxHandle {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    receiver: Arc<Receiver>,
}

impl InboxHandle {
    /// The URL to give 360dialog (through a tunnel) or to post to locally.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    /// Re-reads the shared secrets (after a webhook was set with or without one).
    pub async fn reload_secrets(&self) -> Result<()> {
        let fresh = load_secrets(&self.receiver.core)?;
        *self.receiver.secrets.write().await = fresh;
        Ok(())
    }

    pub fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for InboxHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn load_secrets(core: &Core) -> Result<Vec<String>> {
    Ok(core
        .webhook_secrets()?
        .into_iter()
        .map(|(_, s)| s.expose().clone())
        .collect())
}

/// Starts the receiver on `listen`. POST any path; GET / answers a short status line.
pub async fn serve(core: Arc<Core>, listen: SocketAddr) -> Result<InboxHandle> {
    let secrets = load_secrets(&core)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| Error::Validation(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let (queue, rx) = mpsc::channel::<Persist>(4096);
    let receiver = Arc::new(Receiver {
        core: core.clone(),
        queue,
        secrets: RwLock::new(secrets),
    });
    let applied = Arc::new(Notify::new());
    let pace = Arc::new(Pace::default());
    tokio::spawn(writer(core.clone(), rx, applied.clone(), pace.clone()));
    tokio::spawn(applier(core.clone(), applied.clone(), pace));
    applied.notify_one(); // events left pending by an earlier run

    let app = Router::new()
        .route(
            "/",
            get(|| async { "WABA Desk inbox: POST webhook events here\n" }).post(receive),
        )
        .route("/{*path}", post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(receiver.clone());
    let (tx, rx_stop) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx_stop.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "inbox receiver stopped");
        }
    });
    tracing::info!(%addr, "inbox receiver listening");
    Ok(InboxHandle {
        addr,
        shutdown: Some(tx),
        receiver,
    })
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    {
        let secrets = rx.secrets.read().await;
        if !secrets.is_empty() {
            let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
            if !given.is_some_and(|g| secrets.iter().any(|s| s == g)) {
                rx.core
                    .record_rejection("missing or wrong shared-secret header", body.len());
                tracing::warn!("inbox rejected a request without the shared secret");
                return StatusCode::UNAUTHORIZED;
            }
        }
    }
    let (done, wait) = oneshot::channel();
    if rx.queue.send(Persist { body, done }).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match wait.await {
        Ok(true) => StatusCode::OK,
        // Not stored: let the sender retry.
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Group commit: everything queued while the previous batch was being written goes into the
/// next transaction; each request is answered after its batch commits.
async fn writer(
    core: Arc<Core>,
    mut rx: mpsc::Receiver<Persist>,
    applied: Arc<Notify>,
    pace: Arc<Pace>,
) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        let bodies: Vec<Bytes> = batch.iter().map(|p| p.body.clone()).collect();
        let c = core.clone();
        let ok = match tokio::task::spawn_blocking(move || c.persist_events(&bodies, "receiver"))
            .await
        {
            Ok(Ok(_)) => true,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "could not store webhook events");
                false
            }
            Err(e) => {
                tracing::error!(error = %e, "webhook writer failed");
                false
            }
        };
        let n = batch.len();
        for p in batch {
            let _ = p.done.send(ok);
        }
        *pace.last_write.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(std::time::Instant::now());
        pace.backlog
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        applied.notify_one();
    }
}

/// Applies stored events to history, one batch at a time, when the receiver is idle or the
/// backlog is large, so that storing (and answering) new requests comes first under load.
async fn applier(core: Arc<Core>, applied: Arc<Notify>, pace: Arc<Pace>) {
    use std::sync::atomic::Ordering::Relaxed;
    loop {
        applied.notified().await;
        loop {
            let idle = pace
                .last_write
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_none_or(|t| t.elapsed() >= APPLY_WHEN_IDLE);
            if !idle && pace.backlog.load(Relaxed) < APPLY_BACKLOG {
                tokio::time::sleep(APPLY_WHEN_IDLE).await;
                continue;
            }
            let c = core.clone();
            match tokio::task::spawn_blocking(move || c.process_batch(APPLY_BATCH)).await {
                Ok(Ok(n)) if n == APPLY_BATCH => {
                    tokio::time::sleep(std::time::Duration::from_millis(3)).await
                }
                Ok(Ok(_)) => break,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "applying webhook events failed");
                    break;
                }
                Err(e) => {
                    tracing::error!(error = %e, "webhook applier failed");
                    break;
                }
            }
        }
    }
}
