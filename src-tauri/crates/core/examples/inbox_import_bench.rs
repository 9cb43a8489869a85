//! An import of many events while webhooks arrive (a measurement, not a test; loopback only,
//! every loop bounded):
//!
//!   cargo run --release -p wabadesk-core --example inbox_import_bench -- [EVENTS] [FILES] [no-huge]
//!
//! First posts 30 bodies of 40,000 statuses each and times normal webhooks posted while history
//! works through them. Then writes EVENTS distinct status events into FILES capture files (one import reads at most
//! `inbox::MAX_IMPORT_EVENTS` events, so 500,000 events are 5 files), starts the receiver,
//! and imports the files twice over while 4 clients post a webhook every 20 ms each: first
//! through the receiver's own core (the app's import beside its receiver), then through a
//! second core on the same database (`wabadesk inbox import` beside the running app: another
//! connection, contending for SQLite's write lock). Prints, per phase, the import's rate and
//! the webhooks' answers (codes, p50, p99, slowest); exits 1 if a webhook was not answered 200
//! or waited 2 s or more, or if an event is not applied in the end.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wabadesk_core::inbox;
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::Core;

/// The slowest answer a webhook may get while the import runs.
const BOUND: Duration = Duration::from_secs(2);

fn event(tag: &str, i: usize) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550000100","phone_number_id":"106540352242922"}},"statuses":[{{"id":"wamid.{tag}{i}","status":"delivered","timestamp":"1732489200","recipient_id":"4915123456789"}}]}}}}]}}]}}"#
    )
}

fn write_files(dir: &Path, tag: &str, events: usize, files: usize) -> Vec<PathBuf> {
    let per = events.div_ceil(files);
    (0..files)
        .map(|f| {
            let path = dir.join(format!("{tag}-{f}.jsonl"));
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            for i in (f * per)..((f + 1) * per).min(events) {
                writeln!(out, "{}", event(tag, i)).unwrap();
            }
            out.flush().unwrap();
            path
        })
        .collect()
}

fn count(dir: &Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(dir.join("wabadesk.sqlite3")).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Posts a webhook every 20 ms from each of 4 clients until `stop`; returns each answer's
/// code and time.
async fn webhooks(url: String, tag: String, stop: Arc<AtomicBool>) -> Vec<(u16, Duration)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for w in 0..4 {
        let (client, url, tag, stop) = (client.clone(), url.clone(), tag.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            let mut i = 0;
            // Bounded: the import ends well before 100,000 rounds.
            while !stop.load(Ordering::Relaxed) && i < 100_000 {
                let t = Instant::now();
                let code = match client
                    .post(&url)
                    .body(event(&format!("{tag}W{w}x"), i))
                    .send()
                    .await
                {
                    Ok(r) => r.status().as_u16(),
                    Err(_) => 0,
                };
                out.push((code, t.elapsed()));
                i += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            out
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

/// 30 bodies of 40,000 statuses (about 3 MB each) at once, then a normal webhook every 100 ms
/// while they are applied.
async fn huge_events(url: &str, data: &Path) -> bool {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for b in 0..30 {
        let (client, url) = (client.clone(), url.to_string());
        let mut body = String::from(
            r#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000100","phone_number_id":"106540352242922"},"statuses":["#,
        );
        for i in 0..40_000 {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!(
                r#"{{"id":"wamid.H{b}x{i}","status":"sent","timestamp":"1732489200","recipient_id":"4915123456789"}}"#
            ));
        }
        body.push_str("]}}]}]}");
        tasks.push(tokio::spawn(async move {
            client
                .post(&url)
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut stored = 0;
    for t in tasks {
        stored += usize::from(t.await.unwrap() == 200);
    }
    let posted = t0.elapsed();
    let mut answers = Vec::new();
    let t1 = Instant::now();
    // Bounded: 1,200,000 statuses are applied well within 10 minutes.
    while count(
        data,
        "SELECT count(*) FROM inbox_events WHERE state = 'pending'",
    ) > 0
        && t1.elapsed() < Duration::from_secs(600)
    {
        let t = Instant::now();
        let code = client
            .post(url)
            .body(event("N", answers.len()))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        answers.push((code, t.elapsed()));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let applying = t1.elapsed();
    let applied = count(data, "SELECT count(*) FROM status_events");
    answers.sort_by_key(|a| a.1);
    let not_ok = answers.iter().filter(|a| a.0 != 200).count();
    let slowest = answers.last().map(|a| a.1).unwrap_or_default();
    let p50 = answers
        .get(answers.len() / 2)
        .map(|a| a.1)
        .unwrap_or_default();
    println!(
        "huge events: 30 bodies of 40,000 statuses, {stored}/30 stored in {:.1} s; applied in {:.1} s \
         more ({:.0} statuses/s; {applied} statuses in history); meanwhile {} normal webhooks: \
         {not_ok} not answered 200, p50 {:.1} ms, slowest {:.0} ms",
        posted.as_secs_f64(),
        applying.as_secs_f64(),
        1_200_000.0 / applying.as_secs_f64(),
        answers.len(),
        p50.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3,
    );
    stored == 30 && not_ok == 0 && slowest < BOUND && !answers.is_empty()
}

async fn phase(
    name: &str,
    tag: &str,
    importer: Arc<Core>,
    files: Vec<PathBuf>,
    url: &str,
    events: usize,
) -> bool {
    let stop = Arc::new(AtomicBool::new(false));
    let posting = tokio::spawn(webhooks(url.to_string(), tag.to_string(), stop.clone()));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t0 = Instant::now();
    let imported = tokio::task::spawn_blocking(move || {
        let mut new = 0;
        for f in &files {
            let content = std::fs::read_to_string(f).unwrap();
            new += importer.import_events(&content).expect("import").new as usize;
        }
        new
    })
    .await
    .unwrap();
    let took = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut answers = posting.await.unwrap();
    answers.sort_by_key(|a| a.1);
    let not_ok = answers.iter().filter(|a| a.0 != 200).count();
    let pct = |p: f64| answers[((answers.len() as f64 - 1.0) * p) as usize].1;
    let slowest = answers.last().map(|a| a.1).unwrap_or_default();
    println!(
        "{name}: imported {imported} of {events} events in {:.1} s ({:.0} events/s, stored and \
         applied); meanwhile {} webhooks: {not_ok} not answered 200, p50 {:.1} ms, p99 {:.1} ms, \
         slowest {:.0} ms",
        took.as_secs_f64(),
        imported as f64 / took.as_secs_f64(),
        answers.len(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3,
    );
    imported == events && not_ok == 0 && slowest < BOUND && !answers.is_empty()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let events: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(500_000);
    let files: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(events.div_ceil(inbox::MAX_IMPORT_EVENTS));
    let work = tempfile::tempdir().expect("temp dir");
    let data = work.path().join("data");
    let core = Arc::new(Core::open(&data, Arc::new(MemoryStore::new())).expect("core"));
    let handle = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("serve");
    let url = handle.url();

    let mut held =
        args.get(3).map(String::as_str) == Some("no-huge") || huge_events(&url, &data).await;
    held &= phase(
        "import through the receiver's core",
        "A",
        core.clone(),
        write_files(work.path(), "A", events, files),
        &url,
        events,
    )
    .await;
    let other = Arc::new(Core::open(&data, Arc::new(MemoryStore::new())).expect("second core"));
    held &= phase(
        "import through a second connection (as the CLI beside the app)",
        "B",
        other,
        write_files(work.path(), "B", events, files),
        &url,
        events,
    )
    .await;

    // Everything ends up applied: the huge events', the imports' and the webhooks'.
    let t0 = Instant::now();
    while count(
        &data,
        "SELECT count(*) FROM inbox_events WHERE state = 'pending'",
    ) > 0
        && t0.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let stored = count(&data, "SELECT count(*) FROM inbox_events");
    let applied = count(&data, "SELECT count(*) FROM status_events");
    println!("in the end: {stored} events stored, {applied} statuses applied");
    // One status per event, but the 30 huge ones hold 40,000 each.
    let huge = if args.get(3).map(String::as_str) == Some("no-huge") {
        0
    } else {
        30
    };
    held &= applied == stored - huge + huge * 40_000;
    std::process::exit(if held { 0 } else { 1 });
}
