//! `Core`: the composition root. It opens the database, the secret store, the API settings and
//! the one HTTP client once, and every feature of the app's commands and the CLI's subcommands
//! is a method on it. Its parts are private: adapters never reach the database, the keyring or
//! HTTP themselves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::api::{ClientConfig, Environment};
use crate::db::Db;
use crate::prefs::Preferences;
use crate::secrets::{MemoryStore, SecretStore};
use crate::Result;

/// Steps of a key rotation, for the crash test hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationStep {
    Journaled,
    Staged,
    Promoted,
}

pub struct Core {
    pub(crate) data_dir: PathBuf,
    pub(crate) db: Db,
    pub(crate) secrets: Arc<dyn SecretStore>,
    /// The one HTTP client: every API client and the endpoint tester share its connection pool.
    pub(crate) http: reqwest::Client,
    pub(crate) api_config: ClientConfig,
    /// Base URL per environment name, from the preferences (overrides the built-in ones).
    base_urls: RwLock<BTreeMap<String, String>>,
    /// Test hook: make a key rotation stop (as if the process died) after this step.
    pub(crate) crash_after: Mutex<Option<RotationStep>>,
}

impl Core {
    /// Opens the data directory: database (migrated), preferences, and finishes or rolls back
    /// any key rotation a crash left half-done.
    pub fn open(data_dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        crate::paths::ensure_dir(data_dir)?;
        let db = Db::open_in_dir(data_dir)?;
        let prefs = Preferences::load(data_dir);
        let core = Self::assemble(data_dir.to_path_buf(), db, secrets, prefs.base_urls)?;
        match core.recover_rotations() {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "finished interrupted key rotations"),
            // The keyring may be locked right now; the journal stays for the next start.
            Err(e) => tracing::warn!(error = %e, "could not finish interrupted key rotations yet"),
        }
        Ok(core)
    }

    /// An in-memory core with an in-memory secret store, for tests.
    pub fn in_memory() -> Self {
        Self::in_memory_with(Arc::new(MemoryStore::new()))
    }

    pub fn in_memory_with(secrets: Arc<dyn SecretStore>) -> Self {
        let db = Db::open_in_memory().expect("in-memory database");
        Self::assemble(PathBuf::from(":memory:"), db, secrets, BTreeMap::new())
            .expect("an HTTP client")
    }

    fn assemble(
        data_dir: PathBuf,
        db: Db,
        secrets: Arc<dyn SecretStore>,
        base_urls: BTreeMap<String, String>,
    ) -> Result<Self> {
        let api_config = ClientConfig::default();
        Ok(Self {
            data_dir,
            db,
            secrets,
            http: crate::api::http_client(&api_config)?,
            api_config,
            base_urls: RwLock::new(base_urls),
            crash_after: Mutex::new(None),
        })
    }

    /// The data directory (database, preferences, exports when there is no Downloads folder).
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

    /// Test hook: the next key rotation stops (as if the process died) after `step`.
    #[doc(hidden)]
    pub fn set_crash_after(&self, step: Option<RotationStep>) {
        *self.crash_after.lock().unwrap_or_else(|p| p.into_inner()) = step;
    }
}
