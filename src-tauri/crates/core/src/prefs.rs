//! User preferences (not secrets): theme, last selected number, base URL per environment.
//! The app persists them with tauri-plugin-store; this module owns their shape and rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

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

    /// Checks values before they are stored.
    pub fn validate(&self) -> Result<()> {
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
