//! `serve`: the webhook receiver, the desktops' feed (pull and live), health and metrics.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;
use deadpool_postgres::Pool;
use futures_util::Stream;
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch, Mutex as AsyncMutex, Semaphore};

use crate::db::{self, NewEvent, Stored};
use crate::metrics::Metrics;

/// The header the shared secret comes in (the same one the desktop's own receiver reads).
pub use wabadesk_core::webhook::SECRET_HEADER;

/// Largest body accepted (Meta: payloads up to 3 MB); larger ones get 413.
pub const MAX_BODY: usize = wabadesk_core::inbox::MAX_BODY;
/// A client has this long to send a request's headers; then the connection is closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// A client has this long to send its body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Webhook requests handled at once; beyond it a request gets 503 (360dialog retries).
pub const MAX_IN_FLIGHT: usize = 2048;
/// Connections open at once; further ones wait to be accepted.
pub const MAX_CONNECTIONS: usize = 4096;
/// Events stored per transaction at most (group commit).
const MAX_BATCH: usize = 1000;
/// Storing tasks per replica (each one transaction at a time).
const WRITERS: usize = 4;
/// Events a pull returns at most, and by default.
pub const MAX_PAGE: i64 = 5000;
const DEFAULT_PAGE: i64 = 1000;
/// A live stream re-reads the feed at least this often, even without a notification.
const STREAM_RECHECK: Duration = Duration::from_secs(5);
const SECRETS_EVERY: Duration = Duration::from_secs(5);
const SECRETS_AFTER_FAILURE: Duration = Duration::from_secs(1);

struct Persist {
    event: NewEvent,
    done: oneshot::Sender<Option<bool>>,
}

struct Secrets {
    numbers: Vec<(String, Vec<u8>)>,
    loaded: Instant,
}

impl Secrets {
    /// The numbers whose secret is `given`: every hash is compared, in constant time.
    fn matching(&self, given: &[u8]) -> Vec<String> {
        let h = db::sha256(given);
        let mut out = Vec::new();
        for (pnid, s) in &self.numbers {
            if bool::from(s.as_slice().ct_eq(&h)) {
                out.push(pnid.clone());
            }
        }
        out
    }
}

pub struct Relay {
    pool: Pool,
    metrics: Metrics,
    shared: RwLock<Secrets>,
    queue: mpsc::Sender<Persist>,
    in_flight: Semaphore,
    wake: watch::Sender<i64>,
    shutdown: watch::Receiver<bool>,
}

impl Relay {
    async fn reload_secrets(&self) -> Result<()> {
        let numbers = db::number_secrets(&self.pool).await?;
        *self.shared.write().unwrap_or_else(|p| p.into_inner()) = Secrets {
            numbers,
            loaded: Instant::now(),
        };
        Ok(())
    }

    fn matching(&self, given: &[u8]) -> (Vec<String>, Duration) {
        let s = self.shared.read().unwrap_or_else(|p| p.into_inner());
        (s.matching(given), s.loaded.elapsed())
    }

    /// Hands an event to the writers and waits for its commit: `Some(new)` once stored (new,
    /// or a duplicate of one stored before), `None` when it was not stored.
    async fn persist(&self, event: NewEvent) -> Option<bool> {
        let (done, answer) = oneshot::channel();
        if self.queue.send(Persist { event, done }).await.is_err() {
            return None;
        }
        let new = answer.await.ok().flatten()?;
        if new {
            self.metrics.stored.fetch_add(1, Ordering::Relaxed);
        } else {
            self.metrics.duplicates.fetch_add(1, Ordering::Relaxed);
        }
        Some(new)
    }

    fn reject(&self, status: StatusCode, why: &'static str) -> Response {
        self.metrics.rejected.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            status = status.as_u16(),
            reason = why,
            "webhook request refused"
        );
        (status, why).into_response()
    }
}

/// Accepts connections while fewer than [`MAX_CONNECTIONS`] are open (the rest wait in the
/// listen backlog); each is cut when its request headers take longer than [`HEADER_TIMEOUT`]
/// (a client sending half a header holds nothing for long). When `stop` resolves: stops
/// accepting, sets the shutdown flag (live streams end), lets every connection finish the
/// request it is in, and returns once all are closed.
async fn accept(
    listener: TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
    stop_tx: watch::Sender<bool>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut stop => break,
        };
        let io = tokio::select! {
            r = listener.accept() => match r {
                Ok((io, _)) => io,
                Err(e) => {
                    // Out of descriptors or a reset before accept: wait a moment, go on.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = io.set_nodelay(true);
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut shutdown = stop_tx.subscribe();
        tokio::spawn(async move {
            let _permit = permit;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(io), svc);
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "connection ended");
                    }
                }
                _ = async { drop(shutdown.wait_for(|s| *s).await) } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing the requests in flight");
    // The live streams and background tasks see the flag and end.
    let _ = stop_tx.send(true);
    let _ = slots.acquire_many(MAX_CONNECTIONS as u32).await;
}

/// Stores what the queue holds, a batch per transaction, and answers each request.
async fn writer(rx: Arc<AsyncMutex<mpsc::Receiver<Persist>>>, relay: Arc<Relay>) {
    loop {
        let mut batch = Vec::new();
        {
            let mut rx = rx.lock().await;
            match rx.recv().await {
                None => return,
                Some(p) => batch.push(p),
            }
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
        }
        // The same event twice in one batch (by its key) is stored once.
        let mut unique: Vec<NewEvent> = Vec::with_capacity(batch.len());
        let mut index: HashMap<Vec<u8>, usize> = HashMap::with_capacity(batch.len());
        let mut answers: Vec<(usize, bool, oneshot::Sender<Option<bool>>)> =
            Vec::with_capacity(batch.len());
        for p in batch {
            match index.get(&p.event.key) {
                Some(&i) => answers.push((i, false, p.done)),
                None => {
                    index.insert(p.event.key.clone(), unique.len());
                    unique.push(p.event);
                    answers.push((unique.len() - 1, true, p.done));
                }
            }
        }
        match db::store(&relay.pool, &unique).await {
            Ok((new, last)) => {
                relay.metrics.saw_head(last);
                relay.wake.send_replace(last);
                for (i, first, done) in answers {
                    let _ = done.send(Some(first && new[i]));
                }
            }
            Err(e) => {
                relay.metrics.store_failures.fetch_add(1, Ordering::Relaxed);
                tracing::error!(error = %e, events = unique.len(), "storing a batch failed; answering 503");
                for (_, _, done) in answers {
                    let _ = done.send(None);
                }
            }
        }
    }
}

/// Listens for other replicas' commits (LISTEN/NOTIFY) and wakes the live streams.
async fn listen_for_commits(url: String, relay: Arc<Relay>) {
    let mut shutdown = relay.shutdown.clone();
    loop {
        match tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
            Ok((client, mut conn)) => {
                let (tx, mut rx) = mpsc::unbounded_channel();
                let poll = tokio::spawn(async move {
                    let mut messages =
                        futures_util::stream::poll_fn(move |cx| conn.poll_message(cx));
                    use futures_util::StreamExt;
                    while let Some(m) = messages.next().await {
                        match m {
                            Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                                let _ = tx.send(n.payload().parse::<i64>().unwrap_or(0));
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                });
                if client
                    .batch_execute(&format!("LISTEN {}", db::CHANNEL))
                    .await
                    .is_ok()
                {
                    loop {
                        tokio::select! {
                            seq = rx.recv() => match seq {
                                Some(seq) => {
                                    relay.metrics.saw_head(seq);
                                    relay.wake.send_replace(seq);
                                }
                                None => break,
                            },
                            _ = shutdown.changed() => { poll.abort(); return; }
                        }
                    }
                }
                poll.abort();
            }
            Err(e) => tracing::warn!(error = %e, "listening for new events failed; trying again"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn webhook(State(r): State<Arc<Relay>>, headers: HeaderMap, body: Body) -> Response {
    let Ok(_slot) = r.in_flight.try_acquire() else {
        return r.reject(StatusCode::SERVICE_UNAVAILABLE, "busy: try again");
    };
    let Some(given) = headers.get(SECRET_HEADER) else {
        return r.reject(StatusCode::UNAUTHORIZED, "the shared secret is missing");
    };
    let (mut matched, age) = r.matching(given.as_bytes());
    if matched.is_empty() && age >= SECRETS_AFTER_FAILURE {
        // Another replica or `relay number add` may have set it just now.
        if let Err(e) = r.reload_secrets().await {
            tracing::warn!(error = %e, "could not read the shared secrets");
        }
        matched = r.matching(given.as_bytes()).0;
    }
    if matched.is_empty() {
        return r.reject(StatusCode::UNAUTHORIZED, "the shared secret is wrong");
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > 2 * MAX_BODY) {
        // Too large to be worth reading on: answered at once.
        return r.reject(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large");
    }
    let reading = wabadesk_core::inbox::read_webhook_body(body, |_| {});
    let bytes: Bytes = match tokio::time::timeout(BODY_TIMEOUT, reading).await {
        Err(_) => return r.reject(StatusCode::REQUEST_TIMEOUT, "the body came too slowly"),
        Ok(Err(status)) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            return r.reject(status, "the body is too large")
        }
        Ok(Err(status)) => return r.reject(status, "the body could not be read"),
        Ok(Ok(b)) => b,
    };
    let keys = wabadesk_core::inbox::event_keys(&bytes).unwrap_or_default();
    if keys.phone_number_ids.iter().any(|p| !matched.contains(p)) {
        return r.reject(
            StatusCode::FORBIDDEN,
            "the event is for a number this secret is not for",
        );
    }
    let pnid = keys
        .phone_number_ids
        .first()
        .cloned()
        .or_else(|| matched.first().cloned());
    r.metrics.received.fetch_add(1, Ordering::Relaxed);
    if let Some(p) = &pnid {
        r.metrics.count_number(p);
    }
    let event = NewEvent {
        key: db::dedupe_key(&bytes, &keys.event_ids),
        sha256: db::sha256(&bytes),
        source: "webhook",
        phone_number_id: pnid,
        event_ids: keys.event_ids.join(","),
        body: bytes.to_vec(),
    };
    match r.persist(event).await {
        Some(_) => (StatusCode::OK, "stored").into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "not stored: try again").into_response(),
    }
}

/// A send a desktop made, as it reports it (`POST /v1/sends`).
#[derive(Deserialize, serde::Serialize)]
struct ReportedSend {
    wamid: String,
    #[serde(default)]
    phone_number_id: Option<String>,
    /// The number's phone (E.164), for a number whose phone-number id the desktop has not
    /// read yet.
    #[serde(default)]
    phone: Option<String>,
    contact: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    template_name: Option<String>,
    #[serde(default)]
    template_language: Option<String>,
    #[serde(default)]
    body: Option<String>,
    /// When the desktop recorded it (RFC 3339).
    sent_at: String,
}

/// Largest send report accepted.
const MAX_SEND_REPORT: usize = 64 * 1024;

/// A desktop reports a send it made: stored (once per wamid) in the feed, with the token's
/// name as its sender, so the other desktops put it into their History. 200 once committed.
async fn report_send(State(r): State<Arc<Relay>>, headers: HeaderMap, body: Bytes) -> Response {
    let name = match authenticate(&r, &headers).await {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    let bad = |m: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": m })),
        )
            .into_response()
    };
    if body.len() > MAX_SEND_REPORT {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({"error": "a send report is at most 64 KiB"})),
        )
            .into_response();
    }
    let send: ReportedSend = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return bad(&format!("not a send report: {e}")),
    };
    if send.wamid.trim().is_empty() || send.wamid.len() > 200 {
        return bad("a send report names its wamid");
    }
    let pnid = send.phone_number_id.as_deref().map(str::trim);
    if pnid.is_some_and(|p| p.is_empty() || p.len() > 64 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return bad("a phone-number id is digits only");
    }
    let pnid = pnid.map(str::to_string);
    if pnid.is_none() && send.phone.as_deref().is_none_or(|p| p.trim().is_empty()) {
        return bad("a send report names its number (phone-number id or phone)");
    }
    let stored = json!({ "wabadesk_send": { "sender": name, "send": send } }).to_string();
    let event = NewEvent {
        key: db::send_key(&send.wamid),
        sha256: db::sha256(stored.as_bytes()),
        source: "desktop",
        phone_number_id: pnid,
        event_ids: format!("send:{}", send.wamid),
        body: stored.into_bytes(),
    };
    match r.persist(event).await {
        Some(new) => Json(json!({ "new": new })).into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": "not stored: try again"})),
        )
            .into_response(),
    }
}

/// The token's name, or the answer refusing the request.
async fn authenticate(r: &Relay, headers: &HeaderMap) -> Result<String, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err((
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "an access token is required"})),
        )
            .into_response());
    };
    match db::token_name(&r.pool, &db::sha256(token.as_bytes())).await {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err((
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "the access token is unknown or revoked"})),
        )
            .into_response()),
        Err(e) => {
            tracing::error!(error = %e, "checking a token failed");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"error": "the database is unavailable"})),
            )
                .into_response())
        }
    }
}

/// One event as the feed gives it: the body as text, or base64 when it is not UTF-8.
fn event_json(e: &Stored) -> serde_json::Value {
    let mut v = json!({
        "seq": e.seq,
        "source": e.source,
        "phone_number_id": e.phone_number_id,
        "received_at": e.received_at,
    });
    match std::str::from_utf8(&e.body) {
        Ok(t) => v["body"] = json!(t),
        Err(_) => {
            v["body_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(&e.body))
        }
    }
    v
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
}

async fn pull(
    State(r): State<Arc<Relay>>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Response {
    let name = match authenticate(&r, &headers).await {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    let limit = q.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let after = q.after.max(0);
    let events = match db::events_after(&r.pool, after, limit).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "reading the feed failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"error": "the database is unavailable"})),
            )
                .into_response();
        }
    };
    let next = events.last().map(|e| e.seq).unwrap_or(after);
    r.metrics.subscriber_at(&name, after);
    if let Err(e) = db::record_cursor(&r.pool, &name, after).await {
        tracing::warn!(error = %e, "recording a subscriber's cursor failed");
    }
    let items: Vec<_> = events.iter().map(event_json).collect();
    Json(json!({"events": items, "next": next, "more": items.len() as i64 == limit}))
        .into_response()
}

async fn me(State(r): State<Arc<Relay>>, headers: HeaderMap) -> Response {
    match authenticate(&r, &headers).await {
        Ok(name) => {
            let head = db::head(&r.pool).await.unwrap_or(0);
            Json(json!({"name": name, "head": head})).into_response()
        }
        Err(resp) => resp,
    }
}

#[derive(Deserialize)]
struct NumberBody {
    secret: String,
}

/// A desktop points a number at the relay: the relay learns its shared secret.
async fn put_number(
    State(r): State<Arc<Relay>>,
    headers: HeaderMap,
    Path(pnid): Path<String>,
    Json(b): Json<NumberBody>,
) -> Response {
    if let Err(resp) = authenticate(&r, &headers).await {
        return resp;
    }
    match db::set_number(&r.pool, &pnid, &b.secret).await {
        Ok(()) => {
            let _ = r.reload_secrets().await;
            Json(json!({"phone_number_id": pnid})).into_response()
        }
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

struct Feed {
    relay: Arc<Relay>,
    name: String,
    /// The stream's token, checked again while it is open: a revoked token's stream ends.
    token_sha256: Vec<u8>,
    checked_at: std::time::Instant,
    cursor: i64,
    buf: VecDeque<Stored>,
    wake: watch::Receiver<i64>,
    shutdown: watch::Receiver<bool>,
}

fn live(feed: Feed) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(feed, |mut f| async move {
        loop {
            if *f.shutdown.borrow() {
                return None;
            }
            if let Some(e) = f.buf.pop_front() {
                f.cursor = e.seq;
                let ev = Event::default()
                    .id(e.seq.to_string())
                    .event("event")
                    .data(event_json(&e).to_string());
                return Some((Ok(ev), f));
            }
            if f.checked_at.elapsed() >= STREAM_RECHECK {
                match db::token_name(&f.relay.pool, &f.token_sha256).await {
                    Ok(Some(_)) => f.checked_at = std::time::Instant::now(),
                    Ok(None) => {
                        tracing::info!(subscriber = %f.name, "a live stream's token was revoked; closing it");
                        return None;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "checking a live stream's token failed; closing it");
                        return None;
                    }
                }
            }
            f.relay.metrics.subscriber_at(&f.name, f.cursor);
            let _ = db::record_cursor(&f.relay.pool, &f.name, f.cursor).await;
            f.wake.borrow_and_update();
            match db::events_after(&f.relay.pool, f.cursor, DEFAULT_PAGE).await {
                Err(e) => {
                    tracing::warn!(error = %e, "reading the feed for a live stream failed; closing it");
                    return None;
                }
                Ok(v) if !v.is_empty() => f.buf.extend(v),
                Ok(_) => {
                    tokio::select! {
                        _ = f.wake.changed() => {}
                        _ = f.shutdown.changed() => {}
                        _ = tokio::time::sleep(STREAM_RECHECK) => {}
                    }
                }
            }
        }
    })
}

async fn stream(
    State(r): State<Arc<Relay>>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Response {
    let name = match authenticate(&r, &headers).await {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    // A reconnecting EventSource sends the last id it saw.
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(q.after)
        .max(0);
    let token_sha256 = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| db::sha256(t.trim().as_bytes()))
        .unwrap_or_default();
    let feed = Feed {
        token_sha256,
        checked_at: std::time::Instant::now(),
        wake: r.wake.subscribe(),
        shutdown: r.shutdown.clone(),
        relay: r.clone(),
        name,
        cursor: after,
        buf: VecDeque::new(),
    };
    Sse::new(live(feed))
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn healthz(State(r): State<Arc<Relay>>) -> Response {
    match r.pool.get().await {
        Ok(c) if c.simple_query("SELECT 1").await.is_ok() => (StatusCode::OK, "ok").into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is unavailable",
        )
            .into_response(),
    }
}

async fn metrics(State(r): State<Arc<Relay>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        r.metrics.render(),
    )
        .into_response()
}

pub fn router(relay: Arc<Relay>) -> Router {
    Router::new()
        .route("/webhook", post(webhook))
        .route("/v1/events", get(pull))
        .route("/v1/stream", get(stream))
        .route("/v1/me", get(me))
        .route("/v1/sends", post(report_send))
        .route("/v1/numbers/{pnid}", put(put_number))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(relay)
}

/// Runs the relay until `stop` resolves; then stops accepting, finishes the requests in
/// flight (each one answered only after its event is stored) and ends the live streams.
/// `bound` learns the listening address.
pub async fn serve(
    listen: SocketAddr,
    database: &str,
    bound: impl FnOnce(SocketAddr),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let pool = db::pool(database)?;
    db::migrate(&pool).await.context("migrating the database")?;
    let head = db::head(&pool).await?;
    let (queue, rx) = mpsc::channel(MAX_IN_FLIGHT);
    let (wake, _) = watch::channel(head);
    let (stop_tx, shutdown) = watch::channel(false);
    let relay = Arc::new(Relay {
        pool,
        metrics: Metrics::default(),
        shared: RwLock::new(Secrets {
            numbers: Vec::new(),
            loaded: Instant::now(),
        }),
        queue,
        in_flight: Semaphore::new(MAX_IN_FLIGHT),
        wake,
        shutdown,
    });
    relay.metrics.saw_head(head);
    relay.reload_secrets().await?;
    let rx = Arc::new(AsyncMutex::new(rx));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| tokio::spawn(writer(rx.clone(), relay.clone())))
        .collect();
    tokio::spawn(listen_for_commits(database.to_string(), relay.clone()));
    {
        let r = relay.clone();
        let mut sd = relay.shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(SECRETS_EVERY) => {
                        if let Err(e) = r.reload_secrets().await {
                            tracing::warn!(error = %e, "could not read the shared secrets");
                        }
                    }
                    _ = sd.changed() => return,
                }
            }
        });
    }
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    bound(addr);
    tracing::info!(%addr, "relay listening");
    accept(listener, router(relay.clone()), stop, stop_tx).await;
    drop(relay);
    for w in writers {
        w.abort();
    }
    tracing::info!("relay stopped");
    Ok(())
}
