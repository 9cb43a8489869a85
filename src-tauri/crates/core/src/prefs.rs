//! Preferences and settings (not secrets). Two owners, two files:
//! - [`Settings`]: the core's own settings — base URL per environment (the simulator's address
//!   among them), the environment of new numbers, the user's name (for QA sign-offs) and the
//!   folder exports go to. The core alone writes and reads them, in `<data dir>/settings.json`
//!   (see `Core::settings` / `Core::set_settings`), so the app and the CLI see the same ones.
//! - [`UiPreferences`]: the UI's own (theme, last selected number). The app keeps them with
//!   tauri-plugin-store; the core never reads that file.
//!
//! [`Preferences`] is both halves together, the shape the UI reads and saves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::Environment;
use crate::{Error, Result};

/// Longest name accepted for "your name".
pub const MAX_NAME_LEN: usize = 100;

/// The core's settings file in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// The UI's preferences and the core's settings together: what the Settings page reads and
/// saves. The app splits it into its two owners.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Preferences {
    pub theme: Theme,
    /// Id of the number selected last, restored at start.
    pub last_number: Option<String>,
    /// Base URL overrides per environment name (`production`, `sandbox`, `simulator`).
    pub base_urls: BTreeMap<String, String>,
    /// The environment the Add-number form starts with.
    pub default_environment: Option<Environment>,
    /// The user's name: who signs off QA runs, named in the audit log's detail.
    pub your_name: Option<String>,
    /// Where exports are written (instead of the Downloads folder).
    pub downloads_dir: Option<String>,
}

/// The UI's own preferences, kept by the app's preference store (never read by the core).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiPreferences {
    pub theme: Theme,
    /// Id of the number selected last, restored at start.
    pub last_number: Option<String>,
}

/// The core's own settings, in `<data dir>/settings.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Base URL overrides per environment name (`production`, `sandbox`, `simulator`).
    pub base_urls: BTreeMap<String, String>,
    /// The environment the Add-number form starts with.
    pub default_environment: Option<Environment>,
    /// The user's name: who signs off QA runs, named in the audit log's detail.
    pub your_name: Option<String>,
    /// Where exports are written (instead of the Downloads folder).
    pub downloads_dir: Option<String>,
}

impl Preferences {
    /// Both halves as one.
    pub fn join(ui: UiPreferences, settings: Settings) -> Self {
        Self {
            theme: ui.theme,
            last_number: ui.last_number,
            base_urls: settings.base_urls,
            default_environment: settings.default_environment,
            your_name: settings.your_name,
            downloads_dir: settings.downloads_dir,
        }
    }

    /// The UI's half and the core's half.
    pub fn split(self) -> (UiPreferences, Settings) {
        (
            UiPreferences {
                theme: self.theme,
                last_number: self.last_number,
            },
            Settings {
                base_urls: self.base_urls,
                default_environment: self.default_environment,
                your_name: self.your_name,
                downloads_dir: self.downloads_dir,
            },
        )
    }

    /// Reads preferences leniently: a missing or malformed value gives defaults rather than
    /// keeping the app from starting.
    pub fn from_json(value: Option<serde_json::Value>) -> Self {
        lenient(value, "preferences")
    }
}

impl UiPreferences {
    /// Reads the UI's preferences leniently (a missing or malformed value gives defaults).
    pub fn from_json(value: Option<serde_json::Value>) -> Self {
        lenient(value, "preferences")
    }
}

fn lenient<T: Default + serde::de::DeserializeOwned>(
    value: Option<serde_json::Value>,
    what: &str,
) -> T {
    match value {
        Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "{what} unreadable, using defaults");
            T::default()
        }),
        None => T::default(),
    }
}

impl Settings {
    /// The settings file of `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(SETTINGS_FILE)
    }

    /// Whether `data_dir` has saved settings.
    pub fn saved(data_dir: &Path) -> bool {
        Self::path(data_dir).exists()
    }

    /// Reads the settings of `data_dir` leniently: a missing or malformed file gives defaults
    /// rather than keeping the app from starting.
    pub fn load(data_dir: &Path) -> Self {
        let value = std::fs::read(Self::path(data_dir))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        lenient(value, "settings")
    }

    /// The user's name, trimmed, when one is set.
    pub fn name(&self) -> Option<&str> {
        self.your_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }

    /// The folder exports go to, when one is set.
    pub fn export_dir(&self) -> Option<PathBuf> {
        self.downloads_dir
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    }

    /// Checks values before they are stored.
    pub fn validate(&self) -> Result<()> {
        if let Some(name) = &self.your_name {
            if name.chars().count() > MAX_NAME_LEN {
                return Err(Error::Validation(format!(
                    "your name is longer than {MAX_NAME_LEN} characters"
                )));
            }
            if name.chars().any(char::is_control) {
                return Err(Error::Validation(
                    "your name must be one line of text".into(),
                ));
            }
        }
        if let Some(dir) = self.export_dir() {
            if !dir.is_absolute() {
                return Err(Error::Validation(format!(
                    "the downloads folder must be a full path, like /home/you/Downloads: {}",
                    dir.display()
                )));
            }
            if dir.exists() && !dir.is_dir() {
                return Err(Error::Validation(format!(
                    "{} is a file, not a folder",
                    dir.display()
                )));
            }
        }
        for (env, base) in &self.base_urls {
            if !matches!(env.as_str(), "production" | "sandbox" | "simulator") {
                return Err(Error::Validation(format!("unknown environment '{env}'")));
            }
            if !(base.starts_with("https://")
                || base.starts_with("http://127.0.0.1")
                || base.starts_with("http://localhost"))
            {
                return Err(Error::Validation(format!(
                    "base URL for {env} must be https:// (or http:// on this computer): {base}"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_or_bad_json_gives_defaults() {
        assert_eq!(Preferences::from_json(None), Preferences::default());
        assert_eq!(
            Preferences::from_json(Some(json!({"theme": 42}))),
            Preferences::default()
        );
        let p = Preferences::from_json(Some(json!({"theme": "dark"})));
        assert_eq!(p.theme, Theme::Dark);
        assert!(p.last_number.is_none());
        assert_eq!(UiPreferences::from_json(None), UiPreferences::default());
        let ui = UiPreferences::from_json(Some(json!({"theme": "light", "last_number": "3"})));
        assert_eq!(ui.theme, Theme::Light);
        assert_eq!(ui.last_number.as_deref(), Some("3"));
    }

    #[test]
    fn load_reads_the_settings_file_leniently() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!Settings::saved(dir.path()));
        assert_eq!(Settings::load(dir.path()), Settings::default());
        std::fs::write(
            Settings::path(dir.path()),
            r#"{"base_urls":{"simulator":"http://127.0.0.1:9000"}}"#,
        )
        .unwrap();
        assert!(Settings::saved(dir.path()));
        let s = Settings::load(dir.path());
        assert_eq!(s.base_urls["simulator"], "http://127.0.0.1:9000");
        std::fs::write(Settings::path(dir.path()), "not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }

    #[test]
    fn split_and_join_keep_every_field() {
        let p = Preferences::from_json(Some(json!({
            "theme": "dark",
            "last_number": "7",
            "default_environment": "simulator",
            "your_name": " Ana Lima ",
            "downloads_dir": "/srv/exports",
            "base_urls": {"simulator": "http://127.0.0.1:9000"}
        })));
        let (ui, settings) = p.clone().split();
        assert_eq!(ui.theme, Theme::Dark);
        assert_eq!(ui.last_number.as_deref(), Some("7"));
        assert_eq!(settings.base_urls["simulator"], "http://127.0.0.1:9000");
        assert_eq!(Preferences::join(ui, settings), p);
    }

    #[test]
    fn the_new_settings_are_read_and_default_to_none() {
        let p = Preferences::from_json(Some(json!({
            "theme": "dark",
            "default_environment": "simulator",
            "your_name": " Ana Lima ",
            "downloads_dir": "/srv/exports",
            "base_urls": {"simulator": "http://127.0.0.1:9000"}
        })));
        let (_, s) = p.split();
        assert_eq!(s.default_environment, Some(Environment::Simulator));
        assert_eq!(s.name(), Some("Ana Lima"));
        assert_eq!(s.export_dir(), Some(PathBuf::from("/srv/exports")));
        s.validate().unwrap();
        let (_, old) = Preferences::from_json(Some(json!({"theme": "light"}))).split();
        assert_eq!(old.default_environment, None);
        assert_eq!(old.name(), None);
        assert_eq!(old.export_dir(), None);
    }

    #[test]
    fn the_name_is_trimmed_and_blank_is_none() {
        let mut p = Settings::default();
        assert_eq!(p.name(), None);
        p.your_name = Some(" Ana ".into());
        assert_eq!(p.name(), Some("Ana"), "who signs a QA sign-off");
        p.your_name = Some("  ".into());
        assert_eq!(p.name(), None);
    }

    #[test]
    fn validate_checks_name_and_downloads_folder() {
        let mut p = Settings {
            your_name: Some("Ana\nEvil".into()),
            ..Default::default()
        };
        assert!(p.validate().is_err());
        p.your_name = Some("a".repeat(MAX_NAME_LEN + 1));
        assert!(p.validate().is_err());
        p.your_name = Some("Ana".into());
        p.downloads_dir = Some("exports".into());
        assert!(p.validate().unwrap_err().to_string().contains("full path"));
        let file = tempfile::NamedTempFile::new().unwrap();
        p.downloads_dir = Some(file.path().display().to_string());
        assert!(p
            .validate()
            .unwrap_err()
            .to_string()
            .contains("not a folder"));
        let dir = tempfile::tempdir().unwrap();
        p.downloads_dir = Some(dir.path().display().to_string());
        p.validate().unwrap();
    }

    #[test]
    fn validate_rejects_unknown_env_and_plain_http() {
        let mut p = Settings::default();
        p.base_urls
            .insert("simulator".into(), "http://127.0.0.1:8080".into());
        p.validate().unwrap();
        p.base_urls
            .insert("production".into(), "http://example.com".into());
        assert!(p.validate().is_err());
        let mut q = Settings::default();
        q.base_urls.insert("staging".into(), "https://x".into());
        assert!(q.validate().is_err());
    }
}
