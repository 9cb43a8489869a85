//! A synthetic seeder for demos and benchmarks.

use rusqlite::params;
use serde::Serialize;

use super::exec;
use super::ingest::{apply_status, Route};
use crate::service::Core;
use crate::Result;

/// What [`seed`] did, and how fast.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub messages: u64,
    pub status_events: u64,
    /// Time to record the messages (as the send path does).
    pub message_secs: f64,
    /// Time to apply the status events (as the inbox does).
    pub status_secs: f64,
    /// Time to merge the search index afterwards (see `history::tidy`; 0 when not due).
    pub index_secs: f64,
}

/// Synthetic messages for demos and benchmarks (marked `synthetic`): `count` messages to 1,000
/// contacts over the last 90 days; then, as webhooks would bring them later, every message's
/// `sent`, then `delivered`, then `read` (1 in 20 `failed`), applied through the same status
/// path as the inbox, then merges the search index (as the receiver does when idle).
/// `progress` gets the number of rows done in the current phase. Seeding again adds `count`
/// more (their wamids continue after the last synthetic one).
pub fn seed(db: &crate::db::Db, count: u64, mut progress: impl FnMut(u64)) -> Result<SeedReport> {
    const WORDS: &[&str] = &[
        "order",
        "parcel",
        "invoice",
        "appointment",
        "reminder",
        "delivery",
        "payment",
        "welcome",
        "support",
        "refund",
    ];
    const TEMPLATES: &[&str] = &[
        "order_update",
        "shipping_notice",
        "payment_reminder",
        "appointment_confirmation",
        "welcome_offer",
    ];
    const CHUNK: u64 = 10_000;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let start = now - 90 * 86400;
    let step = (90 * 86400 / count.max(1) as i64).max(1);
    let ts_of = |i: u64| start + i as i64 * step;
    let base: u64 = db.with_conn(|c| {
        let last: Option<String> = c
            .query_row(
                "SELECT max(wamid) FROM messages WHERE wamid LIKE 'wamid.SYNTH%'",
                [],
                |r| r.get(0),
            )
            .map_err(crate::Error::db("finding the last synthetic message"))?;
        Ok(last
            .and_then(|w| w["wamid.SYNTH".len()..].parse::<u64>().ok())
            .map_or(0, |n| n + 1))
    })?;
    let wamid_of = |i: u64| format!("wamid.SYNTH{:09}", base + i);
    let contact_of = |i: u64| format!("491510{:07}", i % 1000);

    let t = std::time::Instant::now();
    let mut done = 0u64;
    while done < count {
        let end = (done + CHUNK).min(count);
        db.with_tx(|tx| {
            for i in done..end {
                let at = crate::util::format_time(
                    time::OffsetDateTime::from_unix_timestamp(ts_of(i))
                        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                );
                let template = (i % 3 == 0).then(|| TEMPLATES[(i as usize / 3) % TEMPLATES.len()]);
                let body = format!(
                    "{} {} number {}",
                    WORDS[i as usize % WORDS.len()],
                    WORDS[(i as usize * 7 + 3) % WORDS.len()],
                    i
                );
                exec(
                    tx,
                    "INSERT INTO messages (direction, wamid, contact, type, template_name, body, status, status_rank, synthetic, created_at, updated_at) \
                     VALUES ('out', ?1, ?2, ?3, ?4, ?5, 'accepted', 0, 1, ?6, ?6)",
                    params![
                        wamid_of(i),
                        contact_of(i),
                        if template.is_some() { "template" } else { "text" },
                        template,
                        body,
                        at
                    ],
                    "seeding messages",
                )?;
            }
            Ok(())
        })?;
        done = end;
        progress(done);
    }
    let message_secs = t.elapsed().as_secs_f64();

    let t = std::time::Instant::now();
    for (k, phase) in ["sent", "delivered", "last"].iter().enumerate() {
        let mut done = 0u64;
        while done < count {
            let end = (done + CHUNK).min(count);
            db.with_tx(|tx| {
                for i in done..end {
                    let status = match *phase {
                        "last" if i % 20 == 7 => "failed",
                        "last" => "read",
                        s => s,
                    };
                    let mut ev = serde_json::json!({
                        "id": wamid_of(i), "status": status,
                        "timestamp": (ts_of(i) + k as i64 * 5).to_string(), "recipient_id": contact_of(i)
                    });
                    if status == "failed" {
                        ev["errors"] = serde_json::json!([{"code": 131026, "title": "Message undeliverable"}]);
                    }
                    apply_status(tx, &Route::default(), &ev, None)?;
                }
                Ok(())
            })?;
            done = end;
            progress(done);
        }
    }
    let status_secs = t.elapsed().as_secs_f64();
    // A bulk writer merges the search index when it is done, as the receiver does when idle.
    let t = std::time::Instant::now();
    super::tidy_index(db, || true)?;
    Ok(SeedReport {
        messages: count,
        status_events: count * 3,
        message_secs,
        status_secs,
        index_secs: t.elapsed().as_secs_f64(),
    })
}

impl Core {
    /// Synthetic history for demos and benchmarks (see [`seed`]).
    pub fn seed_history(&self, count: u64, progress: impl FnMut(u64)) -> Result<SeedReport> {
        seed(&self.db, count, progress)
    }
}
