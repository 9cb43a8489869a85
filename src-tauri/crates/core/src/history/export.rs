//! Export of the filtered history (CSV, JSON lines) and retention (pruning old messages).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::exec;
use super::query::{list, HistoryFilter, MessageView};
use crate::events::Topic;
use crate::history;
use crate::service::Core;
use crate::{Error, Result};

/// Export file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

const CSV_HEADER: &str = "created_at,number_label,number_phone,direction,contact,contact_name,type,template_name,template_language,body,status,wamid,sent_at,delivered_at,read_at,failed_at,error_code,error_title,reaction,edited_at,deleted_at\n";

/// Number labels and phones by id.
type Numbers = std::collections::BTreeMap<i64, (String, String)>;

fn csv_row(m: &MessageView, numbers: &Numbers) -> String {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = m.number_id.and_then(|n| numbers.get(&n));
    let cols = [
        m.created_at.clone(),
        number.map(|n| n.0.clone()).unwrap_or_default(),
        number.map(|n| n.1.clone()).unwrap_or_default(),
        m.direction.clone(),
        m.contact.clone(),
        o(&m.contact_name),
        m.kind.clone(),
        o(&m.template_name),
        o(&m.template_language),
        o(&m.body),
        m.status.clone(),
        o(&m.wamid),
        o(&m.sent_at),
        o(&m.delivered_at),
        o(&m.read_at),
        o(&m.failed_at),
        m.error_code.map(|c| c.to_string()).unwrap_or_default(),
        o(&m.error_title),
        o(&m.reaction),
        o(&m.edited_at),
        o(&m.deleted_at),
    ];
    let mut line = cols
        .iter()
        .map(|c| crate::util::csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Writes every message matching `filter` (its `limit`, `before_id` and `after_id` are ignored), newest
/// first, in pages so memory stays constant and the database is never locked for long.
/// `progress` gets the running row count after each page. Returns the number of rows.
pub fn export(
    db: &crate::db::Db,
    filter: &HistoryFilter,
    format: ExportFormat,
    out: &mut dyn std::io::Write,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let io = |e: std::io::Error| Error::Internal(format!("writing the export: {e}"));
    if format == ExportFormat::Csv {
        out.write_all(CSV_HEADER.as_bytes()).map_err(io)?;
    }
    let numbers = db.with_conn(crate::numbers::store::labels)?;
    let mut page = HistoryFilter {
        limit: Some(5000),
        before_id: None,
        after_id: None,
        ..filter.clone()
    };
    let mut total = 0u64;
    loop {
        let rows = db.with_conn(|c| list(c, &page))?;
        for m in &rows {
            match format {
                ExportFormat::Csv => out.write_all(csv_row(m, &numbers).as_bytes()).map_err(io)?,
                ExportFormat::Jsonl => {
                    serde_json::to_writer(&mut *out, m)
                        .map_err(|e| Error::Internal(e.to_string()))?;
                    out.write_all(b"\n").map_err(io)?;
                }
            }
        }
        total += rows.len() as u64;
        progress(total);
        match rows.last() {
            Some(last) if rows.len() == 5000 => page.before_id = Some(last.id),
            _ => break,
        }
    }
    out.flush().map_err(io)?;
    Ok(total)
}

/// Deletes messages (and their status events) created more than `days` days ago; with
/// `dry_run`, only counts them. Returns the number of messages.
pub fn prune(db: &crate::db::Db, days: u32, dry_run: bool) -> Result<u64> {
    let cutoff = crate::util::format_time(
        time::OffsetDateTime::now_utc() - time::Duration::days(days as i64),
    );
    db.with_tx(|tx| {
        let n: i64 = tx
            .query_row("SELECT count(*) FROM messages WHERE created_at < ?1", [&cutoff], |r| r.get(0))
            .map_err(Error::db("counting old messages"))?;
        if !dry_run && n > 0 {
            exec(tx, "DELETE FROM status_events WHERE wamid IN (SELECT wamid FROM messages WHERE created_at < ?1)", [&cutoff], "pruning status events")?;
            exec(tx, "DELETE FROM messages WHERE created_at < ?1", [&cutoff], "pruning messages")?;
        }
        Ok(n as u64)
    })
}

impl Core {
    /// Retention: counts (dry run) or deletes messages older than `days`; a deletion is audited.
    pub fn prune_history(
        &self,
        days: u32,
        dry_run: bool,
        actor: crate::audit::Actor,
    ) -> Result<u64> {
        let n = history::prune(&self.db, days, dry_run)?;
        if !dry_run && n > 0 {
            self.write(&[Topic::Messages, Topic::Audit], None, |c| {
                crate::audit::record(
                    c,
                    actor,
                    crate::audit::NewAudit {
                        detail: &format!("{n} messages older than {days} days"),
                        ..crate::audit::NewAudit::of(crate::audit::AuditAction::HistoryPruned)
                    },
                )
            })?;
        }
        Ok(n)
    }

    /// Writes the filtered history to `out` (e.g. standard output), newest first.
    pub fn write_history(
        &self,
        filter: &history::HistoryFilter,
        format: history::ExportFormat,
        out: &mut dyn std::io::Write,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        history::export(&self.db, filter, format, out, progress)
    }

    /// Exports the filtered history to `path` (written to a unique temporary file beside it,
    /// then renamed into place; see [`crate::paths::write_atomically`]).
    pub fn export_history(
        &self,
        filter: &history::HistoryFilter,
        format: history::ExportFormat,
        path: &std::path::Path,
        progress: impl FnMut(u64),
    ) -> Result<u64> {
        crate::paths::write_atomically(path, |out| {
            history::export(&self.db, filter, format, out, progress)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Db;
    use crate::history::*;

    #[test]
    fn seeding_twice_adds_more() {
        let db = Db::open_in_memory().unwrap();
        seed(&db, 50, |_| {}).unwrap();
        let again = seed(&db, 30, |_| {}).unwrap();
        assert_eq!(again.messages, 30);
        let all = db
            .with_conn(|c| {
                list(
                    c,
                    &HistoryFilter {
                        limit: Some(1000),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        assert_eq!(all.len(), 80);
        assert!(
            all.iter().all(|m| m.status != "accepted"),
            "every status applied"
        );
    }

    #[test]
    fn csv_export_neutralises_formulas_in_bodies_and_contact_names() {
        for payload in crate::util::FORMULA_PAYLOADS {
            let db = Db::open_in_memory().unwrap();
            db.with_tx(|tx| {
                tx.execute(
                    "INSERT INTO messages (direction, wamid, contact, contact_name, type, body, status, status_rank, created_at, updated_at) \
                     VALUES ('in', 'wamid.X', '4915123456789', ?1, 'text', ?1, 'received', 0, '2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z')",
                    [payload],
                )
                .unwrap();
                Ok(())
            })
            .unwrap();
            let mut csv = Vec::new();
            let n = export(
                &db,
                &HistoryFilter::default(),
                ExportFormat::Csv,
                &mut csv,
                |_| {},
            )
            .unwrap();
            assert_eq!(n, 1);
            let csv = String::from_utf8(csv).unwrap();
            crate::util::assert_csv_neutralised(&csv, payload);
            assert_eq!(
                csv.matches(&format!("\"'{}", &payload[..5])).count(),
                2,
                "body and name: {csv}"
            );
        }
    }

    #[test]
    fn csv_export_carries_the_reaction_the_edit_and_the_deletion() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            tx.execute(
                "INSERT INTO messages (direction, wamid, contact, type, body, status, status_rank, created_at, updated_at, reaction, edited_at, deleted_at) \
                 VALUES ('in', 'wamid.M', '4915123456789', 'text', 'hi', 'received', 0, '2026-11-25T10:00:00.000Z', '2026-11-25T10:00:00.000Z', '👍', '2026-11-25T10:01:00.000Z', '2026-11-25T10:02:00.000Z')",
                [],
            )
            .unwrap();
            Ok(())
        })
        .unwrap();
        let mut csv = Vec::new();
        export(
            &db,
            &HistoryFilter::default(),
            ExportFormat::Csv,
            &mut csv,
            |_| {},
        )
        .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let mut lines = csv.lines();
        assert!(lines
            .next()
            .unwrap()
            .ends_with(",reaction,edited_at,deleted_at"));
        assert!(
            lines
                .next()
                .unwrap()
                .ends_with(",👍,2026-11-25T10:01:00.000Z,2026-11-25T10:02:00.000Z"),
            "{csv}"
        );
    }

    #[test]
    fn export_streams_the_filtered_view_and_prune_counts_first() {
        let db = Db::open_in_memory().unwrap();
        seed(&db, 12_000, |_| {}).unwrap();
        let mut csv = Vec::new();
        let mut pages = Vec::new();
        let n = export(
            &db,
            &HistoryFilter {
                status: Some(MessageStatus::Failed),
                ..Default::default()
            },
            ExportFormat::Csv,
            &mut csv,
            |p| pages.push(p),
        )
        .unwrap();
        assert_eq!(n, 600);
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text.lines().count(), 601);
        assert!(text.lines().skip(1).all(|l| l.contains(",failed,")));
        let mut jsonl = Vec::new();
        let pages_before = pages.len();
        let n = export(
            &db,
            &HistoryFilter::default(),
            ExportFormat::Jsonl,
            &mut jsonl,
            |p| pages.push(p),
        )
        .unwrap();
        assert_eq!(n, 12_000);
        assert_eq!(
            &pages[pages_before..],
            &[5000, 10_000, 12_000],
            "progress per page"
        );
        let first: serde_json::Value =
            serde_json::from_str(String::from_utf8(jsonl).unwrap().lines().next().unwrap())
                .unwrap();
        assert!(first["wamid"].as_str().unwrap().starts_with("wamid.SYNTH"));

        let old = prune(&db, 45, true).unwrap();
        assert!(old > 5000 && old < 7000, "{old}");
        assert_eq!(
            db.with_conn(|c| list(
                c,
                &HistoryFilter {
                    limit: Some(20_000),
                    ..Default::default()
                }
            ))
            .unwrap()
            .len(),
            12_000,
            "dry run deletes nothing"
        );
        assert_eq!(prune(&db, 45, false).unwrap(), old);
        assert_eq!(
            db.with_conn(|c| list(
                c,
                &HistoryFilter {
                    limit: Some(20_000),
                    ..Default::default()
                }
            ))
            .unwrap()
            .len() as u64,
            12_000 - old
        );
    }
}
