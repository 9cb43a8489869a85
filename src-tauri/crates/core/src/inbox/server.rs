//! The local HTTP receiver: persists each raw body first (group commit), answers 200 only after
//! the commit, and hands the stored events to the applier.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use std::sync::RwLock;
use tokio::sync::{mpsc, oneshot, Notify};

use super::apply::APPLY_BATCH;
use super::store::InboxStatus;
use crate::events::Topic;
use crate::service::{Core, RunningReceiver};
use crate::webhook::SECRET_HEADER;
use crate::{Error, Result};

/// Largest body accepted (Meta: payloads up to 3 MB); larger ones get 413.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// Most requests committed in one transaction.
const MAX_BATCH: usize = 512;
/// History is applied once the receiver has been idle this long...
const APPLY_WHEN_IDLE: std::time::Duration = std::time::Duration::from_millis(25);
/// ...or once this many stored events wait, whichever comes first: storing and answering
/// comes first during a burst, and history catches up right after it.
const APPLY_BACKLOG: usize = 20_000;

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
        self.set_secrets(fresh);
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

impl RunningReceiver for InboxHandle {
    fn url(&self) -> String {
        InboxHandle::url(self)
    }

    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn set_secrets(&self, secrets: Vec<String>) {
        *self
            .receiver
            .secrets
            .write()
            .unwrap_or_else(|p| p.into_inner()) = secrets;
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

    /// Whether the app's inbox receiver runs, and its URL.
    pub fn receiver_status(&self) -> InboxStatus {
        let slot = self.receiver_slot();
        InboxStatus {
            running: slot.is_some(),
            url: slot.as_ref().map(|r| r.url()),
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
            r.set_secrets(load_secrets(self)?);
        }
        Ok(())
    }

    fn receiver_slot(&self) -> std::sync::MutexGuard<'_, Option<Box<dyn RunningReceiver>>> {
        self.receiver.lock().unwrap_or_else(|p| p.into_inner())
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
        let secrets = rx.secrets.read().unwrap_or_else(|p| p.into_inner());
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
