//! `Core`: the composition root. It opens the database, the secret store, the API settings and
//! the one HTTP client once, and every feature of the app's commands and the CLI's subcommands
//! is a method on it. Its parts are private: adapters never reach the database, the keyring or
//! HTTP themselves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::api::{ClientConfig, Environment};
use crate::db::Db;
use crate::events::{Change, EventSink, NoopSink, Topic};
use crate::prefs::Settings;
use crate::secrets::{MemoryStore, SecretStore};
use crate::Result;

/// Steps of a key rotation, for the crash test hook: one after every write to the database
/// or the keyring, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationStep {
    /// The journal row is written (`staging`).
    Journaled,
    /// The new key is in the pending keyring entry.
    PendingWritten,
    /// The journal says `staged`.
    Staged,
    /// The new key is in the number's keyring entry.
    KeyWritten,
    /// The journal says `promoted`.
    Promoted,
    /// The number's row describes the new key, the audit row is written, the journal says
    /// `recorded` (one transaction).
    Recorded,
    /// The pending keyring entry is deleted.
    PendingDeleted,
    /// The Partner API answered with a minted key; nothing of it is in the keyring yet (only
    /// key generation passes here: a death now loses the key, and the next start says so).
    Minted,
    /// A key minted through the Partner API is in the pending entry; the journal does not
    /// know it yet (only key generation passes here).
    MintPendingWritten,
}

impl RotationStep {
    /// Every step, in order.
    pub const ALL: [RotationStep; 7] = [
        RotationStep::Journaled,
        RotationStep::PendingWritten,
        RotationStep::Staged,
        RotationStep::KeyWritten,
        RotationStep::Promoted,
        RotationStep::Recorded,
        RotationStep::PendingDeleted,
    ];

    /// The steps a key generation (Partner API) passes, in order.
    pub const MINT: [RotationStep; 7] = [
        RotationStep::Minted,
        RotationStep::MintPendingWritten,
        RotationStep::Staged,
        RotationStep::KeyWritten,
        RotationStep::Promoted,
        RotationStep::Recorded,
        RotationStep::PendingDeleted,
    ];
}

/// The inbox receiver while it runs, as `Core` holds it (the inbox's server implements it;
/// this seam keeps the composition root from importing a feature).
pub(crate) trait RunningReceiver: Send + Sync {
    /// The URL to post webhook events to.
    fn url(&self) -> String;
    /// Where it listens.
    fn addr(&self) -> std::net::SocketAddr;
    /// Re-reads the shared secrets the receiver checks.
    fn reload_secrets(&self) -> crate::Result<()>;
    /// No number has a shared secret: anyone who reaches it may post.
    fn unauthenticated(&self) -> bool;
    fn stop(self: Box<Self>);
}

pub struct Core {
    pub(crate) data_dir: PathBuf,
    pub(crate) db: Db,
    pub(crate) secrets: Arc<dyn SecretStore>,
    /// The one HTTP client: every API client and the endpoint tester share its connection pool.
    pub(crate) http: reqwest::Client,
    pub(crate) api_config: ClientConfig,
    /// Base URL per environment name, from the settings (overrides the built-in ones).
    base_urls: RwLock<BTreeMap<String, String>>,
    /// The core's own settings as last saved (`settings.json`).
    pub(crate) settings: RwLock<Settings>,
    /// Test hook: make a key rotation stop (as if the process died) after this step.
    pub(crate) crash_after: Mutex<Option<RotationStep>>,
    /// Where change events go (a no-op until the shell installs its sink).
    events: RwLock<Arc<dyn EventSink>>,
    /// The inbox receiver, while it runs.
    pub(crate) receiver: Mutex<Option<Box<dyn RunningReceiver>>>,
    /// A task follows the team relay's feed (at most one per core).
    pub(crate) relay_following: std::sync::atomic::AtomicBool,
    /// What went wrong reaching the relay last, and when the follower tries again.
    pub(crate) relay_health: Mutex<crate::relay_health::RelayHealth>,
    /// Wakes the follower from its wait (a new token, "Catch up now").
    pub(crate) relay_wake: tokio::sync::Notify,
    /// Woken when a send made here is queued for the team relay.
    pub(crate) relay_sends_queued: tokio::sync::Notify,
}

impl Core {
    /// Opens the data directory: database (migrated), settings, and finishes or rolls back
    /// any key rotation a crash left half-done.
    pub fn open(data_dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        crate::paths::ensure_dir(data_dir)?;
        let db = Db::open_in_dir(data_dir)?;
        let settings = Settings::load(data_dir);
        let core = Self::assemble(data_dir.to_path_buf(), db, secrets, settings)?;
        if core.db.read_only().is_some() {
            // Nothing can be finished without writing; the journal stays for a writable start.
            tracing::warn!(
                "read-only data directory: interrupted key rotations and sends are not settled"
            );
            return Ok(core);
        }
        match core.recover_rotations() {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "finished interrupted key rotations"),
            // The keyring may be locked right now; the journal stays for the next start.
            Err(e) => tracing::warn!(error = %e, "could not finish interrupted key rotations yet"),
        }
        match core.settle_interrupted_sends() {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                count = n,
                "sends interrupted by a stop marked outcome unknown"
            ),
            Err(e) => tracing::warn!(error = %e, "could not settle interrupted sends"),
        }
        Ok(core)
    }

    /// An in-memory core with an in-memory secret store, for tests.
    pub fn in_memory() -> Self {
        Self::in_memory_with(Arc::new(MemoryStore::new()))
    }

    pub fn in_memory_with(secrets: Arc<dyn SecretStore>) -> Self {
        let db = Db::open_in_memory().expect("in-memory database");
        Self::assemble(PathBuf::from(":memory:"), db, secrets, Settings::default())
            .expect("an HTTP client")
    }

    fn assemble(
        data_dir: PathBuf,
        db: Db,
        secrets: Arc<dyn SecretStore>,
        settings: Settings,
    ) -> Result<Self> {
        let api_config = ClientConfig::default();
        Ok(Self {
            data_dir,
            db,
            secrets,
            http: crate::api::http_client(&api_config)?,
            api_config,
            base_urls: RwLock::new(settings.base_urls.clone()),
            settings: RwLock::new(settings),
            crash_after: Mutex::new(None),
            events: RwLock::new(Arc::new(NoopSink)),
            receiver: Mutex::new(None),
            relay_following: std::sync::atomic::AtomicBool::new(false),
            relay_health: Mutex::new(Default::default()),
            relay_wake: tokio::sync::Notify::new(),
            relay_sends_queued: tokio::sync::Notify::new(),
        })
    }

    /// The data directory (database, settings, exports when there is no Downloads folder).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A new export file for `what` with `extension` (see [`crate::paths::export_path`]).
    pub fn export_path(&self, what: &str, extension: &str) -> Result<PathBuf> {
        crate::paths::export_path(&self.data_dir, what, extension)
    }

    pub fn environment_base_url(&self, env: Environment) -> String {
        self.base_urls
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(env.as_str())
            .cloned()
            .unwrap_or_else(|| env.default_base_url().to_string())
    }

    /// Sets (or with `None`, clears) the base URL of an environment; numbers without their own
    /// override use it from the next call on, no restart needed.
    pub fn set_environment_base_url(&self, env: Environment, url: Option<String>) {
        let mut map = self.base_urls.write().unwrap_or_else(|p| p.into_inner());
        match url {
            Some(u) => map.insert(env.as_str().to_string(), u),
            None => map.remove(env.as_str()),
        };
    }

    /// Installs the sink change events go to (the shell forwards them to the UI).
    pub fn set_event_sink(&self, sink: Arc<dyn EventSink>) {
        *self.events.write().unwrap_or_else(|p| p.into_inner()) = sink;
    }

    /// Emits `topics` for `number_id`. Call only once the change is committed.
    pub(crate) fn emit(&self, topics: &[Topic], number_id: Option<i64>) {
        let sink = self
            .events
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for &topic in topics {
            sink.emit(Change { topic, number_id });
        }
    }

    /// Runs `f` in one transaction and, once it committed, emits `topics` for `number_id`.
    /// A rollback (an error from `f` or from the commit) emits nothing.
    pub(crate) fn write<T>(
        &self,
        topics: &[Topic],
        number_id: Option<i64>,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let value = self.db.with_tx(f)?;
        self.emit(topics, number_id);
        Ok(value)
    }

    /// Test hook: the next key rotation stops (as if the process died) after `step`.
    #[doc(hidden)]
    pub fn set_crash_after(&self, step: Option<RotationStep>) {
        *self.crash_after.lock().unwrap_or_else(|p| p.into_inner()) = step;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use crate::api::Environment;
    use crate::audit::Actor;
    use crate::events::{Change, EventSink, RecordingSink, Topic};
    use crate::numbers::NumberInput;
    use crate::secrets::MemoryStore;
    use crate::Core;

    fn input(phone: &str, label: &str) -> NumberInput {
        NumberInput {
            phone: phone.into(),
            label: label.into(),
            environment: Environment::Simulator,
            base_url: None,
            notes: None,
        }
    }

    /// Looks at the database from another connection when a change arrives: what it sees is
    /// what was committed.
    struct CommittedView {
        path: std::path::PathBuf,
        seen: Mutex<Vec<(Topic, i64)>>,
    }

    impl EventSink for CommittedView {
        fn emit(&self, change: Change) {
            let conn = rusqlite::Connection::open(&self.path).unwrap();
            let n: i64 = conn
                .query_row("SELECT count(*) FROM numbers", [], |r| r.get(0))
                .unwrap();
            self.seen.lock().unwrap().push((change.topic, n));
        }
    }

    #[test]
    fn a_change_is_emitted_after_its_commit() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
        let view = Arc::new(CommittedView {
            path: dir.path().join(crate::paths::DB_FILE),
            seen: Mutex::new(Vec::new()),
        });
        core.set_event_sink(view.clone());
        core.add_number(input("+4915123456789", "Support"), Actor::Ui)
            .unwrap();
        assert_eq!(
            *view.seen.lock().unwrap(),
            [(Topic::Numbers, 1), (Topic::Audit, 1)],
            "another connection already sees the new number when the change arrives"
        );
    }

    #[test]
    fn a_rolled_back_write_emits_nothing() {
        let core = Core::in_memory();
        let sink = Arc::new(RecordingSink::new());
        core.set_event_sink(sink.clone());
        let n = core
            .add_number(input("+4915123456789", "Support"), Actor::Ui)
            .unwrap();
        assert_eq!(
            sink.take(),
            [
                Change {
                    topic: Topic::Numbers,
                    number_id: Some(n.id)
                },
                Change {
                    topic: Topic::Audit,
                    number_id: Some(n.id)
                }
            ]
        );
        // The audit row is written last in the same transaction: make it fail, so the
        // number's update before it rolls back.
        core.db
            .with_conn(|c| {
                c.execute_batch(
                    "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
                )
                .map_err(crate::Error::db("test trigger"))
            })
            .unwrap();
        let err = core
            .update_number(n.id, input("+4915123456789", "Renamed"), Actor::Ui)
            .unwrap_err();
        assert!(err.to_string().contains("audit refused"), "{err}");
        assert_eq!(core.number(n.id).unwrap().label, "Support", "rolled back");
        assert!(core.remove_number(n.id, Actor::Ui).is_err());
        assert_eq!(sink.take(), [], "no change for a rollback");
    }

    #[test]
    fn a_status_through_the_inbox_emits_inbox_and_messages_after_commit() {
        let core = Core::in_memory();
        let n = core
            .add_number(input("+4915123456789", "Support"), Actor::Ui)
            .unwrap();
        let sink = Arc::new(RecordingSink::new());
        core.set_event_sink(sink.clone());
        let body = serde_json::json!({
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "4915123456789", "phone_number_id": "123"},
                "statuses": [{"id": "wamid.E1", "status": "delivered", "timestamp": "1732489100", "recipient_id": "4915100000000"}]
            }}]}]
        })
        .to_string();
        // A refused insert (the source must be `receiver` or `import`) rolls back: no change.
        assert!(core
            .persist_events(&[body.clone().into()], "elsewhere")
            .is_err());
        assert_eq!(sink.take(), []);
        core.persist_events(&[body.into()], "import").unwrap();
        assert_eq!(
            sink.take(),
            [Change {
                topic: Topic::Inbox,
                number_id: None
            }]
        );
        assert_eq!(core.process_pending().unwrap(), 1);
        assert_eq!(
            sink.take(),
            [
                Change {
                    topic: Topic::Inbox,
                    number_id: Some(n.id)
                },
                Change {
                    topic: Topic::Messages,
                    number_id: Some(n.id)
                }
            ]
        );
        assert_eq!(
            core.message_by_wamid("wamid.E1").unwrap().unwrap().status,
            "delivered"
        );
    }
}
