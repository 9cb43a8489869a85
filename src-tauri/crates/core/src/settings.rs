//! The core's own settings (base URLs, the environment of new numbers, the user's name, the
//! downloads folder): read and saved by the core alone, in `<data dir>/settings.json`. A change
//! applies at once — a new simulator address is used from the next call on, no restart.

use std::path::Path;

use crate::api::Environment;
use crate::audit::{Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::prefs::Settings;
use crate::{Core, Error, Result};

impl Core {
    /// An export this app wrote to the export folder, to show in the file manager; any other
    /// path is refused (see [`crate::paths::exported_file`]).
    pub fn exported_file(&self, path: &std::path::Path) -> Result<std::path::PathBuf> {
        crate::paths::exported_file(&self.data_dir, path)
    }

    /// The settings as last saved.
    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether this profile has saved settings yet (`settings.json` exists).
    pub fn has_saved_settings(&self) -> bool {
        !self.is_in_memory() && Settings::saved(&self.data_dir)
    }

    /// Validates and saves `settings` (atomically), then applies them: numbers without their
    /// own base URL use the environment's new one from the next call on. Nothing changes when
    /// they are invalid or cannot be saved.
    pub fn set_settings(&self, settings: Settings, actor: Actor) -> Result<Settings> {
        settings.validate()?;
        let changed = changed_fields(&self.settings(), &settings);
        if changed.is_empty() {
            return Ok(settings);
        }
        let detail = changed.join(", ");
        // The audit row and the file together: a file that cannot be saved rolls the row back.
        self.write(&[Topic::Numbers, Topic::Audit], None, |tx| {
            crate::audit::record(
                tx,
                actor,
                NewAudit {
                    detail: &detail,
                    ..NewAudit::of(AuditAction::SettingsChanged)
                },
            )?;
            if self.is_in_memory() {
                Ok(())
            } else {
                save(&settings, &self.data_dir)
            }
        })?;
        for env in Environment::ALL {
            self.set_environment_base_url(env, settings.base_urls.get(env.as_str()).cloned());
        }
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = settings.clone();
        Ok(settings)
    }

    fn is_in_memory(&self) -> bool {
        self.data_dir == Path::new(":memory:")
    }
}

/// What differs between `old` and `new`, in words (for the audit log; no values).
fn changed_fields(old: &Settings, new: &Settings) -> Vec<&'static str> {
    let mut out = Vec::new();
    if old.base_urls != new.base_urls {
        out.push("base URLs");
    }
    if old.default_environment != new.default_environment {
        out.push("default environment");
    }
    if old.your_name != new.your_name {
        out.push("your name");
    }
    if old.downloads_dir != new.downloads_dir {
        out.push("downloads folder");
    }
    out
}

/// Writes `settings` to `data_dir` (a crash leaves the old file or the new, never half).
fn save(settings: &Settings, data_dir: &Path) -> Result<()> {
    let json = serde_json::to_vec_pretty(settings)
        .map_err(|e| Error::Internal(format!("settings: {e}")))?;
    let path = Settings::path(data_dir);
    crate::paths::write_atomically(&path, |w| w.write_all(&json).map_err(Error::io(&path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;
    use std::sync::Arc;

    #[test]
    fn settings_are_saved_by_the_core_and_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
        assert!(!core.has_saved_settings());
        assert_eq!(core.settings(), Settings::default());
        let mut s = Settings {
            your_name: Some("Ana".into()),
            ..Default::default()
        };
        s.base_urls
            .insert("simulator".into(), "http://127.0.0.1:9100".into());
        core.set_settings(s.clone(), Actor::Ui).unwrap();
        assert!(core.has_saved_settings());
        assert_eq!(core.settings(), s);
        // Audited, naming what changed (no values); saving the same again records nothing.
        core.set_settings(s.clone(), Actor::Ui).unwrap();
        let log = core
            .audit_list(&crate::audit::AuditFilter::default())
            .unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].action, "settings_changed");
        assert_eq!(log[0].detail, "base URLs, your name");
        drop(core);
        let again = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
        assert_eq!(again.settings(), s);
        assert_eq!(
            again.environment_base_url(Environment::Simulator),
            "http://127.0.0.1:9100"
        );
    }

    #[test]
    fn invalid_settings_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
        let mut bad = Settings::default();
        bad.base_urls
            .insert("production".into(), "http://example.com".into());
        assert!(core.set_settings(bad, Actor::Ui).is_err());
        assert!(!core.has_saved_settings());
        assert_eq!(
            core.environment_base_url(Environment::Production),
            Environment::Production.default_base_url()
        );
    }

    #[test]
    fn the_core_never_reads_the_ui_preferences_file() {
        let dir = tempfile::tempdir().unwrap();
        // The UI's store file, unreadable to anyone but its owner; garbage here changes nothing.
        std::fs::write(dir.path().join("preferences.json"), "{not json at all").unwrap();
        let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
        assert_eq!(core.settings(), Settings::default());
        let s = Settings {
            your_name: Some("Ana".into()),
            ..Default::default()
        };
        core.set_settings(s.clone(), Actor::Ui).unwrap();
        assert_eq!(core.settings(), s);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("preferences.json")).unwrap(),
            "{not json at all",
            "untouched"
        );
        // A store file in the old shape with base URLs is not the core's either.
        std::fs::write(
            dir.path().join("preferences.json"),
            r#"{"preferences":{"base_urls":{"simulator":"http://127.0.0.1:9"}}}"#,
        )
        .unwrap();
        let again = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
        assert_eq!(
            again.environment_base_url(Environment::Simulator),
            Environment::Simulator.default_base_url()
        );
    }
}
