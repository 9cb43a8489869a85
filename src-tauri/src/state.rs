use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, OnceLock, RwLock};

use wabadesk_core::audit::Actor;
use wabadesk_core::events::Topic;
use wabadesk_core::prefs::{Preferences, Settings, UiPreferences};
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::webhook::{WebhookInput, WebhookView};
use wabadesk_core::{paths, Core, Result};
use wabadesk_demo::{Demo, DemoHandle, DemoInfo, DemoOptions};

use crate::events::EventForwarder;
use crate::IpcError;

/// The UI's preference store (tauri-plugin-store) in the user's data directory, and the key
/// its object is stored under. Only the shell reads it; the core keeps its settings itself.
pub const PREFERENCES_FILE: &str = "preferences.json";
pub const PREFERENCES_KEY: &str = "preferences";

/// What every command can reach. Made before the window is built, while the user's profile
/// (database, migrations, keyring) opens on a thread of its own ([`AppState::open_profile`]):
/// the window paints meanwhile, and whatever needs the profile waits until it is open. Its core
/// is swapped when the app moves between the user's profile and the demo profile. Cloning it
/// shares it.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    /// Change events on their way to the webview (`app://changed`).
    events: Arc<EventForwarder>,
    /// The app was started with `--demo`: the UI starts the demo on its first frame.
    demo_requested: bool,
    /// The open profile, once it is open.
    profile: OnceLock<Profile>,
    /// Wakes whoever waits for the profile.
    opened: (Mutex<()>, Condvar),
}

struct Profile {
    /// The open profile's core; it also owns that profile's webhook receiver.
    core: RwLock<Arc<Core>>,
    /// The user's own profile directory (the demo profile lives inside it).
    base_data_dir: PathBuf,
    /// The user's profile, also while the demo is open: its settings are the user's.
    user_core: Arc<Core>,
    /// The running demo, and what the user's profile had open while it runs.
    demo: tokio::sync::Mutex<Option<RunningDemo>>,
}

struct RunningDemo {
    handle: DemoHandle,
    /// The user's profile, opened again on the way back.
    real_core: Arc<Core>,
    /// Where the user's receiver listened when the demo started (started again on return).
    real_receiver: Option<SocketAddr>,
}

/// The open profile, for the banner and the Numbers page.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileStatus {
    /// The demo profile is open.
    pub demo: bool,
    /// The app was started with `--demo`.
    pub demo_requested: bool,
    pub data_dir: String,
    /// The running demo: its simulator, inbox and numbers.
    pub demo_info: Option<DemoInfo>,
}

/// Every topic: after a profile switch, every page reads again.
const ALL_TOPICS: [Topic; 8] = [
    Topic::Messages,
    Topic::Inbox,
    Topic::Numbers,
    Topic::Keys,
    Topic::Webhook,
    Topic::Templates,
    Topic::Qa,
    Topic::Audit,
];

impl AppState {
    /// The state of a starting app: no profile open yet (see [`AppState::open_profile`]).
    pub fn starting(events: Arc<EventForwarder>, demo_requested: bool) -> Self {
        Self(Arc::new(Shared {
            events,
            demo_requested,
            profile: OnceLock::new(),
            opened: (Mutex::new(()), Condvar::new()),
        }))
    }

    /// Resolves the data dir (`WABADESK_DATA_DIR` or the OS default, as the CLI does), opens
    /// and migrates the database, selects the OS keyring, and finishes interrupted rotations;
    /// then the profile is open and everything waiting for it goes on. Returns its data dir.
    pub fn open_profile(&self) -> Result<PathBuf> {
        let data_dir = paths::resolve_data_dir(None)?;
        let core = Core::open(&data_dir, Arc::new(KeyringStore::for_app()))?;
        self.install(Arc::new(core));
        Ok(data_dir)
    }

    /// The state around an open core (the user's profile).
    pub fn with_core(core: Arc<Core>, events: Arc<EventForwarder>, demo_requested: bool) -> Self {
        let state = Self::starting(events, demo_requested);
        state.install(core);
        state
    }

    fn install(&self, core: Arc<Core>) {
        // Every change the core commits reaches the webview as `app://changed`.
        core.set_event_sink(self.0.events.clone());
        let profile = Profile {
            base_data_dir: core.data_dir().to_path_buf(),
            user_core: core.clone(),
            core: RwLock::new(core),
            demo: tokio::sync::Mutex::new(None),
        };
        let (lock, signal) = &self.0.opened;
        let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        if self.0.profile.set(profile).is_err() {
            tracing::warn!("the profile was already open");
        }
        signal.notify_all();
    }

    /// The open profile; until it is open (the first moments after start), waits for it.
    fn profile(&self) -> &Profile {
        if let Some(p) = self.0.profile.get() {
            return p;
        }
        let (lock, signal) = &self.0.opened;
        let mut guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(p) = self.0.profile.get() {
                return p;
            }
            guard = signal.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The open profile's core.
    pub fn core(&self) -> Arc<Core> {
        self.profile()
            .core
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn swap_core(&self, core: Arc<Core>) -> Arc<Core> {
        core.set_event_sink(self.0.events.clone());
        let mut guard = self
            .profile()
            .core
            .write()
            .unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *guard, core)
    }

    /// Maps the error of a call made for number `id` (see [`IpcError::for_number`]).
    pub fn for_number(&self, id: i64) -> impl FnOnce(wabadesk_core::Error) -> IpcError + '_ {
        move |e| IpcError::for_number(e, self.core().number(id).ok().as_ref())
    }

    /// Starts the receiver on `addr` unless it runs, then sets number `id`'s webhook to the
    /// receiver's URL through the core (validated, audited). A shared secret the number has
    /// is kept; custom headers are not sent to the inbox.
    pub async fn point_webhook_at_inbox(
        &self,
        id: i64,
        addr: SocketAddr,
    ) -> std::result::Result<WebhookView, IpcError> {
        let core = self.core();
        // Checked before anything starts: a missing number is not worth a receiver.
        core.number(id)?;
        let inbox = core.start_receiver(addr).await?;
        let url = inbox
            .url
            .ok_or_else(|| wabadesk_core::Error::Internal("the receiver reported no URL".into()))?;
        let secret = core
            .get_webhook(id, Actor::Ui)
            .await
            .map_err(self.for_number(id))?
            .has_secret;
        let input = WebhookInput {
            url,
            headers: BTreeMap::new(),
            secret,
        };
        let view = core
            .set_webhook(id, input, Actor::Ui)
            .await
            .map_err(self.for_number(id))?;
        // The core's receiver reads a changed shared secret by itself.
        Ok(view)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.core().data_dir().to_path_buf()
    }

    /// The UI's preference store. The user's own, also while the demo runs.
    pub fn preferences_path(&self) -> PathBuf {
        self.profile().base_data_dir.join(PREFERENCES_FILE)
    }

    /// The user's settings (kept by the user's profile's core).
    pub fn settings(&self) -> Settings {
        self.profile().user_core.settings()
    }

    /// Whether the user's profile has saved settings yet.
    pub fn has_saved_settings(&self) -> bool {
        self.profile().user_core.has_saved_settings()
    }

    /// Once, for a profile from before the core kept its settings: the preference store's value
    /// (`stored`, the shell's own file) held them all; the core gets its half. Returns the UI's
    /// half to store back when something was carried over, `None` otherwise (settings already
    /// saved, nothing to carry, or invalid — then they stay where they were, with a warning).
    pub fn carry_over_settings(&self, stored: Option<serde_json::Value>) -> Option<UiPreferences> {
        if self.has_saved_settings() {
            return None;
        }
        let (ui, settings) = Preferences::from_json(stored).split();
        if settings == Settings::default() {
            return None;
        }
        match self.set_settings(settings) {
            Ok(_) => Some(ui),
            Err(e) => {
                tracing::warn!(error = %e, "the old settings could not be carried over");
                None
            }
        }
    }

    /// Saves the user's settings; while the demo profile is open it gets them too (the
    /// downloads folder for its exports, the name for sign-offs).
    pub fn set_settings(&self, settings: Settings) -> Result<Settings> {
        let saved = self.profile().user_core.set_settings(settings, Actor::Ui)?;
        let open = self.core();
        if !Arc::ptr_eq(&open, &self.profile().user_core) {
            open.set_settings(saved.clone(), Actor::Ui)?;
        }
        Ok(saved)
    }

    fn changed_everything(&self) {
        for topic in ALL_TOPICS {
            self.0.events.changed(topic, None);
        }
    }

    pub async fn profile_status(&self) -> ProfileStatus {
        let demo = self.profile().demo.lock().await;
        ProfileStatus {
            demo: demo.is_some(),
            demo_requested: self.0.demo_requested,
            data_dir: self.data_dir().display().to_string(),
            demo_info: demo.as_ref().map(|d| d.handle.info()),
        }
    }

    /// Switches to the demo profile: stops the user's receiver, starts the demo with `options`
    /// (simulator, numbers, keys, inbox, content), and makes its core and inbox the app's.
    /// `progress` hears each step. Starting it while it runs only reports the status.
    pub async fn start_demo(
        &self,
        options: DemoOptions,
        progress: impl FnMut(&str) + Send,
    ) -> Result<ProfileStatus> {
        {
            let mut slot = self.profile().demo.lock().await;
            if slot.is_none() {
                let real_core = self.core();
                let real_receiver = real_core.receiver_addr();
                real_core.stop_receiver();
                let handle = match Demo::start(options, progress).await {
                    Ok(h) => h,
                    Err(e) => {
                        // Back to where the user was.
                        if let Some(addr) = real_receiver {
                            let _ = real_core.start_receiver(addr).await;
                        }
                        return Err(e);
                    }
                };
                // The demo's core runs the demo's receiver; it becomes the app's, with the
                // user's settings.
                let demo_core = handle.core();
                if let Err(e) = demo_core.set_settings(self.settings(), Actor::System) {
                    tracing::warn!(error = %e, "the demo profile could not take the settings");
                }
                self.swap_core(demo_core);
                *slot = Some(RunningDemo {
                    handle,
                    real_core,
                    real_receiver,
                });
            }
        }
        self.changed_everything();
        Ok(self.profile_status().await)
    }

    /// The demo of the user's profile: `<data dir>/demo` and the `.demo` keyring namespace.
    pub fn demo_options(&self) -> DemoOptions {
        DemoOptions::for_profile(&self.profile().base_data_dir)
    }

    /// Stops the demo (simulator, inbox) and opens the user's profile again, with its receiver
    /// if it ran before.
    pub async fn leave_demo(&self) -> Result<ProfileStatus> {
        let running = self.profile().demo.lock().await.take();
        if let Some(d) = running {
            d.handle.stop().await;
            self.swap_core(d.real_core);
            if let Some(addr) = d.real_receiver {
                if let Err(e) = self.core().start_receiver(addr).await {
                    tracing::warn!(error = %e, "the receiver could not listen again");
                }
            }
        }
        self.changed_everything();
        Ok(self.profile_status().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wabadesk_core::secrets::MemoryStore;

    fn demo_options(state: &AppState) -> DemoOptions {
        let mut o = DemoOptions::new(
            wabadesk_demo::demo_profile_dir(&state.profile().base_data_dir),
            Arc::new(MemoryStore::new()),
        );
        o.sim.review_delay = std::time::Duration::from_millis(200);
        o
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_swaps_the_profile_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let real = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
        let state = AppState::with_core(real.clone(), EventForwarder::new(), false);
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        state.core().start_receiver(any).await.unwrap();
        assert!(!state.profile_status().await.demo);
        state
            .set_settings(Settings {
                your_name: Some("Ana".into()),
                ..Default::default()
            })
            .unwrap();

        let mut steps = Vec::new();
        let status = state
            .start_demo(demo_options(&state), |s| steps.push(s.to_string()))
            .await
            .unwrap();
        assert!(status.demo);
        assert!(steps.len() > 3, "{steps:?}");
        let info = status.demo_info.expect("demo info");
        assert!(status.data_dir.ends_with("demo"), "{}", status.data_dir);
        // The app's core is the demo profile's, with its numbers; the user's profile is untouched.
        let core = state.core();
        assert!(!Arc::ptr_eq(&core, &real));
        assert_eq!(core.list_numbers().unwrap().len(), 2);
        assert!(real.list_numbers().unwrap().is_empty());
        // The app's receiver is the demo's inbox, which the numbers' webhooks point at.
        let inbox = state.core().receiver_status();
        assert_eq!(inbox.url.as_deref(), Some(info.inbox_url.as_str()));
        // The demo profile took the user's settings at start; the preference store stays the
        // user's.
        assert_eq!(core.settings().your_name.as_deref(), Some("Ana"));
        assert_eq!(state.preferences_path(), dir.path().join(PREFERENCES_FILE));
        // A change while the demo runs reaches both (the demo's exports go to the user's
        // downloads folder).
        let out = dir.path().join("out");
        state
            .set_settings(Settings {
                downloads_dir: Some(out.display().to_string()),
                ..state.settings()
            })
            .unwrap();
        assert_eq!(real.settings().export_dir(), Some(out.clone()));
        let export = core.export_path("audit", "csv").unwrap();
        assert_eq!(export.parent(), Some(out.as_path()));
        // Starting again does not start a second demo.
        let again = state
            .start_demo(demo_options(&state), |_| {})
            .await
            .unwrap();
        assert_eq!(again.demo_info.unwrap().inbox_url, info.inbox_url);

        let back = state.leave_demo().await.unwrap();
        assert!(!back.demo && back.demo_info.is_none());
        assert!(Arc::ptr_eq(&state.core(), &real));
        assert!(
            state.core().receiver_status().running,
            "the user's receiver runs again"
        );
        // The simulator is gone with the demo.
        let sim_up = reqwest_free_connect(&info.sim_url);
        assert!(!sim_up, "the simulator stopped");
    }

    #[test]
    fn whatever_needs_the_profile_waits_until_it_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::starting(EventForwarder::new(), false);
        let waiting = {
            let state = state.clone();
            std::thread::spawn(move || state.core().data_dir().to_path_buf())
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!waiting.is_finished(), "no profile yet: it waits");
        let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
        state.install(core.clone());
        assert_eq!(waiting.join().unwrap(), dir.path());
        // Once open, the same core for everyone, without waiting.
        assert!(Arc::ptr_eq(&state.core(), &core));
        assert_eq!(state.preferences_path(), dir.path().join(PREFERENCES_FILE));
    }

    #[test]
    fn old_preferences_are_carried_over_once() {
        let dir = tempfile::tempdir().unwrap();
        let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
        let state = AppState::with_core(core.clone(), EventForwarder::new(), false);
        // Nothing to carry: nothing is saved.
        assert!(state
            .carry_over_settings(Some(serde_json::json!({"theme": "dark"})))
            .is_none());
        assert!(!state.has_saved_settings());
        // Invalid old values stay where they were.
        let bad = serde_json::json!({"base_urls": {"production": "http://example.com"}});
        assert!(state.carry_over_settings(Some(bad)).is_none());
        assert!(!state.has_saved_settings());
        let old = serde_json::json!({
            "theme": "dark",
            "last_number": "4",
            "your_name": "Ana",
            "base_urls": {"simulator": "http://127.0.0.1:9200"}
        });
        let ui = state.carry_over_settings(Some(old.clone())).unwrap();
        assert_eq!(ui.last_number.as_deref(), Some("4"));
        assert_eq!(core.settings().your_name.as_deref(), Some("Ana"));
        assert_eq!(
            core.environment_base_url(wabadesk_core::api::Environment::Simulator),
            "http://127.0.0.1:9200"
        );
        // Once: later the core's own settings win.
        state
            .set_settings(Settings {
                your_name: Some("Bo".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(state.carry_over_settings(Some(old)).is_none());
        assert_eq!(core.settings().your_name.as_deref(), Some("Bo"));
    }

    async fn number(core: &Core, env: wabadesk_core::api::Environment, base: &str) -> i64 {
        core.add_number(
            wabadesk_core::numbers::NumberInput {
                phone: format!("+1555000{:04}", core.list_numbers().unwrap().len() + 100),
                label: format!("{env:?}"),
                environment: env,
                base_url: Some(base.to_string()),
                notes: None,
            },
            Actor::Ui,
        )
        .unwrap()
        .id
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_click_points_a_simulator_number_at_the_inbox() {
        use wabadesk_core::api::Environment;
        let sim = wabadesk_sim::start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            wabadesk_sim::SimConfig::fast(),
        )
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
        let state = AppState::with_core(core.clone(), EventForwarder::new(), false);
        let id = number(&core, Environment::Simulator, &sim.base_url).await;
        core.set_key(
            id,
            wabadesk_core::secrets::Sensitive::new(sim.numbers[0].api_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap();

        assert!(!state.core().receiver_status().running);
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        let view = state.point_webhook_at_inbox(id, any).await.unwrap();
        let inbox = state.core().receiver_status();
        assert!(inbox.running, "the receiver was started");
        assert_eq!(view.url, inbox.url);
        assert_eq!(view.history.len(), 1, "set through the core: audited");
        let at_sim: serde_json::Value = reqwest_get(&format!("{}/_sim/state", sim.base_url)).await;
        assert_eq!(
            at_sim["numbers"][0]["webhook"]["url"].as_str(),
            inbox.url.as_deref()
        );
        // Again: the running receiver is used, not a second one.
        let again = state.point_webhook_at_inbox(id, any).await.unwrap();
        assert_eq!(again.url, inbox.url);

        // A production number cannot point at this computer.
        let prod = number(&core, Environment::Production, &sim.base_url).await;
        core.set_key(
            prod,
            wabadesk_core::secrets::Sensitive::new(sim.numbers[1].api_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap();
        let e = serde_json::to_value(state.point_webhook_at_inbox(prod, any).await.unwrap_err())
            .unwrap();
        assert_eq!(e["code"], "validation", "{e}");
        state.core().stop_receiver();
    }

    #[tokio::test]
    async fn a_simulator_number_whose_simulator_is_down_says_so() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::new());
        let core = Arc::new(Core::open(dir.path(), store.clone()).unwrap());
        let state = AppState::with_core(core.clone(), EventForwarder::new(), false);
        let id = number(&core, wabadesk_core::api::Environment::Simulator, &base).await;
        core.set_key(
            id,
            wabadesk_core::secrets::Sensitive::new("k".repeat(32)),
            false,
            Actor::Ui,
        )
        .await
        .unwrap();
        let any = SocketAddr::from(([127, 0, 0, 1], 0));
        let e =
            serde_json::to_value(state.point_webhook_at_inbox(id, any).await.unwrap_err()).unwrap();
        assert_eq!(e["code"], "network");
        assert_eq!(
            e["message"],
            format!("The local simulator at {base} is not running. Start it with `cargo run -p wabadesk-sim` or try the demo.")
        );
        state.core().stop_receiver();
    }

    async fn reqwest_get(url: &str) -> serde_json::Value {
        let addr = url.trim_start_matches("http://");
        let (host, path) = addr.split_once('/').unwrap();
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).await.unwrap();
        let body = out.split_once("\r\n\r\n").unwrap().1;
        serde_json::from_str(body).unwrap()
    }

    /// Whether something listens at `base` (`http://127.0.0.1:PORT`).
    fn reqwest_free_connect(base: &str) -> bool {
        let addr = base.trim_start_matches("http://");
        std::net::TcpStream::connect_timeout(
            &addr.parse().unwrap(),
            std::time::Duration::from_millis(500),
        )
        .is_ok()
    }
}
