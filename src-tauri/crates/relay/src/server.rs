//! `serve`: the webhook receiver, the desktops' feed (pull and live), health and metrics.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::task::{Context as TaskContext, Poll};
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
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch, Mutex as AsyncMutex, OwnedSemaphorePermit, Semaphore};

use crate::db::{self, NewEvent, Stored};
use crate::metrics::Metrics;

/// The header the shared secret comes in (the same one the desktop's own receiver reads).
pub use wabadesk_core::webhook::SECRET_HEADER;

/// Largest body accepted (Meta: payloads up to 3 MB); larger ones get 413.
pub const MAX_BODY: usize = wabadesk_core::inbox::MAX_BODY;
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

/// Bounds the connections open at once: a connection holds a permit until it closes.
struct Limited {
    inner: TcpListener,
    permits: Arc<Semaphore>,
}

pub struct LimitedIo {
    io: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for LimitedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for LimitedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl axum::serve::Listener for Limited {
    type Io = LimitedIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (LimitedIo, SocketAddr) {
        loop {
            let Ok(permit) = self.permits.clone().acquire_owned().await else {
                unreachable!("the connection semaphore is never closed")
            };
            match self.inner.accept().await {
                Ok((io, addr)) => {
                    let _ = io.set_nodelay(true);
                    return (
                        LimitedIo {
                            io,
                            _permit: permit,
                        },
                        addr,
                    );
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
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
        // The same body twice in one batch is stored once.
        let mut unique: Vec<NewEvent> = Vec::with_capacity(batch.len());
        let mut answers: Vec<(usize, bool, oneshot::Sender<Option<bool>>)> =
            Vec::with_capacity(batch.len());
        for p in batch {
            match unique.iter().position(|e| e.sha256 == p.event.sha256) {
                Some(i) => answers.push((i, false, p.done)),
                None => {
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
    let bytes: Bytes =
        match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY)).await {
            Err(_) => return r.reject(StatusCode::REQUEST_TIMEOUT, "the body came too slowly"),
            Ok(Err(_)) => return r.reject(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large"),
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
    let (done, answer) = oneshot::channel();
    let event = NewEvent {
        sha256: db::sha256(&bytes),
        phone_number_id: pnid,
        event_ids: keys.event_ids.join(","),
        body: bytes.to_vec(),
    };
    if r.queue.send(Persist { event, done }).await.is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    match answer.await {
        Ok(Some(new)) => {
            if new {
                r.metrics.stored.fetch_add(1, Ordering::Relaxed);
            } else {
                r.metrics.duplicates.fetch_add(1, Ordering::Relaxed);
            }
            (StatusCode::OK, "stored").into_response()
        }
        _ => (StatusCode::SERVICE_UNAVAILABLE, "not stored: try again").into_response(),
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
    let feed = Feed {
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
    let limited = Limited {
        inner: listener,
        permits: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
    };
    let app = router(relay.clone());
    axum::serve(limited, app)
        .with_graceful_shutdown(async move {
            stop.await;
            tracing::info!("shutting down: finishing the requests in flight");
            // The live streams and background tasks see the flag and end.
            let _ = stop_tx.send(true);
        })
        .await?;
    drop(relay);
    for w in writers {
        w.abort();
    }
    tracing::info!("relay stopped");
    Ok(())
}
