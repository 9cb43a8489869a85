//! The relay under the inbox's attacks, on loopback, every loop bounded: a client sending half
//! a header is cut after the header timeout, oversized and unauthenticated bodies are refused
//! without being stored, many concurrent bodies (with slow clients holding connections) are
//! all stored once; and a retry serialised differently, with the same message and status ids,
//! is stored once — also in a database stored before that rule (migration 0002).

mod common;

use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wabadesk_relay::server::{BODY_TIMEOUT, HEADER_TIMEOUT};

const SECRET: &str = "secret-for-number-111-aaaa";

async fn setup() -> (String, String, Replica) {
    let db = fresh_db().await;
    cli_ok(
        &db,
        &[
            "number",
            "add",
            "--phone-number-id",
            "111",
            "--secret",
            SECRET,
        ],
    );
    let token = cli_ok(&db, &["token", "create", "--name", "desk"]);
    let relay = Replica::start(&db);
    (db, token, relay)
}

fn host(url: &str) -> String {
    url.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection (or `limit` passes); returns what came and
/// how long it took.
async fn until_closed(s: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while started.elapsed() < limit {
        match tokio::time::timeout(Duration::from_millis(200), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

async fn stored(db: &str) -> i64 {
    sql(db)
        .await
        .query_one("SELECT count(*) FROM events", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_big_unauthenticated_and_many_clients_are_held_off() {
    let (db, _token, relay) = setup().await;
    let c = client();

    // Half a header, then nothing: cut after the header timeout, with no answer needed.
    let mut slow = TcpStream::connect(host(&relay.url)).await.unwrap();
    slow.write_all(b"POST /webhook HTTP/1.1\r\nHost: relay\r\nX-Wabadesk-Sec")
        .await
        .unwrap();
    // Meanwhile others are served.
    assert_eq!(
        post(&c, &relay.url, Some(SECRET), body("111", 1))
            .await
            .unwrap(),
        200
    );
    let (_, took) = until_closed(&mut slow, HEADER_TIMEOUT + Duration::from_secs(10)).await;
    assert!(
        took >= HEADER_TIMEOUT - Duration::from_millis(500)
            && took < HEADER_TIMEOUT + Duration::from_secs(5),
        "a half header was cut after {took:?} (timeout {HEADER_TIMEOUT:?})"
    );

    // A header trickled a byte at a time is cut too, however steadily it trickles.
    let mut trickle = TcpStream::connect(host(&relay.url)).await.unwrap();
    let started = Instant::now();
    let header = b"POST /webhook HTTP/1.1\r\nHost: relay\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut cut = false;
    for b in header.iter() {
        if trickle.write_all(&[*b]).await.is_err() {
            cut = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if started.elapsed() > HEADER_TIMEOUT + Duration::from_secs(5) {
            break;
        }
    }
    if !cut {
        let (_, _) = until_closed(&mut trickle, Duration::from_secs(2)).await;
        cut = trickle.write_all(b"x").await.is_err()
            || until_closed(&mut trickle, Duration::from_millis(300))
                .await
                .1
                < Duration::from_millis(300);
    }
    assert!(cut, "a trickled header was not cut");
    assert!(started.elapsed() < HEADER_TIMEOUT + Duration::from_secs(6));

    // A body sent too slowly: 408 after the body timeout, nothing stored.
    let mut slow_body = TcpStream::connect(host(&relay.url)).await.unwrap();
    slow_body
        .write_all(
            format!(
                "POST /webhook HTTP/1.1\r\nHost: relay\r\nX-Wabadesk-Secret: {SECRET}\r\nContent-Length: 1000\r\n\r\n{{\"entry\":"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let (answer, took) = until_closed(&mut slow_body, BODY_TIMEOUT + Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(took < BODY_TIMEOUT + Duration::from_secs(5), "{took:?}");

    // Oversized (under twice the limit): read on and dropped, then 413, so the sender gets
    // the answer rather than a reset while it is still writing.
    let r = c
        .post(format!("{}/webhook", relay.url))
        .header("X-Wabadesk-Secret", SECRET)
        .body(vec![b' '; 5 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);

    // No secret, a wrong one, a near miss: 401, never stored. (A refused body is not read, so
    // the relay closes that connection after answering: each attempt on a new one.)
    let near = format!("{}b", &SECRET[..SECRET.len() - 1]);
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    for secret in [None, Some("wrong-secret-wrong-secret"), Some(near.as_str())] {
        for i in 0..50 {
            assert_eq!(
                post(&fresh, &relay.url, secret, body("111", 100 + i))
                    .await
                    .unwrap(),
                401
            );
        }
    }
    assert_eq!(stored(&db).await, 1);

    // Many at once: 100 slow clients hold connections while 400 bodies come concurrently;
    // every body is answered 200 and stored once.
    let mut holders = Vec::new();
    for _ in 0..100 {
        let mut s = TcpStream::connect(host(&relay.url)).await.unwrap();
        s.write_all(b"POST /webhook HTTP/1.1\r\nHost: relay\r\n")
            .await
            .unwrap();
        holders.push(s);
    }
    let mut tasks = Vec::new();
    for i in 0..400 {
        let (c, url) = (c.clone(), relay.url.clone());
        tasks.push(tokio::spawn(async move {
            post(&c, &url, Some(SECRET), body("111", 1000 + i))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(stored(&db).await, 401);
    drop(holders);
    // The relay is still well.
    let r = c
        .get(format!("{}/healthz", relay.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// A status webhook for `wamid`, written out indented when `reordered`.
fn status_body(wamid: &str, status: &str, reordered: bool) -> String {
    let v = serde_json::json!({"object":"whatsapp_business_account","entry":[{"id":"WABA","changes":[{"field":"messages","value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"111"},
        "statuses":[{"id": wamid,"status": status,"timestamp":"1733000000","recipient_id":"4915112345678"}]}}]}]});
    if reordered {
        // Indented, as another serialiser may send it.
        serde_json::to_string_pretty(&v).unwrap()
    } else {
        v.to_string()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_serialised_differently_is_stored_and_applied_once() {
    let (db, token, relay) = setup().await;
    let c = client();
    let first = status_body("wamid.R1", "delivered", false);
    let retry = status_body("wamid.R1", "delivered", true);
    assert_ne!(first, retry);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&first).unwrap(),
        serde_json::from_str::<serde_json::Value>(&retry).unwrap()
    );
    for b in [first.clone(), retry.clone(), retry.clone()] {
        assert_eq!(post(&c, &relay.url, Some(SECRET), b).await.unwrap(), 200);
    }
    // Another status of the same message is another event.
    assert_eq!(
        post(
            &c,
            &relay.url,
            Some(SECRET),
            status_body("wamid.R1", "read", true)
        )
        .await
        .unwrap(),
        200
    );
    let rows: Vec<(String, i32)> = sql(&db)
        .await
        .query("SELECT event_ids, duplicates FROM events ORDER BY seq", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("wamid.R1:delivered".to_string(), 2),
            ("wamid.R1:read".to_string(), 0)
        ]
    );
    let (_, page) = pull(&c, &relay.url, &token, 0).await;
    assert_eq!(page["events"].as_array().unwrap().len(), 2);
    let metrics = c
        .get(format!("{}/metrics", relay.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("relay_events_duplicate_total 2"),
        "{metrics}"
    );

    // A desktop given both serialisations (its own receiver, say) applies the status once.
    let dir = tempfile::tempdir().unwrap();
    let core = wabadesk_core::Core::open(
        dir.path(),
        std::sync::Arc::new(wabadesk_core::secrets::MemoryStore::new()),
    )
    .unwrap();
    core.persist_events(&[first.into(), retry.into()], "receiver")
        .unwrap();
    core.process_pending().unwrap();
    let inbox = core.list_inbox(&Default::default()).unwrap();
    assert_eq!(inbox.len(), 2, "the desktop keeps both bodies as received");
    assert!(inbox
        .iter()
        .all(|e| e.source == wabadesk_core::inbox::InboxSource::Receiver));
    let msgs = core.list_messages(&Default::default()).unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].status, "delivered");
    let detail = core.message_detail("wamid.R1").unwrap();
    assert_eq!(detail.events.len(), 1, "{:?}", detail.events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_stored_before_the_event_id_rule_keep_working() {
    // A database at migration 1, with a retry that was stored twice then (re-serialised).
    let db = fresh_db().await;
    let pg = sql(&db).await;
    pg.batch_execute(
        "CREATE TABLE relay_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await
    .unwrap();
    pg.batch_execute(include_str!("../migrations/0001_events_numbers_tokens.sql"))
        .await
        .unwrap();
    pg.batch_execute("INSERT INTO relay_migrations (version) VALUES (1)")
        .await
        .unwrap();
    let first = status_body("wamid.OLD", "sent", false);
    let twice = status_body("wamid.OLD", "sent", true);
    for (seq, b) in [(1i64, &first), (2, &twice)] {
        pg.execute(
            "INSERT INTO events (seq, body_sha256, phone_number_id, event_ids, body) VALUES ($1, sha256($2), '111', 'wamid.OLD:sent', $2)",
            &[&seq, &b.as_bytes()],
        )
        .await
        .unwrap();
    }
    pg.execute("UPDATE feed_counter SET last_seq = 2", &[])
        .await
        .unwrap();
    assert_eq!(
        cli_ok(&db, &["migrate"]),
        "applied migrations [2]",
        "the rule is added over the old rows"
    );
    // The first copy has the key the relay computes now: a third serialisation is a retry.
    let key: Vec<u8> = pg
        .query_one("SELECT dedupe_key FROM events WHERE seq = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        key,
        wabadesk_relay::db::dedupe_key(b"", &["wamid.OLD:sent".to_string()])
    );
    cli_ok(
        &db,
        &[
            "number",
            "add",
            "--phone-number-id",
            "111",
            "--secret",
            SECRET,
        ],
    );
    let relay = Replica::start(&db);
    let compact = first.replace(',', ", ");
    assert_eq!(
        post(&client(), &relay.url, Some(SECRET), compact)
            .await
            .unwrap(),
        200
    );
    assert_eq!(stored(&db).await, 2, "no third copy");
}
