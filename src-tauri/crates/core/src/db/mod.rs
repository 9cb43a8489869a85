//! The SQLite database: one file in the data directory, WAL, foreign keys on, schema by
//! embedded forward-only migrations (the same ones run on `:memory:` in tests).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::{Error, Result};

/// Forward-only migrations, in order. Never edit a shipped one: add a new file.
const MIGRATION_SQL: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_numbers_keys_audit.sql"),
    include_str!("../../migrations/0003_webhook.sql"),
    include_str!("../../migrations/0004_inbox_history.sql"),
    include_str!("../../migrations/0005_history_search.sql"),
    include_str!("../../migrations/0006_drop_redundant_indexes.sql"),
    include_str!("../../migrations/0007_templates.sql"),
    include_str!("../../migrations/0008_key_identity_webhook_headers.sql"),
    include_str!("../../migrations/0009_send_attempts.sql"),
    include_str!("../../migrations/0010_template_drafts.sql"),
    include_str!("../../migrations/0011_message_changes.sql"),
    include_str!("../../migrations/0012_inbox_raw_bodies.sql"),
    include_str!("../../migrations/0013_onboarding.sql"),
    include_str!("../../migrations/0014_partner.sql"),
    include_str!("../../migrations/0015_media.sql"),
    include_str!("../../migrations/0016_qa_sign_offs.sql"),
    include_str!("../../migrations/0017_insights.sql"),
    include_str!("../../migrations/0018_inbox_apply_progress.sql"),
    include_str!("../../migrations/0019_team_relay.sql"),
    include_str!("../../migrations/0020_history_facets.sql"),
    include_str!("../../migrations/0021_relay_sends.sql"),
    include_str!("../../migrations/0022_search_prefixes.sql"),
    include_str!("../../migrations/0023_receiver_deferred_dedupe.sql"),
    include_str!("../../migrations/0024_search_without_positions.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build migrates to.
pub fn latest_schema_version() -> i64 {
    MIGRATION_SQL.len() as i64
}

/// WAL pages after which SQLite checkpoints by itself (the README's reliability notes quote it).
pub const WAL_AUTOCHECKPOINT_PAGES: i64 = 10_000;

/// How many times (about a millisecond apart) a write waits for another process's write
/// lock before it fails with "database is locked": about 5 s.
const BUSY_TRIES: i32 = 5_000;

/// Waits for another process's write lock, trying again every millisecond. SQLite's own
/// timeout sleeps up to 100 ms between tries, so a process writing a series of short
/// transactions (an import beside the running receiver) could keep this one out for seconds;
/// the import leaves a gap of a few milliseconds between its transactions, which this sees.
fn busy_wait(tries: i32) -> bool {
    if tries >= BUSY_TRIES {
        return false;
    }
    std::thread::sleep(std::time::Duration::from_millis(1));
    true
}

pub struct Db {
    path: Option<PathBuf>,
    conn: Mutex<Connection>,
    /// Set when the data directory cannot be written: the database is open read-only, no
    /// migration ran, and writes are refused with this message.
    read_only: Option<String>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens (creating if needed) the database file at `path` and migrates it. In a data
    /// directory that cannot be written (a read-only mount, no write permission), an existing
    /// database opens read-only instead, unmigrated: reads work, writes say why they cannot.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent() {
            crate::paths::ensure_dir(parent)?;
            if !crate::paths::dir_is_writable(parent) {
                return Self::open_read_only(path, parent);
            }
        }
        let conn = Connection::open(path).map_err(Error::db("opening the database"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(Error::db("enabling WAL"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(Error::db("setting synchronous"))?;
        // The only checkpoints are SQLite's automatic ones, past 10,000 pages of WAL (about
        // 40 MB at 4 KB pages), so bursts of writes do not stall on copying pages.
        conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)
            .map_err(Error::db("setting the WAL checkpoint"))?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    fn open_read_only(path: &Path, dir: &Path) -> Result<Self> {
        let message = format!(
            "the data directory {} is read-only, so nothing can be changed (make it writable, \
             or use --data-dir with a writable copy)",
            dir.display()
        );
        if !path.exists() {
            return Err(Error::ReadOnly(format!(
                "{message}; it has no database yet"
            )));
        }
        // A file: URI, so `mode=ro` / `immutable=1` apply; `%`, `?` and `#` are escaped.
        let uri_path = path
            .to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3f")
            .replace('#', "%23");
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
            | rusqlite::OpenFlags::SQLITE_OPEN_URI
            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let readable = |c: &Connection| {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
                .is_ok()
        };
        // `mode=ro` sees a WAL another process is writing; it needs the `-shm` file, which a
        // read-only directory may not let SQLite create. Then the file is read as it is
        // (`immutable=1`): nothing can write it there anyway.
        let conn = match Connection::open_with_flags(format!("file:{uri_path}?mode=ro"), flags) {
            Ok(c) if readable(&c) => c,
            _ => Connection::open_with_flags(format!("file:{uri_path}?immutable=1"), flags)
                .map_err(Error::db("opening the database read-only"))?,
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(Error::db("setting busy timeout"))?;
        let version = user_version(&conn)?;
        if version > latest_schema_version() {
            return Err(Error::Validation(format!(
                "the database schema is version {version}, newer than this build \
                 understands ({}); update WABA Desk",
                latest_schema_version()
            )));
        }
        tracing::warn!(dir = %dir.display(), "data directory is read-only: database opened read-only, not migrated");
        Ok(Self {
            path: Some(path.to_path_buf()),
            conn: Mutex::new(conn),
            read_only: Some(message),
        })
    }

    /// Why this database cannot be written (a read-only data directory), if it cannot.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// Opens the database of a data directory (`<dir>/wabadesk.sqlite3`).
    pub fn open_in_dir(dir: &Path) -> Result<Self> {
        Self::open(&dir.join(crate::paths::DB_FILE))
    }

    /// A private in-memory database with the real migrations applied.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(Error::db("opening :memory:"))?;
        Self::init(conn, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(Error::db("enabling foreign keys"))?;
        conn.busy_handler(Some(busy_wait))
            .map_err(Error::db("setting busy timeout"))?;
        conn.set_prepared_statement_cache_capacity(128);
        let version_before = user_version(&conn)?;
        if version_before > latest_schema_version() {
            return Err(Error::Validation(format!(
                "the database schema is version {version_before}, newer than this build \
                 understands ({}); update WABA Desk",
                latest_schema_version()
            )));
        }
        migrations().to_latest(&mut conn)?;
        let version = user_version(&conn)?;
        if version != version_before {
            tracing::info!(from = version_before, to = version, "database migrated");
        }
        Ok(Self {
            path,
            conn: Mutex::new(conn),
            read_only: None,
        })
    }

    /// Copies WAL pages into the database without waiting for readers (`PASSIVE`). Not run by
    /// the app (automatic checkpoints do that); benchmarks call it between phases.
    pub fn checkpoint(&self) -> Result<()> {
        self.with_conn(|c| {
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                .map_err(Error::db("checkpointing the WAL"))
        })
    }

    /// The file behind this database, or `None` for `:memory:`.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` with the connection. Keep the closure short: it holds the connection lock.
    pub fn with_conn<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` inside one transaction, committed when `f` returns `Ok`.
    pub fn with_tx<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        if let Some(why) = &self.read_only {
            return Err(Error::ReadOnly(why.clone()));
        }
        let mut conn = self.lock();
        // IMMEDIATE takes the write lock at BEGIN, waiting (busy timeout) while another process
        // (the CLI beside the app) writes; a deferred transaction would fail at once with
        // "database is locked" when its read snapshot went stale.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::db("starting a transaction"))?;
        let out = f(&tx)?;
        tx.commit().map_err(Error::db("committing a transaction"))?;
        Ok(out)
    }

    /// Like [`Db::with_tx`], committed with `synchronous=FULL`: on disk (not only in the OS)
    /// when it returns. For writes that are acknowledged to someone else (the inbox answers
    /// 200 after its commit); the rest of the app keeps `NORMAL`.
    pub fn with_tx_durable<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(Error::db("setting synchronous"))?;
        let out: Result<T> = (|| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(Error::db("starting a transaction"))?;
            let out = f(&tx)?;
            tx.commit().map_err(Error::db("committing a transaction"))?;
            Ok(out)
        })();
        let restore = conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(Error::db("setting synchronous"));
        let out = out?;
        restore?;
        Ok(out)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction is rolled
        // back when dropped), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `PRAGMA quick_check`: the problems found in the file's pages and indexes (at most 10),
    /// empty when the database is intact. Reads every page, so it is for `doctor`, not for
    /// every start.
    pub fn quick_check(&self) -> Result<Vec<String>> {
        self.with_conn(|c| {
            let mut stmt = c
                .prepare("PRAGMA quick_check(10)")
                .map_err(Error::db("checking the database"))?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(Error::db("checking the database"))?;
            match rows.collect::<std::result::Result<Vec<_>, _>>() {
                Ok(found) => Ok(found.into_iter().filter(|m| m != "ok").collect()),
                // Pages too damaged for the check itself to walk them.
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
                    Ok(vec![e.to_string()])
                }
                Err(e) => Err(Error::db("checking the database")(e)),
            }
        })
    }

    /// The schema version the database is at (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        self.with_conn(user_version)
    }

    /// When this database file was first created (from migration 0001).
    pub fn created_at(&self) -> Result<String> {
        self.with_conn(|c| {
            c.query_row(
                "SELECT value FROM app_meta WHERE key = 'created_at'",
                [],
                |r| r.get(0),
            )
            .map_err(Error::db("reading created_at"))
        })
    }
}

fn user_version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(Error::db("reading the schema version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_tells_the_checkpoint_and_phone_rules_of_the_code() {
        let readme = include_str!("../../../../../README.md");
        let pages = WAL_AUTOCHECKPOINT_PAGES.to_string();
        let pages = format!(
            "{},{} pages",
            &pages[..pages.len() - 3],
            &pages[pages.len() - 3..]
        );
        assert!(readme.contains(&pages), "README should say {pages}");
        assert!(!readme.contains("the inbox runs when it has caught up"));
        let digits = crate::contact::PHONE_DIGITS;
        let phone = format!("{}–{} digits", digits.start(), digits.end());
        assert!(readme.contains(&phone), "README should say {phone}");
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn migrations_apply_from_empty_in_memory() {
        let db = Db::open_in_memory().unwrap();
        assert_eq!(db.schema_version().unwrap(), latest_schema_version());
        assert!(db.path().is_none());
        assert!(db.created_at().unwrap().ends_with('Z'));
    }

    #[test]
    fn file_db_uses_wal_and_foreign_keys_and_reopens_idempotently() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_in_dir(dir.path()).unwrap();
        let created = db.created_at().unwrap();
        let (mode, fk): (String, i64) = db
            .with_conn(|c| {
                let mode = c
                    .pragma_query_value(None, "journal_mode", |r| r.get(0))
                    .unwrap();
                let fk = c
                    .pragma_query_value(None, "foreign_keys", |r| r.get(0))
                    .unwrap();
                Ok((mode, fk))
            })
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        drop(db);

        let again = Db::open_in_dir(dir.path()).unwrap();
        assert_eq!(again.schema_version().unwrap(), latest_schema_version());
        assert_eq!(
            again.created_at().unwrap(),
            created,
            "reopen must not re-run 0001"
        );
    }

    #[test]
    fn two_processes_writing_at_once_wait_for_each_other() {
        // Two connections to one file stand for the app and the CLI.
        let dir = tempfile::tempdir().unwrap();
        let a = std::sync::Arc::new(Db::open_in_dir(dir.path()).unwrap());
        let b = std::sync::Arc::new(Db::open_in_dir(dir.path()).unwrap());
        let writer = |db: std::sync::Arc<Db>, tag: &'static str| {
            std::thread::spawn(move || {
                for i in 0..200 {
                    db.with_tx(|tx| {
                        // Read, then write: the pattern that fails in a deferred transaction.
                        let n: i64 = tx
                            .query_row("SELECT count(*) FROM app_meta", [], |r| r.get(0))
                            .map_err(Error::db("count"))?;
                        tx.execute(
                            "INSERT INTO app_meta (key, value) VALUES (?1, ?2)",
                            rusqlite::params![format!("{tag}{i}"), n.to_string()],
                        )
                        .map_err(Error::db("insert"))?;
                        Ok(())
                    })
                    .unwrap();
                }
            })
        };
        let (t1, t2) = (writer(a.clone(), "a"), writer(b, "b"));
        t1.join().unwrap();
        t2.join().unwrap();
        let n: i64 = a
            .with_conn(|c| {
                c.query_row("SELECT count(*) FROM app_meta", [], |r| r.get(0))
                    .map_err(Error::db("count"))
            })
            .unwrap();
        assert_eq!(n, 401);
    }

    #[test]
    fn refuses_a_database_from_a_newer_build() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", latest_schema_version() + 1)
                .unwrap();
        }
        let err = Db::open(&path).unwrap_err();
        assert!(err.to_string().contains("newer than this build"), "{err}");
    }

    #[test]
    fn durable_transactions_commit_with_synchronous_full() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_in_dir(dir.path()).unwrap();
        let sync = |c: &Connection| -> Result<i64> {
            c.pragma_query_value(None, "synchronous", |r| r.get(0))
                .map_err(Error::db("synchronous"))
        };
        assert_eq!(db.with_conn(sync).unwrap(), 1, "NORMAL elsewhere");
        let inside = db.with_tx_durable(|tx| sync(tx)).unwrap();
        assert_eq!(inside, 2, "FULL while the acknowledged write commits");
        assert_eq!(db.with_conn(sync).unwrap(), 1, "and back to NORMAL");
    }

    #[test]
    fn with_tx_rolls_back_on_error() {
        let db = Db::open_in_memory().unwrap();
        let r: Result<()> = db.with_tx(|tx| {
            tx.execute("INSERT INTO app_meta (key, value) VALUES ('k', 'v')", [])
                .map_err(Error::db("insert"))?;
            Err(Error::Internal("boom".into()))
        });
        assert!(r.is_err());
        let n: i64 = db
            .with_conn(|c| {
                c.query_row("SELECT count(*) FROM app_meta WHERE key = 'k'", [], |r| {
                    r.get(0)
                })
                .map_err(Error::db("count"))
            })
            .unwrap();
        assert_eq!(n, 0);
    }
}
