//! `Core`: the database, the secret store and the API settings, opened once and shared by the
//! app's commands and the CLI's subcommands.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::api::{ClientConfig, Environment};
use crate::db::Db;
use crate::keys::RotationStep;
use crate::prefs::Preferences;
use crate::secrets::{MemoryStore, SecretStore};
use crate::Result;

pub struct Core {
    pub data_dir: PathBuf,
    pub db: Db,
    pub secrets: Arc<dyn SecretStore>,
    pub api_config: ClientConfig,
    /// Base URL per environment name, from the preferences (overrides the built-in ones).
    pub base_urls: BTreeMap<String, String>,
    /// Test hook: make a key rotation stop (as if the process died) after this step.
    #[doc(hidden)]
    pub crash_after: Mutex<Option<RotationStep>>,
}

impl Core {
    /// Opens the data directory: database (migrated), preferences, and finishes or rolls back
    /// any key rotation a crash left half-done.
    pub fn open(data_dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Self> {
        crate::paths::ensure_dir(data_dir)?;
        let db = Db::open_in_dir(data_dir)?;
        let prefs = Preferences::load(data_dir);
        let core = Self {
            data_dir: data_dir.to_path_buf(),
            db,
            secrets,
            api_config: ClientConfig::default(),
            base_urls: prefs.base_urls,
            crash_after: Mutex::new(None),
        };
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
        Self {
            data_dir: PathBuf::from(":memory:"),
            db: Db::open_in_memory().expect("in-memory database"),
            secrets,
            api_config: ClientConfig::default(),
            base_urls: BTreeMap::new(),
            crash_after: Mutex::new(None),
        }
    }

    pub fn environment_base_url(&self, env: Environment) -> String {
        self.base_urls
            .get(crate::numbers::env_str(env))
            .cloned()
            .unwrap_or_else(|| env.default_base_url().to_string())
    }
}
