//! The relay against a real PostgreSQL (scripts/with-postgres.sh): ingest with the secret
//! check and dedupe, the pull feed, tokens, health and metrics, the live stream with a
//! subscriber that disconnects and catches up, graceful shutdown, and two replicas with one
//! killed under load.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use futures_util::StreamExt;

const SECRET_A: &str = "secret-for-number-111-aaaa";
const SECRET_B: &str = "secret-for-number-222-bbbb";

async fn setup() -> (String, String) {
    let db = fresh_db().await;
    cli_ok(&db, &["migrate"]);
    assert_eq!(cli_ok(&db, &["migrate"]), "the database is up to date");
    assert_eq!(
        cli_ok(
            &db,
            &[
                "number",
                "add",
                "--phone-number-id",
                "111",
                "--secret",
                SECRET_A
            ]
        ),
        SECRET_A
    );
    cli_ok(
        &db,
        &[
            "number",
            "add",
            "--phone-number-id",
            "222",
            "--secret",
            SECRET_B,
        ],
    );
    let token = cli_ok(&db, &["token", "create", "--name", "alice laptop"]);
    assert!(token.starts_with("wdr_") && token.len() > 40, "{token}");
    (db, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_checks_the_secret_stores_once_and_feeds_tokens() {
    let (db, token) = setup().await;
    let relay = Replica::start(&db);
    let c = client();
    let u = &relay.url;

    assert_eq!(
        post(&c, u, None, body("111", 1)).await.unwrap(),
        401,
        "no secret"
    );
    assert_eq!(
        post(&c, u, Some("wrong-secret-wrong-secret"), body("111", 1))
            .await
            .unwrap(),
        401
    );
    assert_eq!(
        post(&c, u, Some(SECRET_A), body("222", 1)).await.unwrap(),
        403,
        "another number's event"
    );
    assert_eq!(
        post(&c, u, Some(SECRET_A), body("111", 1)).await.unwrap(),
        200
    );
    assert_eq!(
        post(&c, u, Some(SECRET_A), body("111", 1)).await.unwrap(),
        200,
        "a retry is answered 200"
    );
    assert_eq!(
        post(&c, u, Some(SECRET_B), body("222", 7)).await.unwrap(),
        200
    );
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(5 * 1024 * 1024));
    assert_eq!(post(&c, u, Some(SECRET_A), big).await.unwrap(), 413);

    let pg = sql(&db).await;
    let rows = pg
        .query(
            "SELECT phone_number_id, duplicates, event_ids FROM events ORDER BY seq",
            &[],
        )
        .await
        .unwrap();
    let rows: Vec<(String, i32, String)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("111".into(), 1, "wamid.111.1".into()),
            ("222".into(), 0, "wamid.222.7".into())
        ]
    );

    // The feed: a token is required; pages by cursor.
    let r = c.get(format!("{u}/v1/events")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = c
        .get(format!("{u}/v1/events"))
        .bearer_auth("wdr_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let (status, page) = pull(&c, u, &token, 0).await;
    assert_eq!(status, 200);
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["body"].as_str().unwrap(), body("111", 1));
    assert_eq!(events[0]["phone_number_id"], "111");
    assert_eq!(events[1]["body"].as_str().unwrap(), body("222", 7));
    let first = events[0]["seq"].as_i64().unwrap();
    let (_, rest) = pull(&c, u, &token, first).await;
    assert_eq!(rest["events"].as_array().unwrap().len(), 1);
    let (_, none) = pull(&c, u, &token, page["next"].as_i64().unwrap()).await;
    assert_eq!(none["events"].as_array().unwrap().len(), 0);
    assert_eq!(none["next"], page["next"]);
    let me: serde_json::Value = c
        .get(format!("{u}/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "alice laptop");

    // Operations.
    let h = c.get(format!("{u}/healthz")).send().await.unwrap();
    assert_eq!(h.status().as_u16(), 200);
    let m = c
        .get(format!("{u}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "relay_events_received_total 3",
        "relay_events_stored_total 2",
        "relay_events_duplicate_total 1",
        "relay_number_events_total{phone_number_id=\"111\"} 2",
        "relay_number_events_total{phone_number_id=\"222\"} 1",
        "relay_subscriber_lag_events{token=\"alice laptop\"}",
    ] {
        assert!(m.contains(line), "metrics lack {line:?}:\n{m}");
    }

    // A desktop registers a number's secret through the feed's API (pointing it at the relay).
    let r = c
        .put(format!("{u}/v1/numbers/333"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"secret": "secret-for-number-333-cccc"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        post(&c, u, Some("secret-for-number-333-cccc"), body("333", 1))
            .await
            .unwrap(),
        200
    );

    // Revocation takes effect at once; the name can be used again.
    cli_ok(&db, &["token", "revoke", "--name", "alice laptop"]);
    let (status, _) = pull(&c, u, &token, 0).await;
    assert_eq!(status, 401);
    assert!(!cli(&db, &["token", "revoke", "--name", "alice laptop"]).0);
    let listed = cli_ok(&db, &["token", "list"]);
    assert!(listed.contains("revoked"), "{listed}");
    let again = cli_ok(&db, &["token", "create", "--name", "alice laptop"]);
    assert_eq!(pull(&c, u, &again, 0).await.0, 200);
    // Only the hash is stored.
    let stored: i64 = pg
        .query_one(
            "SELECT count(*) FROM tokens WHERE position($1::bytea in token_sha256) > 0",
            &[&again.as_bytes()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);
}

/// Reads SSE events (id, data) from a response until `n` have come or the time is up.
async fn read_events(resp: reqwest::Response, n: usize) -> Vec<(i64, serde_json::Value)> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut stream = resp.bytes_stream();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while out.len() < n {
        let chunk = match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(c))) => c,
            _ => break,
        };
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse::<i64>().ok();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data = serde_json::from_str(v.trim()).ok();
                }
            }
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_subscriber_that_disconnects_catches_up() {
    let (db, token) = setup().await;
    let mut relay = Replica::start(&db);
    let c = client();
    let u = relay.url.clone();
    let stream_client = reqwest::Client::new();
    let live = stream_client
        .get(format!("{u}/v1/stream"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(live.status().as_u16(), 200);
    assert!(live.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let reader = tokio::spawn(read_events(live, 3));
    for i in 0..3 {
        assert_eq!(
            post(&c, &u, Some(SECRET_A), body("111", i)).await.unwrap(),
            200
        );
    }
    let got = reader.await.unwrap();
    assert_eq!(got.len(), 3, "three events arrive live");
    for (i, (_, e)) in got.iter().enumerate() {
        assert_eq!(e["body"].as_str().unwrap(), body("111", i));
    }
    let last = got[2].0;
    // Disconnected (the reader dropped the stream); events arrive meanwhile.
    for i in 3..203 {
        assert_eq!(
            post(&c, &u, Some(SECRET_B), body("222", i)).await.unwrap(),
            200
        );
    }
    // Reconnecting with the last id it saw resumes right after it...
    let resumed = stream_client
        .get(format!("{u}/v1/stream"))
        .bearer_auth(&token)
        .header("Last-Event-ID", last.to_string())
        .send()
        .await
        .unwrap();
    let got = read_events(resumed, 200).await;
    assert_eq!(got.len(), 200);
    let bodies: Vec<String> = got
        .iter()
        .map(|(_, e)| e["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(bodies, (3..203).map(|i| body("222", i)).collect::<Vec<_>>());
    assert!(got.windows(2).all(|w| w[0].0 < w[1].0) && got[0].0 > last);
    // ...and so does pulling by cursor.
    let (_, page) = pull(&c, &u, &token, last).await;
    assert_eq!(page["events"].as_array().unwrap().len(), 200);

    // A stream open when its token is revoked ends within the recheck (5 s), with no more
    // events after the revocation.
    let open = stream_client
        .get(format!("{u}/v1/stream?after=1000000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status().as_u16(), 200);
    cli_ok(&db, &["token", "revoke", "--name", "alice laptop"]);
    let revoked_at = std::time::Instant::now();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(15), open.bytes()).await;
    assert!(ended.is_ok(), "the revoked token's open stream ended");
    assert!(revoked_at.elapsed() < std::time::Duration::from_secs(12));

    // A revoked token's stream is refused.
    let r = stream_client
        .get(format!("{u}/v1/stream"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // Graceful shutdown ends open streams and exits cleanly.
    let token2 = cli_ok(&db, &["token", "create", "--name", "bob"]);
    let open = stream_client
        .get(format!("{u}/v1/stream?after=1000000"))
        .bearer_auth(&token2)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status().as_u16(), 200);
    assert!(
        relay.terminate(),
        "the relay exits 0 on SIGTERM with a stream open"
    );
    drop(open);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_one_killed_under_load_store_every_acknowledged_event_once() {
    const EVENTS: usize = 3000;
    const WORKERS: usize = 32;
    let (db, token) = setup().await;
    let mut a = Replica::start(&db);
    let b = Replica::start(&db);
    let urls = Arc::new([a.url.clone(), b.url.clone()]);
    let acked = Arc::new(Mutex::new(Vec::<usize>::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let c = client();
    let mut tasks = Vec::new();
    for _ in 0..WORKERS {
        let (urls, acked, next, c) = (urls.clone(), acked.clone(), next.clone(), c.clone());
        let failed = failed.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= EVENTS {
                    return;
                }
                // As 360dialog does: retry until acknowledged, here on the other replica.
                let mut ok = false;
                for attempt in 0..50 {
                    let url = &urls[(i + attempt) % 2];
                    if let Ok(200) = post(&c, url, Some(SECRET_A), body("111", i)).await {
                        ok = true;
                        break;
                    }
                    failed.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                assert!(ok, "event {i} was never acknowledged");
                acked.lock().unwrap().push(i);
            }
        }));
    }
    // Kill one replica mid-load.
    for _ in 0..600 {
        if acked.lock().unwrap().len() >= EVENTS / 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.kill9();
    let at_kill = acked.lock().unwrap().len();
    assert!(at_kill < EVENTS, "the kill came under load");
    for t in tasks {
        t.await.unwrap();
    }
    let acked: HashSet<usize> = acked.lock().unwrap().iter().copied().collect();
    assert_eq!(acked.len(), EVENTS);
    assert!(
        failed.load(Ordering::Relaxed) > 0,
        "requests to the killed replica failed and were retried on the other"
    );

    // Every acknowledged event is stored exactly once.
    let pg = sql(&db).await;
    let rows = pg
        .query("SELECT event_ids, body FROM events ORDER BY seq", &[])
        .await
        .unwrap();
    let mut seen = HashSet::new();
    for r in &rows {
        let ids: String = r.get(0);
        let body: Vec<u8> = r.get(1);
        let i: usize = ids.rsplit('.').next().unwrap().parse().unwrap();
        assert_eq!(body, common::body("111", i).into_bytes());
        assert!(seen.insert(i), "event {i} stored twice");
    }
    assert_eq!(seen, acked, "stored = acknowledged");

    // The surviving replica's feed gives each one once, in order, without gaps in what it shows.
    let mut after = 0;
    let mut fed = Vec::new();
    for _ in 0..100 {
        let (status, page) = pull(&c, &b.url, &token, after).await;
        assert_eq!(status, 200);
        let events = page["events"].as_array().unwrap().clone();
        if events.is_empty() {
            break;
        }
        for e in &events {
            let seq = e["seq"].as_i64().unwrap();
            assert!(seq > after);
            after = seq;
            fed.push(e["body"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(fed.len(), EVENTS);
    assert_eq!(fed.iter().collect::<HashSet<_>>().len(), EVENTS);
    // A replica started again serves the same data.
    let a2 = Replica::start(&db);
    let (_, page) = pull(&c, &a2.url, &token, 0).await;
    assert_eq!(page["events"].as_array().unwrap().len(), EVENTS);
}
