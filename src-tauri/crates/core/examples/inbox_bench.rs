//! Receiver throughput and latency on loopback (a benchmark, not a test):
//!
//!   cargo run --release -p wabadesk-core --example inbox_bench -- [EVENTS] [CONCURRENCY]
//!
//! Posts EVENTS distinct status events from CONCURRENCY connections, then checks that every
//! acknowledged event is stored, and prints events/s and latency percentiles.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use wabadesk_core::inbox::{self, InboxFilter};
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::Core;

fn event(i: usize) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550000100","phone_number_id":"106540352242922"}},"statuses":[{{"id":"wamid.BENCH{i}","status":"delivered","timestamp":"1732489200","recipient_id":"4915123456789"}}]}}}}]}}]}}"#
    )
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let total: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(64);
    let dir = tempfile::tempdir().expect("temp dir");
    let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).expect("core"));
    let handle = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("serve");
    let url = handle.url();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..concurrency {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut acked = 0usize;
            let mut i = w;
            while i < total {
                let t = Instant::now();
                let r = client.post(&url).body(event(i)).send().await.expect("post");
                lat.push(t.elapsed());
                if r.status().as_u16() == 200 {
                    acked += 1;
                }
                i += concurrency;
            }
            (lat, acked)
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(total);
    let mut acked = 0;
    for t in tasks {
        let (l, a) = t.await.unwrap();
        latencies.extend(l);
        acked += a;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];

    // History catches up after the burst.
    let t = Instant::now();
    while core
        .message_by_wamid(&format!("wamid.BENCH{}", total - 1))
        .unwrap()
        .is_none()
        || core
            .list_inbox(&InboxFilter {
                state: Some("pending".into()),
                limit: Some(1),
                ..Default::default()
            })
            .unwrap()
            .len()
            == 1
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let catch_up = t.elapsed();

    // Nothing lost: every acknowledged event is stored.
    let stored = core
        .list_inbox(&InboxFilter {
            limit: Some(u32::MAX),
            ..Default::default()
        })
        .unwrap()
        .len();
    println!("events posted      {total} from {concurrency} connections");
    println!("acknowledged (200) {acked}");
    println!("stored             {stored}");
    println!(
        "throughput         {:.0} events/s",
        acked as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50        {:.2} ms",
        pct(0.50).as_secs_f64() * 1000.0
    );
    println!(
        "latency p99        {:.2} ms",
        pct(0.99).as_secs_f64() * 1000.0
    );
    println!(
        "history caught up  {:.0} ms after the last answer",
        catch_up.as_secs_f64() * 1000.0
    );
    assert_eq!(stored, acked, "an acknowledged event is missing");
}
