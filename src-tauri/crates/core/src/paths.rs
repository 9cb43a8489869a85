//! Where WABA Desk keeps its data. The GUI and the CLI resolve it the same way.

use std::path::{Path, PathBuf};

use crate::{Error, Result, APP_IDENTIFIER};

/// Environment variable that overrides the data directory (for the GUI and the CLI).
pub const DATA_DIR_ENV: &str = "WABADESK_DATA_DIR";

/// File name of the SQLite database inside the data directory.
pub const DB_FILE: &str = "wabadesk.sqlite3";

/// The OS app-data directory for the app identifier (`~/.local/share/com.wabadesk.desk` on
/// Linux), the same directory Tauri's `app_data_dir()` gives for that identifier.
pub fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::Internal(format!(
                "the OS has no per-user data directory; set {DATA_DIR_ENV} or pass --data-dir"
            ))
        })
}

/// Resolution order: an explicit directory (`--data-dir`), then `WABADESK_DATA_DIR`, then the
/// OS default.
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    match std::env::var_os(DATA_DIR_ENV) {
        Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
        _ => default_data_dir(),
    }
}

/// Creates the data directory (and parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))
}

/// A new export file: the downloads folder set in the preferences, else the user's Downloads
/// folder (or `<data dir>/exports`), named `wabadesk-<what>-<time>.<extension>`.
pub fn export_path(data_dir: &Path, what: &str, extension: &str) -> Result<PathBuf> {
    let dir = crate::prefs::Preferences::load(data_dir)
        .export_dir()
        .or_else(dirs::download_dir)
        .unwrap_or_else(|| data_dir.join("exports"));
    ensure_dir(&dir)?;
    let stamp = crate::util::now().replace([':', '.'], "-");
    Ok(dir.join(format!("wabadesk-{what}-{stamp}.{extension}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_go_to_the_downloads_folder_of_the_preferences() {
        let data = tempfile::tempdir().unwrap();
        let out = data.path().join("my exports");
        std::fs::write(
            data.path().join(crate::prefs::PREFERENCES_FILE),
            serde_json::json!({"preferences": {"downloads_dir": out}}).to_string(),
        )
        .unwrap();
        let path = export_path(data.path(), "audit", "csv").unwrap();
        assert_eq!(path.parent(), Some(out.as_path()));
        assert!(out.is_dir(), "created");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with("wabadesk-audit-") && name.ends_with(".csv"),
            "{name}"
        );
    }

    #[test]
    fn explicit_dir_wins() {
        let dir = resolve_data_dir(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn default_dir_ends_with_identifier() {
        let dir = default_data_dir().unwrap();
        assert!(dir.ends_with(APP_IDENTIFIER), "{}", dir.display());
    }
}
