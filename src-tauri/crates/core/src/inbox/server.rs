//! The local HTTP receiver: persists each raw body first (group commit), answers 200 only after
//! the commit, and hands the stored events to the applier.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tokio::sync::{mpsc, oneshot, Notify, Semaphore};

use super::apply::{ApplyCursor, APPLY_BATCH, YIELD_BETWEEN_CHUNKS};
use super::store::InboxStatus;
use crate::events::Topic;
use crate::service::{Core, RunningReceiver};
use crate::webhook::{secret_account, SECRET_HEADER};
use crate::{Error, Result};

/// Largest body accepted (Meta: payloads up to 3 MB); larger ones get 413.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// Most requests committed in one transaction.
const MAX_BATCH: usize = 512;
/// History is applied once the receiver has been idle this long...
const APPLY_WHEN_IDLE: Duration = Duration::from_millis(25);
/// ...or once the oldest event not yet applied has waited this long, whichever comes first:
/// storing and answering comes first during a burst, and history catches up right after it;
/// a burst longer than this gives the applier every other turn, so history is never further
/// behind than this for long (measured by `scripts/bench/inbox.sh`)...
const APPLY_MAX_LAG: Duration = Duration::from_secs(30);
/// ...and during a long burst, one chunk this often (a chunk is bounded, so a request waits
/// for one chunk at most).
const APPLY_AT_LEAST_EVERY: Duration = Duration::from_millis(250);
/// A client has this long to send a request's headers (also while a kept-alive connection
/// idles): slow clients cannot hold connections open.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(3);
/// ...and this long to send its body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes of request bodies held in memory at once (in flight or waiting to be stored);
/// requests beyond it wait for their turn before their body is read (at most
/// [`BUDGET_WAIT`], then 503).
pub const BODY_BUDGET: usize = 64 * 1024 * 1024;
/// A request waits at most this long for its share of [`BODY_BUDGET`]; then it gets 503 (the
/// sender retries later), so bodies beyond the budget are refused rather than held.
pub const BUDGET_WAIT: Duration = Duration::from_secs(5);
/// Descriptors kept free for the database, the keyring and the rest of the process.
const SPARE_DESCRIPTORS: u64 = 64;
/// Connections waiting to be accepted (beyond those served at once) that the kernel keeps
/// rather than dropping their handshake.
const LISTEN_BACKLOG: u32 = 4096;
/// The most connections served at once, whatever the descriptor limit.
const MAX_CONNECTIONS: u64 = 4096;
/// After a request fails the secret check, the secrets are read again (another process may
/// have set one), at most this often.
const RELOAD_AFTER_FAILURE: Duration = Duration::from_secs(1);
/// And on this timer regardless.
const RELOAD_EVERY: Duration = Duration::from_secs(5);
/// Refused requests waiting to be recorded; beyond it they are counted in the log only.
const REJECTION_QUEUE: usize = 256;

struct Persist {
    body: Bytes,
    done: oneshot::Sender<bool>,
    // Fields drop in this order: the bytes stop counting as held before the budget's share is
    // given back, so the next body is never counted while this one still is.
    /// Counts its bytes as held until it is stored.
    _held: Held,
    /// Holds the body's share of the memory budget until it is stored.
    _budget: tokio::sync::OwnedSemaphorePermit,
}

/// Bytes of request bodies in memory now, and the most there ever were.
#[derive(Default)]
struct BodyMemory {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// Bytes counted in [`BodyMemory`] while this lives.
struct Held {
    memory: Arc<BodyMemory>,
    bytes: usize,
}

impl Held {
    fn new(memory: Arc<BodyMemory>) -> Held {
        Held { memory, bytes: 0 }
    }

    fn add(&mut self, n: usize) {
        self.bytes += n;
        let now = self.memory.now.fetch_add(n, Ordering::Relaxed) + n;
        self.memory.peak.fetch_max(now, Ordering::Relaxed);
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.memory.now.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

/// One number's shared secret, and what routes an event to the number.
struct NumberKey {
    id: i64,
    phone_number_id: Option<String>,
    phone: String,
    secret: Option<Vec<u8>>,
}

/// The shared secrets the receiver checks.
#[derive(Default)]
struct Keys {
    numbers: Vec<NumberKey>,
}

impl Keys {
    fn load(core: &Core) -> Result<Keys> {
        let mut numbers = Vec::new();
        for n in core.list_numbers()? {
            let secret = core
                .secrets
                .get(&secret_account(&n.phone))?
                .map(|s| s.expose().as_bytes().to_vec());
            numbers.push(NumberKey {
                id: n.id,
                phone_number_id: n.phone_number_id,
                phone: n.phone,
                secret,
            });
        }
        Ok(Keys { numbers })
    }

    fn any_secret(&self) -> bool {
        self.numbers.iter().any(|n| n.secret.is_some())
    }

    /// The numbers whose secret is `given`, compared in constant time (every secret is
    /// compared, so the time does not tell which one matched).
    fn matching(&self, given: Option<&[u8]>) -> Vec<i64> {
        let Some(given) = given else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for n in &self.numbers {
            if let Some(s) = &n.secret {
                if bool::from(s.as_slice().ct_eq(given)) {
                    out.push(n.id);
                }
            }
        }
        out
    }

    /// The number an event's metadata routes to, as the applier routes it: the phone-number
    /// id first, then the display number.
    fn route(&self, meta: &Metadata) -> Option<&NumberKey> {
        meta.phone_number_id
            .as_deref()
            .and_then(|p| {
                self.numbers
                    .iter()
                    .find(|n| n.phone_number_id.as_deref() == Some(p))
            })
            .or_else(|| {
                let d = meta.display_phone_number.as_deref()?;
                let phone = format!(
                    "+{}",
                    d.chars().filter(char::is_ascii_digit).collect::<String>()
                );
                self.numbers.iter().find(|n| n.phone == phone)
            })
    }
}

/// The part of an event the secret check reads: where each change is for.
#[derive(Deserialize, Default)]
struct Envelope {
    #[serde(default)]
    entry: Vec<Entry>,
}
#[derive(Deserialize, Default)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}
#[derive(Deserialize, Default)]
struct Change {
    #[serde(default)]
    value: Option<ChangeValue>,
}
#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    metadata: Option<Metadata>,
}
#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    phone_number_id: Option<String>,
    #[serde(default)]
    display_phone_number: Option<String>,
}

struct Receiver {
    core: Arc<Core>,
    queue: mpsc::Sender<Persist>,
    keys: RwLock<Keys>,
    last_reload: Mutex<Instant>,
    /// It listens on a loopback address only.
    loopback: bool,
    budget: Arc<Semaphore>,
    memory: Arc<BodyMemory>,
    rejections: mpsc::Sender<(String, usize)>,
}

impl Receiver {
    fn reload(&self) -> Result<()> {
        let fresh = Keys::load(&self.core)?;
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        *self.last_reload.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        Ok(())
    }

    /// Re-reads the secrets unless that happened (or started) less than `min` ago.
    fn reload_if_older(&self, min: Duration) {
        {
            let mut last = self.last_reload.lock().unwrap_or_else(|p| p.into_inner());
            if last.elapsed() < min {
                return;
            }
            // Claimed: concurrent callers do not read them again meanwhile.
            *last = Instant::now();
        }
        if let Err(e) = self.reload() {
            tracing::warn!(error = %e, "could not read the shared secrets again");
        }
    }

    /// Records a refused request without waiting (a full queue drops the record, not the
    /// answer).
    fn reject(&self, reason: &str, bytes: usize) -> StatusCode {
        tracing::warn!(reason, "inbox refused a request");
        if self
            .rejections
            .try_send((reason.to_string(), bytes))
            .is_err()
        {
            tracing::warn!("too many refused requests to record them all");
        }
        StatusCode::UNAUTHORIZED
    }

    /// Whether a request carrying `given` may post at all (checked from the headers, before
    /// the body is read). Returns the numbers it holds the secret of.
    fn admit(&self, given: Option<&[u8]>) -> std::result::Result<Vec<i64>, &'static str> {
        let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
        let matched = keys.matching(given);
        if !matched.is_empty() || (self.loopback && !keys.any_secret()) {
            return Ok(matched);
        }
        Err(if given.is_some() {
            "wrong shared-secret header"
        } else {
            "missing shared-secret header"
        })
    }

    /// Whether the body's events are for numbers the request holds the secret of: each
    /// number's secret is good for that number's events only.
    fn authorize(&self, matched: &[i64], body: &[u8]) -> std::result::Result<(), &'static str> {
        let keys = self.keys.read().unwrap_or_else(|p| p.into_inner());
        if self.loopback && !keys.any_secret() {
            return Ok(());
        }
        // Not JSON or no metadata: nothing in it reaches history.
        let env: Envelope = serde_json::from_slice(body).unwrap_or_default();
        for meta in env
            .entry
            .iter()
            .flat_map(|e| &e.changes)
            .filter_map(|c| c.value.as_ref()?.metadata.as_ref())
        {
            match keys.route(meta) {
                Some(n) if n.secret.is_some() && !matched.contains(&n.id) => {
                    return Err("shared secret of another number");
                }
                Some(n) if n.secret.is_none() && !self.loopback => {
                    return Err("event for a number without a shared secret");
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// What the writer tells the applier: when it last stored events, and since when stored
/// events wait to be applied (none: history has caught up).
#[derive(Default)]
struct Pace {
    last_write: std::sync::Mutex<Option<Instant>>,
    waiting_since: std::sync::Mutex<Option<Instant>>,
}

impl Pace {
    /// How long the oldest event not yet applied has waited.
    fn lag(&self) -> Duration {
        self.waiting_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map_or(Duration::ZERO, |t| t.elapsed())
    }
}

/// A running receiver. Dropping it stops it.
pub struct InboxHandle {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    receiver: Arc<Receiver>,
    /// How many connections it serves at once (below the descriptor limit).
    pub connection_budget: usize,
}

impl InboxHandle {
    /// The URL to give 360dialog (through a tunnel) or to post to locally.
    pub fn url(&self) -> String {
        format!("http://{}/webhook", self.addr)
    }

    /// Re-reads the shared secrets (after a webhook was set with or without one).
    pub async fn reload_secrets(&self) -> Result<()> {
        self.receiver.reload()
    }

    /// Whether anyone who reaches it may post: no number has a shared secret (it listens on
    /// loopback; beyond loopback it refuses to start without one).
    pub fn unauthenticated(&self) -> bool {
        !self
            .receiver
            .keys
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .any_secret()
    }

    /// Bytes of request bodies in memory (being read or waiting to be stored) now, and the
    /// most there were since it started: never more than [`BODY_BUDGET`].
    pub fn body_memory(&self) -> (usize, usize) {
        let m = &self.receiver.memory;
        (
            m.now.load(Ordering::Relaxed),
            m.peak.load(Ordering::Relaxed),
        )
    }

    pub fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

impl Drop for InboxHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

impl RunningReceiver for InboxHandle {
    fn url(&self) -> String {
        InboxHandle::url(self)
    }

    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn reload_secrets(&self) -> Result<()> {
        self.receiver.reload()
    }

    fn unauthenticated(&self) -> bool {
        InboxHandle::unauthenticated(self)
    }

    fn stop(self: Box<Self>) {
        InboxHandle::stop(*self)
    }
}

impl Core {
    /// Starts the app's inbox receiver on `listen` (if it is not running yet) and returns where
    /// it listens. The core keeps it, and reloads its shared secrets whenever a webhook secret
    /// changes.
    pub async fn start_receiver(self: &Arc<Self>, listen: SocketAddr) -> Result<InboxStatus> {
        if self.receiver_slot().is_some() {
            return Ok(self.receiver_status());
        }
        let handle = serve(self.clone(), listen).await?;
        {
            let mut slot = self.receiver_slot();
            if slot.is_none() {
                *slot = Some(Box::new(handle));
            }
            // else: started meanwhile; ours stops as it drops.
        }
        self.emit(&[Topic::Inbox], None);
        Ok(self.receiver_status())
    }

    /// Stops the app's inbox receiver (if it runs).
    pub fn stop_receiver(&self) -> InboxStatus {
        let running = self.receiver_slot().take();
        if let Some(r) = running {
            r.stop();
            self.emit(&[Topic::Inbox], None);
        }
        self.receiver_status()
    }

    /// Whether the app's inbox receiver runs, its URL, and whether it runs without a secret.
    pub fn receiver_status(&self) -> InboxStatus {
        let slot = self.receiver_slot();
        InboxStatus {
            running: slot.is_some(),
            url: slot.as_ref().map(|r| r.url()),
            unauthenticated: slot.as_ref().is_some_and(|r| r.unauthenticated()),
        }
    }

    /// Where the app's inbox receiver listens, while it runs (to start it there again later).
    pub fn receiver_addr(&self) -> Option<SocketAddr> {
        self.receiver_slot().as_ref().map(|r| r.addr())
    }

    /// Gives the running receiver (if any) the current shared secrets. Called by every change
    /// of a webhook secret.
    pub(crate) fn reload_receiver_secrets(&self) -> Result<()> {
        let slot = self.receiver_slot();
        if let Some(r) = slot.as_ref() {
            r.reload_secrets()?;
        }
        Ok(())
    }

    fn receiver_slot(&self) -> std::sync::MutexGuard<'_, Option<Box<dyn RunningReceiver>>> {
        self.receiver.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How many connections to serve at once: below the soft descriptor limit (raised to the
/// hard limit first), leaving room for the rest of the process.
fn connection_budget() -> usize {
    #[cfg(unix)]
    let limit = {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let mut l = getrlimit(Resource::Nofile);
        if l.current < l.maximum {
            let raised = rustix::process::Rlimit {
                current: l.maximum.map(|m| m.min(65_536)),
                maximum: l.maximum,
            };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                l = getrlimit(Resource::Nofile);
            }
        }
        l.current.unwrap_or(MAX_CONNECTIONS)
    };
    #[cfg(not(unix))]
    let limit = 2048u64;
    limit
        .saturating_sub(SPARE_DESCRIPTORS)
        .clamp(8, MAX_CONNECTIONS) as usize
}

/// Starts the receiver on `listen`. POST any path; GET / answers a short status line.
///
/// Beyond loopback it needs a shared secret (a number's webhook set with one): anyone who can
/// reach the port could post events otherwise.
pub async fn serve(core: Arc<Core>, listen: SocketAddr) -> Result<InboxHandle> {
    let keys = Keys::load(&core)?;
    let loopback = listen.ip().is_loopback();
    if !loopback && !keys.any_secret() {
        return Err(Error::Validation(format!(
            "listening on {listen} lets anyone who reaches it post events, so it needs a shared \
             secret: set a number's webhook with a shared secret first, or listen on 127.0.0.1"
        )));
    }
    let listener =
        bind(listen).map_err(|e| Error::Validation(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let (queue, rx) = mpsc::channel::<Persist>(4096);
    let (rejections, rejected) = mpsc::channel(REJECTION_QUEUE);
    let receiver = Arc::new(Receiver {
        core: core.clone(),
        queue,
        keys: RwLock::new(keys),
        last_reload: Mutex::new(Instant::now()),
        loopback,
        budget: Arc::new(Semaphore::new(BODY_BUDGET / 1024)),
        memory: Arc::default(),
        rejections,
    });
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let applied = Arc::new(Notify::new());
    let pace = Arc::new(Pace::default());
    {
        let (core, applied, pace) = (core.clone(), applied.clone(), pace.clone());
        std::thread::Builder::new()
            .name("inbox-writer".into())
            .spawn(move || writer(core, rx, applied, pace))
            .map_err(|e| Error::Internal(format!("starting the inbox writer: {e}")))?;
    }
    tokio::spawn(applier(core.clone(), applied.clone(), pace));
    tokio::spawn(rejection_log(core.clone(), rejected));
    tokio::spawn(reload_timer(Arc::downgrade(&receiver)));
    applied.notify_one(); // events left pending by an earlier run

    let app = Router::new()
        .route(
            "/",
            get(|| async { "WABA Desk inbox: POST webhook events here\n" }).post(receive),
        )
        .route("/{*path}", post(receive))
        .with_state(receiver.clone())
        .merge(crate::partner::events::routes(core.clone()));
    let budget = connection_budget();
    tokio::spawn(accept(listener, app, budget, stop_rx));
    tracing::info!(%addr, connections = budget, "inbox receiver listening");
    Ok(InboxHandle {
        addr,
        shutdown: Some(stop_tx),
        receiver,
        connection_budget: budget,
    })
}

/// Binds `listen` with a listen backlog of [`LISTEN_BACKLOG`] (the kernel may cap it: Linux at
/// `net.core.somaxconn`).
fn bind(listen: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if listen.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(listen)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Accepts connections while fewer than `budget` are open (the rest wait in the listen
/// backlog, holding no descriptor of ours); each gets the header and body timeouts.
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    budget: usize,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(budget));
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => return },
            _ = stop.changed() => return,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of descriptors or a reset before accept: wait a moment, go on.
                    tracing::warn!(error = %e, "inbox could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        let _ = stream.set_nodelay(true);
        let svc = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut stop_conn = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "inbox connection ended");
                    }
                }
                _ = stop_conn.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(BODY_TIMEOUT, conn).await;
                }
            }
        });
    }
}

/// Re-reads the shared secrets every few seconds (the keyring and the database are shared
/// with other processes).
async fn reload_timer(receiver: std::sync::Weak<Receiver>) {
    loop {
        tokio::time::sleep(RELOAD_EVERY).await;
        let Some(r) = receiver.upgrade() else { return };
        let _ = tokio::task::spawn_blocking(move || r.reload_if_older(RELOAD_EVERY)).await;
    }
}

/// Writes refused requests in the background, keeping the newest [`super::store::REJECTIONS_KEPT`].
async fn rejection_log(core: Arc<Core>, mut rx: mpsc::Receiver<(String, usize)>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(r) = rx.try_recv() {
            batch.push(r);
        }
        let c = core.clone();
        let _ = tokio::task::spawn_blocking(move || c.record_rejections(&batch)).await;
    }
}

async fn receive(State(rx): State<Arc<Receiver>>, req: Request) -> StatusCode {
    let (parts, body) = req.into_parts();
    let headers: &HeaderMap = &parts.headers;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // The secret first, from the headers: a refused body is never read.
    let given = headers.get(SECRET_HEADER).map(|v| v.as_bytes());
    let matched = match rx.admit(given) {
        Ok(m) => m,
        Err(_) => {
            // A secret may have been set since (by the app beside this CLI, say): read them
            // again, at most once a second, off the async workers.
            let r = rx.clone();
            let _ =
                tokio::task::spawn_blocking(move || r.reload_if_older(RELOAD_AFTER_FAILURE)).await;
            match rx.admit(given) {
                Ok(m) => m,
                Err(reason) => return rx.reject(reason, declared.unwrap_or(0)),
            }
        }
    };
    if declared.is_some_and(|n| n > 2 * MAX_BODY) {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    // Its share of the memory budget (a body without a length may be up to MAX_BODY).
    let kib = declared
        .unwrap_or(MAX_BODY)
        .min(MAX_BODY)
        .div_ceil(1024)
        .max(1) as u32;
    let budget =
        match tokio::time::timeout(BUDGET_WAIT, rx.budget.clone().acquire_many_owned(kib)).await {
            Ok(Ok(b)) => b,
            // Bodies in memory are at the budget for too long: retry later (the body read on
            // and dropped first, so the sender gets the answer, not a reset mid-upload).
            _ => {
                drain(body).await;
                return StatusCode::SERVICE_UNAVAILABLE;
            }
        };
    let mut held = Held::new(rx.memory.clone());
    let body =
        match tokio::time::timeout(BODY_TIMEOUT, read_webhook_body(body, |n| held.add(n))).await {
            Ok(Ok(b)) => b,
            Ok(Err(code)) => return code,
            Err(_) => return StatusCode::REQUEST_TIMEOUT,
        };
    if let Err(reason) = rx.authorize(&matched, &body) {
        return rx.reject(reason, body.len());
    }
    let (done, wait) = oneshot::channel();
    let p = Persist {
        body,
        done,
        _held: held,
        _budget: budget,
    };
    if rx.queue.send(p).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match wait.await {
        Ok(true) => StatusCode::OK,
        // Not stored: let the sender retry.
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Reads a webhook body of at most [`MAX_BODY`]. A larger one is read on and dropped (up to
/// twice the limit, without keeping it) before the 413, so the sender gets the answer instead
/// of a connection reset while it is still writing. `kept` is told the size of every chunk
/// that is kept (the receiver counts them against its memory budget). Shared by the desktop
/// receiver and the team relay.
pub async fn read_webhook_body(
    body: Body,
    mut kept: impl FnMut(usize),
) -> std::result::Result<Bytes, StatusCode> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut buf = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| StatusCode::BAD_REQUEST)?;
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen <= MAX_BODY {
                buf.extend_from_slice(&data);
                kept(data.len());
            } else if seen > 2 * MAX_BODY {
                break;
            }
        }
    }
    if seen > MAX_BODY {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    Ok(Bytes::from(buf))
}

/// How long a refused body is read on (and dropped) before the refusal is sent.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Reads what is left of a refused body without keeping it (at most twice [`MAX_BODY`], for
/// at most [`DRAIN_TIMEOUT`]): a sender still writing then reads the answer instead of a
/// connection reset, which it would report as a network error rather than "retry later".
async fn drain(body: Body) {
    use http_body_util::BodyExt;
    let mut body = body;
    let read = async {
        let mut seen = 0usize;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len());
            if seen > 2 * MAX_BODY {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, read).await;
}

/// Group commit: everything queued while the previous batch was being written goes into the
/// next transaction; each request is answered after its batch commits. It runs on its own
/// thread, so the next batch starts as soon as the previous one commits, whatever the async
/// workers are busy with; it ends when the receiver is gone.
fn writer(core: Arc<Core>, mut rx: mpsc::Receiver<Persist>, applied: Arc<Notify>, pace: Arc<Pace>) {
    let mut bodies: Vec<Bytes> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        bodies.clear();
        bodies.extend(batch.iter().map(|p| p.body.clone()));
        let stored = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            core.persist_unchecked(&bodies)
        }));
        let ok = match stored {
            Ok(Ok(_)) => true,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "could not store webhook events");
                false
            }
            Err(_) => {
                tracing::error!("webhook writer failed");
                false
            }
        };
        for p in batch {
            let _ = p.done.send(ok);
        }
        let now = Instant::now();
        *pace.last_write.lock().unwrap_or_else(|p| p.into_inner()) = Some(now);
        pace.waiting_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(now);
        applied.notify_one();
    }
}

/// How often the receiver asks whether the search index is due to be merged (the question
/// counts the index's pages: some milliseconds on a large history).
const TIDY_CHECK_EVERY: Duration = Duration::from_secs(60);
/// A merge a webhook stopped goes on at the first catch-up this long after (not at every one,
/// while webhooks keep coming).
const TIDY_AFTER_STOPPED: Duration = Duration::from_secs(5);

/// Merges History's search index (when it is due, see `history::tidy`) in small steps while
/// no webhook is stored; the first one stored stops it after the step in progress. Returns
/// whether it was stopped so (to go on the next time history catches up).
async fn tidy_while_idle(core: &Arc<Core>, pace: &Arc<Pace>) -> bool {
    let started = Instant::now();
    let (c, p) = (core.clone(), pace.clone());
    let r = tokio::task::spawn_blocking(move || {
        c.tidy_history_index(|| {
            p.last_write
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_none_or(|t| t < started)
        })
    })
    .await;
    match r {
        Ok(Err(e)) => tracing::warn!(error = %e, "could not merge the search index"),
        Err(e) => tracing::warn!(error = %e, "merging the search index failed"),
        Ok(Ok(t)) => return t.steps > 0 && !t.finished,
    }
    false
}

/// Applies stored events to history, one chunk per transaction (see [`super::APPLY_ITEMS`]), when
/// the receiver is idle or history is too far behind, so that storing (and answering) new requests
/// comes first under load; between chunks the connection is free for the writer, so a new
/// request waits for one chunk at most, however large the events being applied.
async fn applier(core: Arc<Core>, applied: Arc<Notify>, pace: Arc<Pace>) {
    let mut cursor = Some(ApplyCursor::default());
    let mut last_chunk = Instant::now();
    let mut next_tidy = Instant::now();
    loop {
        applied.notified().await;
        loop {
            let idle = pace
                .last_write
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_none_or(|t| t.elapsed() >= APPLY_WHEN_IDLE);
            if !idle && pace.lag() < APPLY_MAX_LAG && last_chunk.elapsed() < APPLY_AT_LEAST_EVERY {
                tokio::time::sleep(APPLY_WHEN_IDLE).await;
                continue;
            }
            last_chunk = Instant::now();
            let chunk_started = last_chunk;
            let c = core.clone();
            let mut cur = cursor.take().unwrap_or_default();
            let r = tokio::task::spawn_blocking(move || {
                let r = c.apply_chunk(APPLY_BATCH, &mut cur);
                (r, cur)
            })
            .await;
            match r {
                Ok((r, cur)) => {
                    cursor = Some(cur);
                    match r {
                        Ok(chunk) => {
                            if !chunk.more {
                                // Caught up with what was stored when the chunk started;
                                // events stored since wait from then at the latest.
                                let wrote =
                                    *pace.last_write.lock().unwrap_or_else(|p| p.into_inner());
                                *pace.waiting_since.lock().unwrap_or_else(|p| p.into_inner()) =
                                    wrote.filter(|t| *t > chunk_started).map(|_| chunk_started);
                                if Instant::now() >= next_tidy {
                                    next_tidy = if tidy_while_idle(&core, &pace).await {
                                        Instant::now() + TIDY_AFTER_STOPPED
                                    } else {
                                        Instant::now() + TIDY_CHECK_EVERY
                                    };
                                }
                                break;
                            }
                            tokio::time::sleep(YIELD_BETWEEN_CHUNKS).await;
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "applying webhook events failed");
                            break;
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "webhook applier failed");
                    break;
                }
            }
        }
    }
}
