//! wabadesk-demo: WABA Desk's demo mode, the whole local loop in one call.
//!
//! [`Demo::start`] starts the 360dialog simulator in-process on a free loopback port, opens
//! (or uses) a [`Core`] on a demo profile, adds two demo numbers (labels starting with
//! `Demo`, environment *Local simulator*) with their keys in the profile's secret store, starts
//! the inbox receiver, points each number's webhook at it, and seeds content: approved
//! templates in two languages (one with an image header), one pending template approved a few
//! seconds later, a conversation with an open 24-hour window, sent messages that end
//! delivered, read and failed, and the audit entries of all of it.
//!
//! Starting again on the same profile reuses what is there: the simulator forgets everything
//! when it stops, so the demo restores its side (same seed, so the same keys and ids; the
//! templates, webhooks and the customer's window the profile knows of) without adding
//! numbers, templates, messages or audit entries to the profile.
//!
//! The core never depends on this crate or on the simulator; the shell and the CLI do.

mod content;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::task::JoinHandle;
use wabadesk_core::api::Environment;
use wabadesk_core::audit::Actor;
use wabadesk_core::history::HistoryFilter;
use wabadesk_core::numbers::{KeyState, NumberInput, NumberView};
use wabadesk_core::secrets::{KeyringStore, SecretStore, Sensitive, KEYRING_SERVICE_ENV};
use wabadesk_core::templates::draft::TemplateDraft;
use wabadesk_core::templates::library::TestSend;
use wabadesk_core::webhook::WebhookInput;
use wabadesk_core::{Core, Error, Result, APP_IDENTIFIER};
use wabadesk_sim::SimHandle;

pub use content::{LABELS, ORDER_TEMPLATE, PENDING_TEMPLATE};
pub use wabadesk_sim::SimConfig;

/// Every demo number's label starts with this.
pub const DEMO_LABEL_PREFIX: &str = "Demo";

/// The simulator's seed: the same keys and phone-number ids on every start, so a restarted
/// demo matches the profile it left.
pub const DEMO_SIM_SEED: u64 = 0x0360_d1a1_0913;

/// The demo's own bookkeeping file in the profile directory.
pub const PROFILE_STATE_FILE: &str = "demo-profile.json";

/// The demo profile's data directory inside the real one: `<data dir>/demo`.
pub fn demo_profile_dir(base_data_dir: &Path) -> PathBuf {
    base_data_dir.join("demo")
}

/// The demo profile's keyring service: the app's (`com.wabadesk.desk`, or
/// `$WABADESK_KEYRING_SERVICE` when set) followed by `.demo`, so demo keys never sit beside
/// real ones.
pub fn demo_keyring_service() -> String {
    let base = std::env::var(KEYRING_SERVICE_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| APP_IDENTIFIER.to_string());
    format!("{base}.demo")
}

/// The simulator settings of a demo: the demo seed, two numbers, a 5-second review.
pub fn demo_sim_config() -> SimConfig {
    SimConfig {
        numbers: LABELS.len(),
        seed: Some(DEMO_SIM_SEED),
        ..SimConfig::default()
    }
}

/// How to start a demo.
pub struct DemoOptions {
    /// The profile's data directory, used as given.
    pub data_dir: PathBuf,
    /// Where the demo numbers' keys go.
    pub secrets: Arc<dyn SecretStore>,
    /// A core already open on `data_dir` (e.g. the app's), used instead of opening one.
    pub core: Option<Arc<Core>>,
    /// The simulator's settings. Its seed must stay the same across starts of one profile.
    pub sim: SimConfig,
    /// Who the audit log names for what the demo sets up.
    pub actor: Actor,
}

impl DemoOptions {
    /// A demo in `data_dir` (as given) with keys in `secrets`.
    pub fn new(data_dir: impl Into<PathBuf>, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            data_dir: data_dir.into(),
            secrets,
            core: None,
            sim: demo_sim_config(),
            actor: Actor::System,
        }
    }

    /// The demo profile of the app whose data directory is `base_data_dir`:
    /// [`demo_profile_dir`] and the OS keyring under [`demo_keyring_service`].
    pub fn for_profile(base_data_dir: &Path) -> Self {
        Self::new(
            demo_profile_dir(base_data_dir),
            Arc::new(KeyringStore::new(demo_keyring_service())),
        )
    }

    /// Uses `core` (open on the profile) instead of opening one.
    pub fn with_core(mut self, core: Arc<Core>) -> Self {
        // The core brings its own secret store; `secrets` is then unused.
        self.data_dir = core.data_dir().to_path_buf();
        self.core = Some(core);
        self
    }
}

/// A demo number as set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoNumber {
    pub id: i64,
    pub label: String,
    /// E.164, e.g. `+15550000100`.
    pub phone: String,
    pub phone_number_id: String,
}

/// What a running demo is, for a UI or a status line.
#[derive(Debug, Clone, Serialize)]
pub struct DemoInfo {
    pub data_dir: String,
    pub sim_url: String,
    pub inbox_url: String,
    pub numbers: Vec<DemoNumber>,
}

/// A running demo: the simulator, the inbox receiver and the profile's core.
pub struct DemoHandle {
    core: Arc<Core>,
    sim: SimHandle,
    inbox_url: String,
    numbers: Vec<DemoNumber>,
    background: Option<JoinHandle<()>>,
}

impl DemoHandle {
    /// The simulator's base URL (`http://127.0.0.1:PORT`).
    pub fn sim_url(&self) -> &str {
        &self.sim.base_url
    }

    /// The inbox receiver's webhook URL (`http://127.0.0.1:PORT/webhook`).
    pub fn inbox_url(&self) -> String {
        self.inbox_url.clone()
    }

    pub fn numbers(&self) -> &[DemoNumber] {
        &self.numbers
    }

    /// The profile's core (the one given in the options, or the one the demo opened).
    pub fn core(&self) -> Arc<Core> {
        self.core.clone()
    }

    pub fn data_dir(&self) -> &Path {
        self.core.data_dir()
    }

    pub fn info(&self) -> DemoInfo {
        DemoInfo {
            data_dir: self.core.data_dir().display().to_string(),
            sim_url: self.sim_url().to_string(),
            inbox_url: self.inbox_url(),
            numbers: self.numbers.clone(),
        }
    }

    /// Stops the background work, the inbox receiver and the simulator.
    pub async fn stop(mut self) {
        if let Some(task) = self.background.take() {
            task.abort();
            let _ = task.await;
        }
        self.core.stop_receiver();
        self.sim.stop().await;
    }
}

/// The demo's own bookkeeping, kept beside the profile's database.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct ProfileState {
    sim_port: Option<u16>,
    inbox_port: Option<u16>,
    /// Phone → the webhook URL the demo last set for it.
    webhooks: BTreeMap<String, String>,
}

impl ProfileState {
    fn load(dir: &Path) -> Self {
        std::fs::read(dir.join(PROFILE_STATE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(PROFILE_STATE_FILE);
        let text = serde_json::to_vec_pretty(self).map_err(|e| Error::Internal(e.to_string()))?;
        std::fs::write(&path, text).map_err(Error::io(&path))
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// How long a port the demo used last time may take to become free again.
const PORT_RETRY: Duration = Duration::from_millis(100);
const PORT_ATTEMPTS: u32 = 10;

async fn start_sim(preferred: Option<u16>, config: &SimConfig) -> Result<SimHandle> {
    if let Some(port) = preferred.filter(|p| *p != 0) {
        for _ in 0..PORT_ATTEMPTS {
            if let Ok(h) = wabadesk_sim::start(loopback(port), config.clone()).await {
                return Ok(h);
            }
            tokio::time::sleep(PORT_RETRY).await;
        }
    }
    wabadesk_sim::start(loopback(0), config.clone())
        .await
        .map_err(|e| Error::Internal(format!("could not start the simulator: {e}")))
}

/// Starts the profile core's own receiver (the core keeps it and reloads its secrets); returns
/// where it listens.
async fn start_inbox(core: &Arc<Core>, preferred: Option<u16>) -> Result<SocketAddr> {
    if let Some(addr) = core.receiver_addr() {
        return Ok(addr);
    }
    if let Some(port) = preferred.filter(|p| *p != 0) {
        for _ in 0..PORT_ATTEMPTS {
            if core.start_receiver(loopback(port)).await.is_ok() {
                break;
            }
            tokio::time::sleep(PORT_RETRY).await;
        }
    }
    if core.receiver_addr().is_none() {
        core.start_receiver(loopback(0)).await?;
    }
    core.receiver_addr()
        .ok_or_else(|| Error::Internal("the inbox receiver reported no address".into()))
}

/// Plays Meta's reviewers and the customer, through the simulator's `/_sim/` endpoints.
struct SimAdmin {
    http: reqwest::Client, // structure-ok: plays the outside world at the simulator's /_sim/ endpoints
    base: String,
}

impl SimAdmin {
    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let resp =
            self.http.post(&url).json(&body).send().await.map_err(|e| {
                Error::Internal(format!("the simulator did not answer {path}: {e}"))
            })?;
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(Error::Internal(format!(
                "the simulator refused {path}: {status} {text}"
            )));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

pub struct Demo;

impl Demo {
    /// Starts the demo and returns once the simulator, the inbox receiver and the numbers are
    /// set up and the content is seeded. `progress` hears each step in plain words.
    pub async fn start(
        opts: DemoOptions,
        mut progress: impl FnMut(&str) + Send,
    ) -> Result<DemoHandle> {
        let DemoOptions {
            data_dir,
            secrets,
            core,
            sim: sim_config,
            actor,
        } = opts;
        progress("Opening the demo profile");
        let core = match core {
            Some(c) => c,
            None => Arc::new(Core::open(&data_dir, secrets)?),
        };
        let dir = core.data_dir().to_path_buf();
        let mut state = ProfileState::load(&dir);

        progress("Starting the simulator");
        let sim = start_sim(state.sim_port, &sim_config).await?;
        state.sim_port = Some(sim.addr.port());
        let admin = SimAdmin {
            http: reqwest::Client::new(), // structure-ok: the simulator's /_sim/ endpoints
            base: sim.base_url.clone(),
        };

        let mut numbers = Vec::new();
        for (seeded, label) in sim.numbers.iter().zip(LABELS) {
            progress(&format!("Adding the number \"{label}\""));
            let view = ensure_number(&core, label, &seeded.display_phone_number, &sim, actor)?;
            progress(&format!("Setting the key of \"{}\"", view.label));
            ensure_key(&core, &view, &seeded.api_key, actor).await?;
            numbers.push(DemoNumber {
                id: view.id,
                label: view.label.clone(),
                phone: view.phone.clone(),
                phone_number_id: seeded.phone_number_id.clone(),
            });
        }

        progress("Starting the inbox receiver");
        let inbox_addr = start_inbox(&core, state.inbox_port).await?;
        state.inbox_port = Some(inbox_addr.port());
        let inbox_url = format!("http://{inbox_addr}/webhook");
        for n in &numbers {
            progress(&format!(
                "Pointing the webhook of \"{}\" at the inbox",
                n.label
            ));
            ensure_webhook(&core, n, &inbox_url, &mut state, actor).await?;
        }
        // Saved early: a demo stopped during seeding still finds its ports again.
        state.save(&dir)?;

        let mut pending = false;
        for n in &numbers {
            progress(&format!("Preparing the templates of \"{}\"", n.label));
            pending |= ensure_templates(&core, &admin, n, actor).await?;
        }

        if let Some(first) = numbers.first() {
            progress(&format!(
                "Preparing a conversation with {}",
                content::CUSTOMER_NAME
            ));
            ensure_conversation(&core, &admin, first, actor).await?;
            progress("Preparing the message history");
            ensure_history(&core, first, actor).await?;
        }
        state.save(&dir)?;

        // The pending template is decided by the simulator's review; bring the outcome into
        // the library without anyone pressing Sync.
        let background = pending.then(|| {
            let core = core.clone();
            let ids: Vec<i64> = numbers.iter().map(|n| n.id).collect();
            let wait = sim_config.review_delay + Duration::from_millis(500);
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                for attempt in 0..10 {
                    let mut left = false;
                    for id in &ids {
                        match core.sync_templates(*id, Actor::System).await {
                            Ok(_) => left |= has_pending(&core, *id),
                            Err(e) => {
                                tracing::warn!(error = %e, "demo: template sync failed");
                                left = true;
                            }
                        }
                    }
                    if !left {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(500 * (attempt + 1))).await;
                }
            })
        });

        progress("The demo is set up");
        Ok(DemoHandle {
            core,
            sim,
            inbox_url,
            numbers,
            background,
        })
    }
}

fn has_pending(core: &Core, id: i64) -> bool {
    core.template_library(id, &Default::default())
        .map(|lib| {
            lib.groups
                .iter()
                .flat_map(|g| &g.variants)
                .any(|v| v.status.eq_ignore_ascii_case("pending"))
        })
        .unwrap_or(true)
}

/// The demo number for a simulator number: found by phone, added when missing, and pointed at
/// this run's simulator. A label the user changed is kept.
fn ensure_number(
    core: &Core,
    label: &str,
    display_phone: &str,
    sim: &SimHandle,
    actor: Actor,
) -> Result<NumberView> {
    let phone = format!("+{display_phone}");
    let existing = core.list_numbers()?.into_iter().find(|n| n.phone == phone);
    match existing {
        None => core.add_number(
            NumberInput {
                phone,
                label: label.to_string(),
                environment: Environment::Simulator,
                base_url: Some(sim.base_url.clone()),
                notes: Some("Demo number: the local simulator plays 360dialog.".to_string()),
            },
            actor,
        ),
        Some(n)
            if n.environment == Environment::Simulator
                && n.base_url_override.as_deref() == Some(sim.base_url.as_str()) =>
        {
            Ok(n)
        }
        Some(n) => core.update_number(
            n.id,
            NumberInput {
                phone: n.phone.clone(),
                label: n.label.clone(),
                environment: Environment::Simulator,
                base_url: Some(sim.base_url.clone()),
                notes: Some(n.notes.clone()),
            },
            actor,
        ),
    }
}

/// Stores the simulator's key for the number through the core's key path (verified, kept in
/// the secret store). The same key, already verified, is only checked again.
async fn ensure_key(core: &Core, n: &NumberView, key: &str, actor: Actor) -> Result<()> {
    let key = Sensitive::new(key.to_string());
    let same = n.key_fingerprint.as_deref() == Some(key.fingerprint().as_str());
    // The same key, verified before: checking it again is enough, unless the stored copy is
    // gone or no longer works, in which case it is stored anew.
    if same && n.key_state == KeyState::Verified && core.verify_key(n.id, actor).await.is_ok() {
        return Ok(());
    }
    core.set_key(n.id, key, true, actor).await?;
    Ok(())
}

/// Sets the webhook at the API through the number's client (no validation, no audit entry).
async fn set_at_api(core: &Core, n: &DemoNumber, url: &str, actor: Actor) -> Result<()> {
    let url = url.to_string();
    core.call(n.id, actor, |c| async move {
        c.set_webhook(&url, &BTreeMap::new()).await
    })
    .await?;
    Ok(())
}

/// Points the number's webhook at the inbox. The core's own path (validated, audited; the
/// simulator environment accepts the inbox's loopback URL) is used when the URL is new for the
/// number; the simulator forgot the URL the demo set on an earlier start, so that one is set
/// again through the number's API client without a new change entry.
async fn ensure_webhook(
    core: &Core,
    n: &DemoNumber,
    url: &str,
    state: &mut ProfileState,
    actor: Actor,
) -> Result<()> {
    if state.webhooks.get(&n.phone).map(String::as_str) == Some(url) {
        set_at_api(core, n, url, actor).await?;
    } else {
        let input = WebhookInput {
            url: url.to_string(),
            headers: BTreeMap::new(),
            secret: false,
        };
        core.set_webhook(n.id, input, actor).await?;
    }
    state.webhooks.insert(n.phone.clone(), url.to_string());
    Ok(())
}

/// Creates the demo templates the library lacks (through the core, audited) and gives the
/// simulator back the ones the library has; approves those the demo approves at once; syncs.
/// Returns whether a template is left pending.
async fn ensure_templates(
    core: &Core,
    admin: &SimAdmin,
    n: &DemoNumber,
    actor: Actor,
) -> Result<bool> {
    let mut pending = false;
    let mut approve = std::collections::BTreeSet::new();
    for t in content::templates() {
        let (name, language) = (t.name().to_string(), t.language().to_string());
        let known = match core.template(n.id, &name, &language) {
            Ok(row) => Some(row.status),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        match known {
            None => {
                let draft = TemplateDraft::from_json(&t.body.to_string())?;
                core.create_template(n.id, &draft, actor).await?;
                if t.approve_now {
                    approve.insert(name);
                } else {
                    pending = true;
                }
            }
            Some(status) => {
                let body = t.body.clone();
                core.call(
                    n.id,
                    actor,
                    |c| async move { c.create_template(&body).await },
                )
                .await?;
                if status.eq_ignore_ascii_case("approved") {
                    approve.insert(name);
                } else {
                    pending = true;
                }
            }
        }
    }
    for name in approve {
        admin
            .post(
                &format!(
                    "/_sim/numbers/{}/templates/{name}/status",
                    n.phone_number_id
                ),
                json!({"status": "APPROVED"}),
            )
            .await?;
    }
    core.sync_templates(n.id, actor).await?;
    Ok(pending)
}

fn parse_time(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// The customer writes in (opening the 24-hour window) and the number answers. On a later
/// start an open window is given back to the simulator; a closed one is opened by the customer
/// writing again.
async fn ensure_conversation(
    core: &Core,
    admin: &SimAdmin,
    n: &DemoNumber,
    actor: Actor,
) -> Result<()> {
    let conv = core.conversation(Some(n.id), content::CUSTOMER)?;
    let now = time::OffsetDateTime::now_utc();
    let last = conv.window.last_inbound_at.as_deref().and_then(parse_time);
    if let Some(at) = last.filter(|_| conv.window.open) {
        let age = (now - at).whole_seconds().max(0) as u64;
        admin
            .post(
                &format!("/_sim/numbers/{}/last_inbound", n.phone_number_id),
                json!({"wa_id": content::CUSTOMER.trim_start_matches('+'), "age_secs": age}),
            )
            .await?;
        return Ok(());
    }
    let first_time = conv.messages.is_empty();
    let inbound_before = conv.messages.iter().filter(|m| m.direction == "in").count();
    admin
        .post(
            &format!("/_sim/numbers/{}/inbound", n.phone_number_id),
            json!({
                "from": content::CUSTOMER,
                "name": content::CUSTOMER_NAME,
                "text": content::CUSTOMER_TEXT,
            }),
        )
        .await?;
    // The message reaches history through the webhook and the inbox; answer once it is there,
    // so the conversation reads in order.
    for _ in 0..100 {
        let c = core.conversation(Some(n.id), content::CUSTOMER)?;
        if c.messages.iter().filter(|m| m.direction == "in").count() > inbound_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if first_time {
        core.send_text(n.id, content::CUSTOMER, content::REPLY_TEXT, actor)
            .await?;
    }
    Ok(())
}

/// Sends the seeded templates once: their statuses arrive through the inbox (read, delivered,
/// failed, read).
async fn ensure_history(core: &Core, n: &DemoNumber, actor: Actor) -> Result<()> {
    let sent = core.list_messages(&HistoryFilter {
        number_id: Some(n.id),
        direction: Some(wabadesk_core::history::Direction::Outbound),
        template: Some(ORDER_TEMPLATE.into()),
        limit: Some(1),
        ..Default::default()
    })?;
    if !sent.is_empty() {
        return Ok(());
    }
    for s in &content::SENDS {
        let values = BTreeMap::from([
            ("body.1".to_string(), s.name.to_string()),
            ("body.2".to_string(), s.order.to_string()),
        ]);
        core.send_test(
            n.id,
            &TestSend {
                to: s.to.to_string(),
                name: ORDER_TEMPLATE.to_string(),
                language: s.language.to_string(),
                values,
            },
            actor,
        )
        .await?;
    }
    Ok(())
}
