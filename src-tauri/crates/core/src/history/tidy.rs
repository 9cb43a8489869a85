//! Keeping History's full-text index compact while the app is idle.
//!
//! SQLite's full-text engine never changes what it has written: a message recorded adds its
//! words to a new small segment of the index, and a status that changes its facets (a message
//! read or failed, see `facets`) adds a deletion for every old word beside the new words. The
//! engine merges segments as they pile up, but deletions only go away when they are merged
//! with what they delete. Measured at 1,000,000 messages, each with its status events, the
//! index had grown to 3.3 times its merged size (118 against 36 MB), and every search read
//! the longer lists: two words with a failed status took 33 ms on the grown index, 14 ms on
//! the merged one.
//!
//! So the index is merged in small steps (each its own transaction, at most [`STEP_PAGES`]
//! pages written) when it is due: when it has grown by half since it was last merged, and is
//! past [`MIN_PAGES`] (a small history is quick to search however it is stored). Growth by new
//! messages counts too, so the work stays proportional to what was written since. The receiver
//! merges while no webhook arrives, bulk writers (seeding, importing, the relay's backlog)
//! after they finish.

use rusqlite::{Connection, OptionalExtension};

use crate::db::Db;
use crate::{Error, Result};

/// Pages one merge step writes at most (a few milliseconds of work; the database is free
/// between steps).
pub const STEP_PAGES: i64 = 16;
/// Below this many pages the index is never merged by this.
pub const MIN_PAGES: i64 = 1_000;
/// Where the page count after the last merge is kept (`app_meta`).
const META_KEY: &str = "search_index_merged_pages";
/// Set (`app_meta`) while a merge is started and not finished: the next one goes on with it.
const MERGING_KEY: &str = "search_index_merging";

/// Pages of the full-text index now.
fn pages(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT count(*) FROM messages_fts_data", [], |r| r.get(0))
        .map_err(Error::db("measuring the search index"))
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    conn.query_row("SELECT value FROM app_meta WHERE key = ?1", [key], |r| {
        r.get::<_, String>(0)
    })
    .optional()
    .map_err(Error::db("reading when the search index was merged"))
}

fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO app_meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value],
    )
    .map(|_| ())
    .map_err(Error::db("noting how the search index is merged"))
}

fn merged_pages(conn: &Connection) -> Result<Option<i64>> {
    Ok(meta(conn, META_KEY)?.and_then(|v| v.parse().ok()))
}

/// The index's pages when it has grown enough since it was last merged (and is past
/// `min_pages`) to be merged now; `None` when it is not due.
fn due_above(conn: &Connection, min_pages: i64) -> Result<Option<i64>> {
    let now = pages(conn)?;
    let last = merged_pages(conn)?.unwrap_or(0);
    Ok((now > min_pages && now > last + last / 2).then_some(now))
}

/// One merge step; `true` when it found work (another step may follow). The first step of a
/// merge asks for a negative page count: the engine puts every segment on one level and starts
/// merging them all into one (and the merge is noted as started). The steps after it, and those
/// of a merge stopped and taken up again, ask for a positive count, which goes on with that
/// merge: asked again negatively, the engine would start over whenever a segment had been
/// written in between (a message recorded, a status applied), throwing away the steps so far.
fn step(db: &Db, first: bool) -> Result<bool> {
    db.with_tx(|tx| {
        if first {
            set_meta(tx, MERGING_KEY, "1")?;
        }
        let before = tx.total_changes();
        let pages = if first { -STEP_PAGES } else { STEP_PAGES };
        tx.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('merge', ?1)",
            [pages],
        )
        .map_err(Error::db("merging the search index"))?;
        // The engine's own signal: two changes or more when it merged something.
        Ok(tx.total_changes() - before >= 2)
    })
}

/// Steps one merge may take at most, for an index of `pages` pages: merging writes each page
/// of the merged index once, and the index is never smaller merged, so three times what a
/// merge of the whole index needs leaves room for what is written meanwhile; past that, it
/// stops and goes on the next time it is due.
fn max_steps(pages: i64) -> u32 {
    u32::try_from(pages / STEP_PAGES * 3 + 64).unwrap_or(u32::MAX)
}

/// Between two steps the connection is let go for this long, so a writer waiting for it (the
/// receiver storing a webhook) gets it before the next step.
const BETWEEN_STEPS: std::time::Duration = std::time::Duration::from_millis(1);

/// What [`merge_when_due`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tidied {
    /// Merge steps run.
    pub steps: u32,
    /// The index is merged into one (false: not due, or stopped by `go_on`).
    pub finished: bool,
}

/// Merges the index in steps when it is due, while `go_on()` says so (asked before every
/// step); when it finishes, remembers its size, the base of the next time it is due.
pub fn merge_when_due(db: &Db, go_on: impl FnMut() -> bool) -> Result<Tidied> {
    merge_above(db, MIN_PAGES, go_on)
}

fn merge_above(db: &Db, min_pages: i64, mut go_on: impl FnMut() -> bool) -> Result<Tidied> {
    let mut done = Tidied::default();
    if db.read_only().is_some() {
        return Ok(done);
    }
    let Some(at_start) = db.with_conn(|c| due_above(c, min_pages))? else {
        return Ok(done);
    };
    let most = max_steps(at_start);
    let resuming = db.with_conn(|c| meta(c, MERGING_KEY))?.is_some();
    while go_on() {
        if done.steps >= most {
            tracing::warn!(
                steps = done.steps,
                "merging the search index stopped after its most steps; it goes on next time"
            );
            break;
        }
        if done.steps > 0 {
            std::thread::sleep(BETWEEN_STEPS);
        }
        done.steps += 1;
        if !step(db, done.steps == 1 && !resuming)? {
            db.with_tx(|tx| {
                set_meta(tx, META_KEY, &pages(tx)?.to_string())?;
                tx.execute("DELETE FROM app_meta WHERE key = ?1", [MERGING_KEY])
                    .map(|_| ())
                    .map_err(Error::db("noting that the search index was merged"))
            })?;
            done.finished = true;
            tracing::info!(steps = done.steps, "search index merged");
            break;
        }
    }
    Ok(done)
}

impl crate::service::Core {
    /// [`merge_when_due`] on this profile's database.
    pub fn tidy_history_index(&self, go_on: impl FnMut() -> bool) -> Result<Tidied> {
        merge_when_due(&self.db, go_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{self, HistoryFilter};

    fn search(db: &Db, words: &str) -> Vec<String> {
        db.with_conn(|c| {
            history::list(
                c,
                &HistoryFilter {
                    search: Some(words.into()),
                    limit: Some(100_000),
                    ..Default::default()
                },
            )
        })
        .unwrap()
        .into_iter()
        .map(|m| m.wamid.unwrap_or_default())
        .collect()
    }

    #[test]
    fn a_grown_index_is_merged_smaller_and_answers_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_in_dir(dir.path()).unwrap();
        // Seeding merges as it ends: undo that to see the index as the writes left it.
        history::seed(&db, 5_000, |_| {}).unwrap();
        let merged = db.with_conn(pages).unwrap();
        db.with_conn(|c| {
            c.execute("DELETE FROM app_meta WHERE key = ?1", [META_KEY])
                .map_err(Error::db("test"))
        })
        .unwrap();
        // More statuses that change facets: every message read, then half of them failed.
        db.with_tx(|tx| {
            tx.execute_batch(
                "UPDATE messages SET status = 'played' WHERE id % 2 = 0; \
                 UPDATE messages SET status = 'read' WHERE id % 2 = 0;",
            )
            .map_err(Error::db("test"))
        })
        .unwrap();
        let grown = db.with_conn(pages).unwrap();
        assert!(
            grown > merged,
            "{grown} pages after the updates, {merged} before"
        );
        let before = (search(&db, "refund"), search(&db, "order appoint"));
        assert!(!before.0.is_empty() && !before.1.is_empty());

        assert!(db.with_conn(|c| due_above(c, 0)).unwrap().is_some());
        // Stopped after three steps: not finished, and still due.
        let mut left = 3;
        let part = merge_above(&db, 0, || {
            left -= 1;
            left >= 0
        })
        .unwrap();
        assert_eq!(
            part,
            Tidied {
                steps: 3,
                finished: false
            }
        );
        assert!(db.with_conn(|c| due_above(c, 0)).unwrap().is_some());

        let all = merge_above(&db, 0, || true).unwrap();
        assert!(all.finished && all.steps > 1, "{all:?}");
        let after = db.with_conn(pages).unwrap();
        assert!(after < grown, "{after} pages merged, {grown} before");
        assert_eq!(
            (search(&db, "refund"), search(&db, "order appoint")),
            before
        );
        // Not due again until it grows by half.
        assert!(db.with_conn(|c| due_above(c, 0)).unwrap().is_none());
        assert_eq!(merge_above(&db, 0, || true).unwrap(), Tidied::default());
    }

    /// Grows the index as statuses that change facets do (each a new segment): the message
    /// `id`, or every other one.
    fn grow(db: &Db, id: Option<i64>) {
        db.with_tx(|tx| {
            for status in ["played", "read"] {
                tx.execute(
                    "UPDATE messages SET status = ?1 WHERE (?2 IS NULL AND id % 2 = 0) OR id = ?2",
                    rusqlite::params![status, id],
                )
                .map_err(Error::db("test"))?;
            }
            Ok(())
        })
        .unwrap();
    }

    /// A seeded history whose index has grown (every other message's facets changed): its
    /// directory, database, pages and what a search for "refund" finds.
    fn grown_index() -> (tempfile::TempDir, Db, i64, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_in_dir(dir.path()).unwrap();
        history::seed(&db, 5_000, |_| {}).unwrap();
        grow(&db, None);
        let at_start = db.with_conn(|c| due_above(c, 0)).unwrap().unwrap();
        let before = search(&db, "refund");
        assert!(!before.is_empty());
        (dir, db, at_start, before)
    }

    #[test]
    fn a_merge_finishes_while_messages_are_written_between_its_steps() {
        let (_dir, db, at_start, before) = grown_index();
        // A status changes before every step: a new segment each time.
        let mut n = 0;
        let done = merge_above(&db, 0, || {
            n += 1;
            grow(&db, Some(n));
            true
        })
        .unwrap();
        assert!(
            done.finished && done.steps < max_steps(at_start),
            "{done:?}, at most {}",
            max_steps(at_start)
        );
        assert_eq!(search(&db, "refund"), before);
    }

    #[test]
    fn a_merge_stopped_again_and_again_by_writes_goes_on_where_it_stopped() {
        let (_dir, db, at_start, before) = grown_index();
        // The receiver's way: two steps, then a webhook stops it; it goes on later.
        let mut steps = 0;
        for session in 1.. {
            let mut left = 2;
            let done = merge_above(&db, 0, || {
                left -= 1;
                left >= 0
            })
            .unwrap();
            steps += done.steps;
            if done.finished || done.steps == 0 {
                break;
            }
            assert!(
                steps < max_steps(at_start),
                "{steps} steps in {session} sessions and not merged"
            );
            grow(&db, Some(session));
        }
        assert!(db.with_conn(|c| meta(c, MERGING_KEY)).unwrap().is_none());
        assert_eq!(search(&db, "refund"), before);
    }
}
