//! Insights at scale (a benchmark, not a test):
//!
//!   cargo run --release -p wabadesk-core --example insights_bench -- [MESSAGES] [without-rollups]
//!
//! `without-rollups` drops the rollup triggers first and only reports the ingest rates: what
//! keeping the rollups costs at ingest, on the same machine.
//!
//! Seeds MESSAGES synthetic messages (default 1,000,000) over 90 days, with three status
//! events each, through the same paths as the send path and the inbox (the rollups are kept
//! by the triggers of migration 0019 as they go), then reports the time to compute every
//! Insights figure (p50/p95 over 50 runs) for the presets and the size of the rollups.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wabadesk_core::insights::{Bucket, InsightsFilter};
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::Core;

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
}

fn main() {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).expect("core");
    let without = std::env::args().nth(2).as_deref() == Some("without-rollups");
    if without {
        let db = wabadesk_core::db::Db::open_in_dir(dir.path()).expect("db");
        db.with_conn(|c| {
            c.execute_batch(
                "DROP TRIGGER insights_message_insert; DROP TRIGGER insights_message_delete; \
                 DROP TRIGGER insights_message_update; DROP TRIGGER insights_outbound_insert; \
                 DROP TRIGGER insights_outbound_update; DROP TRIGGER insights_inbound_insert;",
            )
            .expect("dropping the rollup triggers");
            Ok(())
        })
        .expect("db");
    }
    let r = core
        .seed_history(count, |n| {
            if n % 250_000 == 0 {
                eprintln!("  {n}");
            }
        })
        .expect("seed");
    println!(
        "messages           {} recorded in {:.1} s = {:.0} messages/s (rollups kept by triggers)",
        r.messages,
        r.message_secs,
        r.messages as f64 / r.message_secs
    );
    println!(
        "status events      {} applied in {:.1} s = {:.0} events/s",
        r.status_events,
        r.status_secs,
        r.status_events as f64 / r.status_secs
    );
    if without {
        return;
    }
    let now = time::OffsetDateTime::now_utc();
    let ago = |days: i64| wabadesk_core::util::format_time(now - time::Duration::days(days));
    let cases: Vec<(&str, InsightsFilter)> = vec![
        (
            "24 h (hours)",
            InsightsFilter {
                since: Some(ago(1)),
                ..Default::default()
            },
        ),
        (
            "7 d (days)",
            InsightsFilter {
                since: Some(ago(7)),
                ..Default::default()
            },
        ),
        ("30 d (days)", InsightsFilter::default()),
        (
            "90 d (days)",
            InsightsFilter {
                since: Some(ago(90)),
                ..Default::default()
            },
        ),
        (
            "90 d, one template",
            InsightsFilter {
                since: Some(ago(90)),
                template: Some("order_update".into()),
                ..Default::default()
            },
        ),
        (
            "30 d (hours)",
            InsightsFilter {
                since: Some(ago(30)),
                bucket: Some(Bucket::Hour),
                ..Default::default()
            },
        ),
    ];
    for (name, f) in &cases {
        let mut times = Vec::new();
        let mut sent = 0;
        for _ in 0..50 {
            let t = Instant::now();
            let i = core.insights(f).expect("insights");
            times.push(t.elapsed());
            sent = i.totals.went_out();
        }
        println!(
            "insights {name:<20} p50 {:>7.2} ms  p95 {:>7.2} ms  ({sent} messages sent in the period)",
            percentile(times.clone(), 0.5).as_secs_f64() * 1000.0,
            percentile(times, 0.95).as_secs_f64() * 1000.0,
        );
    }
    let db = std::fs::metadata(dir.path().join(wabadesk_core::paths::DB_FILE))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("database size      {:.0} MB", db as f64 / 1e6);
}
