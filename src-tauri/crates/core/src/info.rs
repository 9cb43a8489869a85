//! Facts about this installation: shown on the About page and by `wabadesk doctor`.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::db::{latest_schema_version, Db};
use crate::secrets::{probe, KeyringStatus, SecretStore};
use crate::VERSION;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DatabaseInfo {
    pub path: String,
    /// `null` when the database could not be opened.
    #[ts(type = "number | null")]
    pub schema_version: Option<i64>,
    #[ts(type = "number")]
    pub latest_schema_version: i64,
    pub created_at: Option<String>,
    pub ok: bool,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database: DatabaseInfo,
    pub keyring: KeyringStatus,
}

impl AppInfo {
    /// Everything healthy: the database is at the latest schema and the keyring is reachable.
    pub fn ok(&self) -> bool {
        self.database.ok && self.keyring.reachable
    }
}

/// Describes an open database.
pub fn database_info(db: &Db) -> DatabaseInfo {
    let path = db
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| ":memory:".to_string());
    match (db.schema_version(), db.created_at()) {
        (Ok(v), Ok(created)) => DatabaseInfo {
            path,
            schema_version: Some(v),
            latest_schema_version: latest_schema_version(),
            created_at: Some(created),
            ok: v == latest_schema_version() && db.read_only().is_none(),
            message: match db.read_only() {
                Some(why) => format!(
                    "{why}; opened read-only: reading works, changes are refused, and no \
                     migration or recovery ran"
                ),
                None => "ready".to_string(),
            },
        },
        (Err(e), _) | (_, Err(e)) => DatabaseInfo {
            path,
            schema_version: None,
            latest_schema_version: latest_schema_version(),
            created_at: None,
            ok: false,
            message: e.to_string(),
        },
    }
}

/// Facts for an open database and secret store.
pub fn app_info(data_dir: &Path, db: &Db, secrets: &dyn SecretStore) -> AppInfo {
    AppInfo {
        version: VERSION.to_string(),
        data_dir: data_dir.display().to_string(),
        database: database_info(db),
        keyring: probe(secrets),
    }
}

/// `database_info` plus an integrity check of every page (`PRAGMA quick_check`).
fn checked_database_info(db: &Db) -> DatabaseInfo {
    let mut info = database_info(db);
    if info.schema_version.is_none() {
        return info;
    }
    match db.quick_check() {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => {
            info.ok = false;
            info.message = format!(
                "the database file is damaged (integrity check): {}; restore it from a backup, \
                 or export what is readable and start a new data directory",
                problems.join("; ")
            );
        }
        Err(e) => {
            info.ok = false;
            info.message = format!("the integrity check could not run: {e}");
        }
    }
    info
}

/// `doctor`: opens (and migrates) the database of `data_dir`, checks its integrity and probes
/// the secret store, reporting failures as facts instead of stopping at the first one.
pub fn doctor(data_dir: &Path, secrets: &dyn SecretStore) -> AppInfo {
    let database = match Db::open_in_dir(data_dir) {
        Ok(db) => checked_database_info(&db),
        Err(e) => DatabaseInfo {
            path: data_dir.join(crate::paths::DB_FILE).display().to_string(),
            schema_version: None,
            latest_schema_version: latest_schema_version(),
            created_at: None,
            ok: false,
            message: e.to_string(),
        },
    };
    AppInfo {
        version: VERSION.to_string(),
        data_dir: data_dir.display().to_string(),
        database,
        keyring: probe(secrets),
    }
}

impl crate::service::Core {
    /// Version, data dir, database schema and keyring reachability (the About page).
    pub fn info(&self) -> AppInfo {
        app_info(&self.data_dir, &self.db, self.secrets.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    #[test]
    fn doctor_on_a_fresh_dir_reports_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let info = doctor(dir.path(), &MemoryStore::new());
        assert!(info.ok());
        assert_eq!(info.database.schema_version, Some(latest_schema_version()));
        assert!(dir.path().join(crate::paths::DB_FILE).exists());
    }

    #[test]
    fn doctor_reports_corrupted_pages() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Db::open_in_dir(dir.path()).unwrap();
            crate::history::seed(&db, 3000, |_| {}).unwrap();
            db.with_conn(|c| {
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                    .map_err(crate::Error::db("checkpoint"))
            })
            .unwrap();
        }
        assert!(doctor(dir.path(), &MemoryStore::new()).ok(), "intact first");
        // Overwrite a few pages in the middle of the file (not the header page).
        let file = dir.path().join(crate::paths::DB_FILE);
        let mut bytes = std::fs::read(&file).unwrap();
        let page = 4096;
        assert!(bytes.len() > 40 * page, "{}", bytes.len());
        let mid = (bytes.len() / page / 2) * page;
        for b in &mut bytes[mid..mid + 3 * page] {
            *b = 0xA5;
        }
        std::fs::write(&file, bytes).unwrap();
        let info = doctor(dir.path(), &MemoryStore::new());
        assert!(!info.ok());
        assert!(!info.database.ok);
        assert!(
            info.database.message.contains("damaged"),
            "{}",
            info.database.message
        );
    }

    #[test]
    fn doctor_reports_an_unusable_data_dir_without_failing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let info = doctor(&file, &MemoryStore::new());
        assert!(!info.database.ok);
        assert!(!info.ok());
        assert!(!info.database.message.is_empty());
    }
}
