use std::path::PathBuf;
use std::sync::Arc;

use wabadesk_core::prefs::PREFERENCES_FILE;
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::{paths, Core, Result};

use crate::events::EventForwarder;

/// What every command can reach. Built once at start.
pub struct AppState {
    /// The core; it also owns the webhook receiver's lifecycle.
    pub core: Arc<Core>,
    /// Change events on their way to the webview (`app://changed`).
    pub events: Arc<EventForwarder>,
}

impl AppState {
    /// Resolves the data dir (`WABADESK_DATA_DIR` or the OS default, as the CLI does), opens
    /// and migrates the database, selects the OS keyring, and finishes interrupted rotations.
    pub fn open(events: Arc<EventForwarder>) -> Result<Self> {
        let data_dir = paths::resolve_data_dir(None)?;
        let core = Core::open(&data_dir, Arc::new(KeyringStore::for_app()))?;
        // Every change the core commits reaches the webview as `app://changed`.
        core.set_event_sink(events.clone());
        Ok(Self {
            core: Arc::new(core),
            events,
        })
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self.core.data_dir()
    }

    /// The preferences file, kept beside the database so the CLI reads the same settings.
    pub fn preferences_path(&self) -> PathBuf {
        self.core.data_dir().join(PREFERENCES_FILE)
    }
}
