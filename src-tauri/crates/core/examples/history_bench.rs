//! History at scale (a benchmark, not a test):
//!
//!   cargo run --release -p wabadesk-core --example history_bench -- [MESSAGES]
//!
//! Seeds MESSAGES synthetic messages (default 1,000,000) with three status events each through
//! the same status path as the inbox, then reports the ingest rate, the latency (p50/p95 over
//! 50 runs) of every shape of History query (each filter alone and combined, the search alone
//! and with each filter; the first page and a page from the middle), export throughput, the
//! database size and the time migration 0024 takes to convert a database of this size. Its
//! last lines are `BENCH history.<query>_p95_ms` figures and `history.p95_worst_ms`.

use std::time::{Duration, Instant};

use wabadesk_core::db::Db;
use wabadesk_core::history::{self, Direction, ExportFormat, HistoryFilter, MessageStatus};

/// A query's key (for its BENCH line), its name, and how to make its filter for run `i`.
type Case = (
    &'static str,
    &'static str,
    Box<dyn Fn(usize) -> HistoryFilter>,
);

/// Runs of each query.
const RUNS: usize = 50;

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
    println!(
        "search index       merged in {:.1} s after seeding (as the receiver does when idle, history::tidy)",
        r.index_secs
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
    let at = |days: i64| {
        let t = time::OffsetDateTime::parse(newest, &time::format_description::well_known::Rfc3339)
            .unwrap();
        wabadesk_core::util::format_time(t - time::Duration::days(days))
    };
    let (last_day, week_ago, two_weeks_ago, sixty_days_ago) = (day_before, at(7), at(14), at(60));

    // Every shape of query History makes: each filter alone, filters combined, the search
    // alone and with each filter. The seeded history is outbound, from no known number, read
    // or failed (1 in 20), so several filters match nothing: the worst case for a plan that
    // checks every row of the other side. Each is timed on the first page and on a page from
    // the middle of the history (keyset, `before_id`).
    let f = HistoryFilter::default;
    let contact = |i: usize| Some(format!("491510{:07}", i * 17 % 1000));
    let template =
        |i: usize| Some(["order_update", "shipping_notice", "payment_reminder"][i % 3].into());
    let word = |i: usize| Some(["refund", "parcel", "invoice"][i % 3].to_string());
    let cases: Vec<Case> = vec![
        ("no_filter", "no filter", Box::new(move |_| f())),
        (
            "number_none",
            "number (none match)",
            Box::new(move |_| HistoryFilter {
                number_id: Some(1),
                ..f()
            }),
        ),
        (
            "direction_out",
            "direction out (all)",
            Box::new(move |_| HistoryFilter {
                direction: Some(Direction::Outbound),
                ..f()
            }),
        ),
        (
            "direction_in",
            "direction in (none match)",
            Box::new(move |_| HistoryFilter {
                direction: Some(Direction::Inbound),
                ..f()
            }),
        ),
        (
            "status_read",
            "status read (95%)",
            Box::new(move |_| HistoryFilter {
                status: Some(MessageStatus::Read),
                ..f()
            }),
        ),
        (
            "status_failed",
            "status failed (5%)",
            Box::new(move |_| HistoryFilter {
                status: Some(MessageStatus::Failed),
                ..f()
            }),
        ),
        (
            "status_played",
            "status played (none)",
            Box::new(move |_| HistoryFilter {
                status: Some(MessageStatus::Played),
                ..f()
            }),
        ),
        (
            "contact",
            "contact (0.1%)",
            Box::new(move |i| HistoryFilter {
                contact: contact(i),
                ..f()
            }),
        ),
        (
            "template",
            "template (6.7%)",
            Box::new(move |i| HistoryFilter {
                template: template(i),
                ..f()
            }),
        ),
        (
            "language_none",
            "language (none match)",
            Box::new(move |_| HistoryFilter {
                language: Some("en".into()),
                ..f()
            }),
        ),
        (
            "error_code",
            "error code (5%)",
            Box::new(move |_| HistoryFilter {
                error_code: Some(131026),
                ..f()
            }),
        ),
        ("since_last_day", "since a day ago", {
            let s = last_day.clone();
            Box::new(move |_| HistoryFilter {
                since: Some(s.clone()),
                ..f()
            })
        }),
        ("until_60_days", "until 60 days ago", {
            let u = sixty_days_ago.clone();
            Box::new(move |_| HistoryFilter {
                until: Some(u.clone()),
                ..f()
            })
        }),
        ("range_week", "a week, 2 weeks ago", {
            let (s, u) = (two_weeks_ago.clone(), week_ago.clone());
            Box::new(move |_| HistoryFilter {
                since: Some(s.clone()),
                until: Some(u.clone()),
                ..f()
            })
        }),
        (
            "range_before_history",
            "a range before the history",
            Box::new(move |_| HistoryFilter {
                since: Some("2001-01-01".into()),
                until: Some("2001-02-01".into()),
                ..f()
            }),
        ),
        (
            "failed_template",
            "status failed + template (none)",
            Box::new(move |i| HistoryFilter {
                status: Some(MessageStatus::Failed),
                template: template(i),
                ..f()
            }),
        ),
        (
            "read_direction_in",
            "status read + direction in (none)",
            Box::new(move |_| HistoryFilter {
                status: Some(MessageStatus::Read),
                direction: Some(Direction::Inbound),
                ..f()
            }),
        ),
        (
            "contact_failed",
            "contact + status failed",
            Box::new(move |i| HistoryFilter {
                contact: contact(i),
                status: Some(MessageStatus::Failed),
                ..f()
            }),
        ),
        (
            "number_status",
            "number + status (none)",
            Box::new(move |_| HistoryFilter {
                number_id: Some(1),
                status: Some(MessageStatus::Read),
                ..f()
            }),
        ),
        ("template_week", "template + a week", {
            let (s, u) = (two_weeks_ago.clone(), week_ago.clone());
            Box::new(move |i| HistoryFilter {
                template: template(i),
                since: Some(s.clone()),
                until: Some(u.clone()),
                ..f()
            })
        }),
        ("contact_week", "contact + a week", {
            let (s, u) = (two_weeks_ago.clone(), week_ago.clone());
            Box::new(move |i| HistoryFilter {
                contact: contact(i),
                since: Some(s.clone()),
                until: Some(u.clone()),
                ..f()
            })
        }),
        ("error_until", "error code + until 60 days ago", {
            let u = sixty_days_ago.clone();
            Box::new(move |_| HistoryFilter {
                error_code: Some(131026),
                until: Some(u.clone()),
                ..f()
            })
        }),
        ("four_filters", "direction + status + template + week", {
            let (s, u) = (two_weeks_ago.clone(), week_ago.clone());
            Box::new(move |i| HistoryFilter {
                direction: Some(Direction::Outbound),
                status: Some(MessageStatus::Read),
                template: template(i),
                since: Some(s.clone()),
                until: Some(u.clone()),
                ..f()
            })
        }),
        (
            "search_word",
            "search 1 word",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                ..f()
            }),
        ),
        (
            "search_two_words",
            "search 2 words",
            Box::new(move |_| HistoryFilter {
                search: Some("order appoint".into()),
                ..f()
            }),
        ),
        (
            "search_rare",
            "search rare",
            Box::new(move |i| HistoryFilter {
                search: Some(format!("{}", 500_000 + i)),
                ..f()
            }),
        ),
        (
            "search_failed",
            "search + status failed (none)",
            Box::new(move |_| HistoryFilter {
                search: Some("refund".into()),
                status: Some(MessageStatus::Failed),
                ..f()
            }),
        ),
        (
            "search_read",
            "search + status read",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                status: Some(MessageStatus::Read),
                ..f()
            }),
        ),
        (
            "search_number",
            "search + number (none)",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                number_id: Some(1),
                ..f()
            }),
        ),
        (
            "search_direction_in",
            "search + direction in (none)",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                direction: Some(Direction::Inbound),
                ..f()
            }),
        ),
        (
            "search_contact",
            "search + contact",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                contact: contact(i),
                ..f()
            }),
        ),
        (
            "search_template",
            "search + template",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                template: template(i),
                ..f()
            }),
        ),
        (
            "search_error",
            "search + error code",
            Box::new(move |i| HistoryFilter {
                search: word(i),
                error_code: Some(131026),
                ..f()
            }),
        ),
        ("search_last_day", "search + since a day ago", {
            let s = last_day.clone();
            Box::new(move |i| HistoryFilter {
                search: word(i),
                since: Some(s.clone()),
                ..f()
            })
        }),
        ("search_until", "search + until 60 days ago", {
            let u = sixty_days_ago.clone();
            Box::new(move |i| HistoryFilter {
                search: word(i),
                until: Some(u.clone()),
                ..f()
            })
        }),
        (
            "search_two_words_failed",
            "search 2 words + status failed",
            Box::new(move |_| HistoryFilter {
                search: Some("order appoint".into()),
                status: Some(MessageStatus::Failed),
                ..f()
            }),
        ),
        (
            "search_all_filters",
            "search + direction + status + template + week",
            {
                let (s, u) = (two_weeks_ago.clone(), week_ago.clone());
                Box::new(move |i| HistoryFilter {
                    search: word(i),
                    direction: Some(Direction::Outbound),
                    status: Some(MessageStatus::Read),
                    template: template(i),
                    since: Some(s.clone()),
                    until: Some(u.clone()),
                    ..f()
                })
            },
        ),
    ];
    let middle = sample[0].id - messages as i64 / 2;
    println!("history queries at {messages} messages (100 rows a page, {RUNS} runs each; ms):");
    println!(
        "  {:<46} {:>8} {:>8} {:>9} {:>9} {:>6}",
        "query", "p50", "p95", "mid p50", "mid p95", "rows"
    );
    let mut bench_lines = Vec::new();
    let mut worst: (f64, &str) = (0.0, "");
    for (key, name, make) in &cases {
        let mut row = Vec::new();
        let mut rows = 0;
        for before_id in [None, Some(middle)] {
            let mut times = Vec::new();
            for i in 0..RUNS {
                let f = HistoryFilter {
                    limit: Some(100),
                    before_id,
                    ..make(i)
                };
                let t = Instant::now();
                let n = db.with_conn(|c| history::list(c, &f)).unwrap().len();
                times.push(t.elapsed());
                if before_id.is_none() {
                    rows = n;
                }
            }
            row.push(ms(percentile(times.clone(), 0.5)));
            row.push(ms(percentile(times, 0.95)));
        }
        println!(
            "  {name:<46} {:>8.2} {:>8.2} {:>9.2} {:>9.2} {rows:>6}",
            row[0], row[1], row[2], row[3]
        );
        let p95 = row[1].max(row[3]);
        if p95 > worst.0 {
            worst = (p95, name);
        }
        bench_lines.push(format!("BENCH history.{key}_p95_ms {p95:.2} ms"));
    }
    println!("worst p95: {:.2} ms ({})", worst.0, worst.1);

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

    // Converting an existing database: migration 0024 re-indexes every message once.
    let t = Instant::now();
    db.with_tx(|tx| {
        tx.execute_batch(include_str!(
            "../migrations/0024_search_without_positions.sql"
        ))
        .map_err(wabadesk_core::Error::db("re-running migration 0024"))
    })
    .unwrap();
    println!(
        "migration 0024     re-indexed {messages} messages in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    println!("BENCH history.p95_worst_ms {:.2} ms", worst.0);
    for l in bench_lines {
        println!("{l}");
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
