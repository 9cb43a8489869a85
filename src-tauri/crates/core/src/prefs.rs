//! User preferences (not secrets): theme, last selected number, base URL per environment (the
//! simulator's address among them), the environment of new numbers, the user's name (for QA
//! sign-offs) and the folder exports go to. The app persists them with tauri-plugin-store;
//! this module owns their shape and rules.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::Environment;
use crate::{Error, Result};

/// Longest name accepted for "your name".
pub const MAX_NAME_LEN: usize = 100;

/// The preferences file in the data directory, and the key its object is stored under.
pub const PREFERENCES_FILE: &str = "preferences.json";
pub const PREFERENCES_KEY: &str = "preferences";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

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

impl Preferences {
    /// Reads preferences leniently: a missing or malformed file gives defaults rather than
    /// keeping the app from starting.
    pub fn from_json(value: Option<serde_json::Value>) -> Self {
        match value {
            Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "preferences unreadable, using defaults");
                Self::default()
            }),
            None => Self::default(),
        }
    }

    /// The preferences file the app keeps in the data directory (`preferences.json`, written by
    /// tauri-plugin-store as `{"preferences": {...}}`), so the CLI sees the same settings.
    pub fn load(data_dir: &std::path::Path) -> Self {
        let value = std::fs::read(data_dir.join(PREFERENCES_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get(PREFERENCES_KEY).cloned());
        Self::from_json(value)
    }

    /// The user's name, trimmed, when one is set.
    pub fn name(&self) -> Option<&str> {
        self.your_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }

    /// A QA sign-off's note with the user's name in front (`Signed off by Ana. <note>`), so the
    /// run, its report and the audit entry say who signed off. Without a name, the note as is.
    pub fn sign_off_note(&self, note: &str) -> String {
        let note = note.trim();
        match (self.name(), note.is_empty()) {
            (None, _) => note.to_string(),
            (Some(name), true) => format!("Signed off by {name}"),
            (Some(name), false) => format!("Signed off by {name}. {note}"),
        }
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
    }

    #[test]
    fn load_reads_the_store_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Preferences::load(dir.path()), Preferences::default());
        std::fs::write(
            dir.path().join(PREFERENCES_FILE),
            r#"{"preferences":{"theme":"light","base_urls":{"simulator":"http://127.0.0.1:9000"}}}"#,
        )
        .unwrap();
        let p = Preferences::load(dir.path());
        assert_eq!(p.theme, Theme::Light);
        assert_eq!(p.base_urls["simulator"], "http://127.0.0.1:9000");
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
        assert_eq!(p.default_environment, Some(Environment::Simulator));
        assert_eq!(p.name(), Some("Ana Lima"));
        assert_eq!(p.export_dir(), Some(PathBuf::from("/srv/exports")));
        p.validate().unwrap();
        let old = Preferences::from_json(Some(json!({"theme": "light"})));
        assert_eq!(old.default_environment, None);
        assert_eq!(old.name(), None);
        assert_eq!(old.export_dir(), None);
    }

    #[test]
    fn the_sign_off_note_names_who_signed_off() {
        let mut p = Preferences::default();
        assert_eq!(p.sign_off_note(" looks right "), "looks right");
        p.your_name = Some("Ana".into());
        assert_eq!(p.sign_off_note(""), "Signed off by Ana");
        assert_eq!(
            p.sign_off_note("looks right"),
            "Signed off by Ana. looks right"
        );
        p.your_name = Some("  ".into());
        assert_eq!(p.sign_off_note("x"), "x");
    }

    #[test]
    fn validate_checks_name_and_downloads_folder() {
        let mut p = Preferences {
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
        let mut p = Preferences::default();
        p.base_urls
            .insert("simulator".into(), "http://127.0.0.1:8080".into());
        p.validate().unwrap();
        p.base_urls
            .insert("production".into(), "http://example.com".into());
        assert!(p.validate().is_err());
        let mut q = Preferences::default();
        q.base_urls.insert("staging".into(), "https://x".into());
        assert!(q.validate().is_err());
    }
}
