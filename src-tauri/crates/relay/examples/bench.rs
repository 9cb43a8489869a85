//! Benchmark (not a test): events/s into PostgreSQL through the webhook route, and the
//! catch-up rate of the pull feed. Run against a throw-away cluster:
//!
//! ```sh
//! scripts/with-postgres.sh cargo run --release -p wabadesk-relay --example bench -- 50000
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use wabadesk_relay::{db, server};

const SECRET: &str = "benchmark-secret-0123456789";

fn body(n: usize) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"WABA","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550001111","phone_number_id":"111"}},"statuses":[{{"id":"wamid.{n}","status":"delivered","timestamp":"1733000000","recipient_id":"4915112345678"}}]}}}}]}}]}}"#
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let events: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let concurrency: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(128);
    let url = std::env::var("DATABASE_URL")?;
    let pool = db::pool(&url)?;
    db::migrate(&pool).await?;
    db::set_number(&pool, "111", SECRET).await?;
    let token = db::create_token(
        &pool,
        &format!("bench {}", db::random_secret("").split_at(8).0),
    )
    .await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serve_url = url.clone();
    let relay = tokio::spawn(async move {
        server::serve(
            "127.0.0.1:0".parse().expect("an address"),
            &serve_url,
            |a| {
                let _ = tx.send(a);
            },
            async move {
                let _ = stop_rx.await;
            },
        )
        .await
    });
    let addr = rx.await?;
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, next, base) = (client.clone(), next.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= events {
                    return;
                }
                let r = client
                    .post(format!("{base}/webhook"))
                    .header(server::SECRET_HEADER, SECRET)
                    .body(body(i))
                    .send()
                    .await
                    .expect("an answer");
                assert_eq!(r.status().as_u16(), 200);
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    let ingest = started.elapsed();
    println!(
        "ingest: {events} events in {:.2} s = {:.0} events/s ({concurrency} concurrent requests, each answered after its commit)",
        ingest.as_secs_f64(),
        events as f64 / ingest.as_secs_f64()
    );

    let started = Instant::now();
    let mut after = 0i64;
    let mut fetched = 0usize;
    loop {
        let page: serde_json::Value = client
            .get(format!(
                "{base}/v1/events?after={after}&limit={}",
                server::MAX_PAGE
            ))
            .bearer_auth(&token)
            .send()
            .await?
            .json()
            .await?;
        let n = page["events"].as_array().map(|a| a.len()).unwrap_or(0);
        if n == 0 {
            break;
        }
        fetched += n;
        after = page["next"].as_i64().unwrap_or(after);
    }
    let catch_up = started.elapsed();
    println!(
        "catch-up: {fetched} events in {:.2} s = {:.0} events/s (pull by cursor, {} a page)",
        catch_up.as_secs_f64(),
        fetched as f64 / catch_up.as_secs_f64(),
        server::MAX_PAGE
    );
    let _ = stop_tx.send(());
    relay.await??;
    Ok(())
}
