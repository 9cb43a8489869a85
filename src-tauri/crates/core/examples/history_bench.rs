//! History at scale (a benchmark, not a test):
//!
//!   cargo run --release -p wabadesk-core --example history_bench -- [MESSAGES]
//!
//! Seeds MESSAGES synthetic messages (default 1,000,000) with three status events each through
//! the same status path as the inbox, then reports the ingest rate, first-page query latency
//! (p50/p95 over 50 runs) for each filter and full-text search, export throughput, and the
//! database size.

use std::time::{Duration, Instant};

use wabadesk_core::db::Db;
use wabadesk_core::history::{self, Direction, ExportFormat, HistoryFilter, MessageStatus};

/// A named query and how to make its filter for run `i`.
type Case = (&'static str, Box<dyn Fn(usize) -> HistoryFilter>);

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
    let db = Db::open_in_dir(dir.path()).expect("db");

    let r = history::seed(&db, count, |n| {
        if n % 250_000 == 0 {
            eprintln!("  {n}");
        }
    })
    .expect("seed");
    println!(
        "messages           {} recorded in {:.1} s = {:.0} messages/s (with full-text indexing)",
        r.messages,
        r.message_secs,
        r.messages as f64 / r.message_secs
    );
    println!(
        "status events      {} applied in {:.1} s = {:.0} events/s (forward-only rule, dedupe, timeline)",
        r.status_events,
        r.status_secs,
        r.status_events as f64 / r.status_secs
    );
    let messages = r.messages;

    let sample = db
        .with_conn(|c| {
            history::list(
                c,
                &HistoryFilter {
                    limit: Some(1),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let newest = &sample[0].created_at;
    let day_before = {
        let t = time::OffsetDateTime::parse(newest, &time::format_description::well_known::Rfc3339)
            .unwrap();
        wabadesk_core::util::format_time(t - time::Duration::days(1))
    };
    let cases: Vec<Case> = vec![
        ("no filter", Box::new(|_| HistoryFilter::default())),
        (
            "status=failed",
            Box::new(|_| HistoryFilter {
                status: Some(MessageStatus::Failed),
                ..Default::default()
            }),
        ),
        (
            "status=read",
            Box::new(|_| HistoryFilter {
                status: Some(MessageStatus::Read),
                ..Default::default()
            }),
        ),
        (
            "direction=out",
            Box::new(|_| HistoryFilter {
                direction: Some(Direction::Outbound),
                ..Default::default()
            }),
        ),
        (
            "contact",
            Box::new(|i| HistoryFilter {
                contact: Some(format!("491510{:07}", i * 17 % 1000)),
                ..Default::default()
            }),
        ),
        (
            "template",
            Box::new(|i| HistoryFilter {
                template: Some(
                    ["order_update", "shipping_notice", "payment_reminder"][i % 3].into(),
                ),
                ..Default::default()
            }),
        ),
        (
            "number (none match)",
            Box::new(|_| HistoryFilter {
                number_id: Some(1),
                ..Default::default()
            }),
        ),
        (
            "last day",
            Box::new(move |_| HistoryFilter {
                since: Some(day_before.clone()),
                ..Default::default()
            }),
        ),
        (
            "search 1 word",
            Box::new(|i| HistoryFilter {
                search: Some(["refund", "parcel", "invoice"][i % 3].into()),
                ..Default::default()
            }),
        ),
        (
            "search 2 words",
            Box::new(|_| HistoryFilter {
                search: Some("order appoint".into()),
                ..Default::default()
            }),
        ),
        (
            "search rare",
            Box::new(|i| HistoryFilter {
                search: Some(format!("{}", 500_000 + i)),
                ..Default::default()
            }),
        ),
        (
            "search + status",
            Box::new(|_| HistoryFilter {
                search: Some("refund".into()),
                status: Some(MessageStatus::Failed),
                ..Default::default()
            }),
        ),
    ];
    println!("first page (100 rows), 50 runs each:");
    for (name, make) in &cases {
        let mut times = Vec::new();
        let mut rows = 0;
        for i in 0..50 {
            let f = HistoryFilter {
                limit: Some(100),
                ..make(i)
            };
            let t = Instant::now();
            rows = db.with_conn(|c| history::list(c, &f)).unwrap().len();
            times.push(t.elapsed());
        }
        println!(
            "  {name:<22} p50 {:>7.2} ms   p95 {:>7.2} ms   ({rows} rows)",
            percentile(times.clone(), 0.5).as_secs_f64() * 1000.0,
            percentile(times, 0.95).as_secs_f64() * 1000.0
        );
    }

    let t = Instant::now();
    let mut sink = std::io::sink();
    let n = history::export(
        &db,
        &HistoryFilter::default(),
        ExportFormat::Jsonl,
        &mut sink,
        |_| {},
    )
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "export (JSON lines) {n} rows in {secs:.1} s = {:.0} rows/s",
        n as f64 / secs
    );
    let t = Instant::now();
    let n = history::export(
        &db,
        &HistoryFilter::default(),
        ExportFormat::Csv,
        &mut sink,
        |_| {},
    )
    .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "export (CSV)        {n} rows in {secs:.1} s = {:.0} rows/s",
        n as f64 / secs
    );

    db.checkpoint().unwrap();
    let size: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "database size      {:.0} MB ({:.0} bytes per message with its events)",
        size as f64 / 1e6,
        size as f64 / messages as f64
    );
}
