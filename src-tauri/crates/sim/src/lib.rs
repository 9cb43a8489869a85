//! wabadesk-sim: a local stand-in for 360dialog's WhatsApp Cloud API (`waba-v2.360dialog.io`).
//!
//! It is written from the API reference, never from the core crate, so tests check the core
//! against the documented behaviour rather than against itself. It serves the same paths,
//! bodies, status codes and error objects as 360dialog, plus admin endpoints under `/_sim/`
//! (rotate a key, inject an incoming message, force a template status, inject faults, change
//! run-time settings).
//!
//! Deliberate differences from the real service, all for running on one computer:
//! * webhook URLs on loopback (`127.0.0.1`, `localhost`) may use `http://` and a port;
//! * template review is decided by a rule instead of Meta's reviewers: a template whose name
//!   starts with `reject` is rejected, every other one approved, after `review_delay`;
//! * recipients decide the delivery script: a number ending in `0000` fails with 131026, one
//!   ending in `1111` is delivered but never read, every other one is sent, delivered, read.
//! * one partner account owns every number's channel (the Partner API under `/api/v2`): its
//!   id, API key and platform secret are at `GET /_sim/partner`; each channel's "partner API key
//!   permission" starts granted and can be withdrawn (`POST /_sim/partner/channels/{id}/permission`).

mod admin;
mod api;
mod errors;
mod faults;
mod onboarding;
mod partner;
mod state;
mod templates;
mod uploads;
mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use state::Sim;

/// How the simulator behaves. `Default` suits a demo; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Numbers created at start.
    pub numbers: usize,
    /// Time from template creation until its review is decided.
    pub review_delay: Duration,
    /// Time between a send and its `sent` event, and between later status events.
    pub status_delay: Duration,
    /// First delay between webhook delivery attempts; doubles on each retry.
    pub webhook_retry_base: Duration,
    /// Attempts per webhook event before it is given up.
    pub webhook_max_attempts: u32,
    /// How long a webhook endpoint may take to answer (360dialog: 5 s).
    pub webhook_timeout: Duration,
    /// Seed for keys and ids; the same seed gives the same keys.
    pub seed: Option<u64>,
    /// Issuing a new key also clears the number's webhook (360dialog is reported to do this
    /// when a new API key is generated). Can be changed at run time: `POST /_sim/settings`.
    pub new_key_clears_webhook: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            numbers: 2,
            review_delay: Duration::from_secs(5),
            status_delay: Duration::from_millis(500),
            webhook_retry_base: Duration::from_secs(1),
            webhook_max_attempts: 8,
            webhook_timeout: Duration::from_secs(5),
            seed: None,
            new_key_clears_webhook: false,
        }
    }
}

impl SimConfig {
    /// Short delays for tests.
    pub fn fast() -> Self {
        Self {
            review_delay: Duration::from_millis(50),
            status_delay: Duration::from_millis(2),
            webhook_retry_base: Duration::from_millis(20),
            webhook_max_attempts: 6,
            webhook_timeout: Duration::from_secs(5),
            ..Self::default()
        }
    }
}

/// A number the simulator created at start, with its current key.
#[derive(Debug, Clone, Serialize)]
pub struct SeededNumber {
    pub display_phone_number: String,
    pub phone_number_id: String,
    pub waba_id: String,
    pub api_key: String,
}

/// A running simulator. Dropping it stops the server.
pub struct SimHandle {
    pub base_url: String,
    pub addr: SocketAddr,
    pub numbers: Vec<SeededNumber>,
    pub sim: Arc<Sim>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Stops accepting connections and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The reference examples this crate's tests check bodies against.
#[doc(hidden)]
pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference-examples")
}

pub fn router(sim: Arc<Sim>) -> Router {
    api::routes()
        .merge(onboarding::routes())
        .merge(partner::routes())
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            faults::inject,
        ))
        .merge(admin::routes())
        .merge(partner::admin_routes())
        .with_state(sim)
}

/// Starts the simulator on `listen` (port 0 picks a free port).
pub async fn start(listen: SocketAddr, config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let sim = Arc::new(Sim::new(config));
    let numbers = sim.seeded_numbers();
    let app = router(sim.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "simulator server stopped");
        }
    });
    Ok(SimHandle {
        base_url: format!("http://{addr}"),
        addr,
        numbers,
        sim,
        shutdown: Some(tx),
        task: Some(task),
    })
}
