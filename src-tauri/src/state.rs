use std::path::PathBuf;
use std::sync::Arc;

use wabadesk_core::db::Db;
use wabadesk_core::secrets::{KeyringStore, SecretStore};
use wabadesk_core::{paths, Result};

/// What every command can reach. Built once at start.
pub struct AppState {
    pub data_dir: PathBuf,
    pub db: Db,
    pub secrets: Arc<dyn SecretStore>,
}

impl AppState {
    /// Resolves the data dir (`WABADESK_DATA_DIR` or the OS default, as the CLI does), opens
    /// and migrates the database, and selects the OS keyring.
    pub fn open() -> Result<Self> {
        let data_dir = paths::resolve_data_dir(None)?;
        paths::ensure_dir(&data_dir)?;
        let db = Db::open_in_dir(&data_dir)?;
        Ok(Self {
            data_dir,
            db,
            secrets: Arc::new(KeyringStore::for_app()),
        })
    }

    /// The preferences file, kept beside the database.
    pub fn preferences_path(&self) -> PathBuf {
        self.data_dir.join("preferences.json")
    }
}
