//! The receiver under attack: who may post (shared secrets, per number, picked up while it
//! runs), slow and stalled clients, refused requests that must not slow the answers, invalid
//! UTF-8 bodies kept as received, bounded notes.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wabadesk_core::audit::Actor;
use wabadesk_core::inbox::{self, InboxFilter};
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::webhook::{WebhookInput, SECRET_HEADER};
use wabadesk_core::Core;

const LOCAL: ([u8; 4], u16) = ([127, 0, 0, 1], 0);

fn event(pnid: &str, wamid: &str) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "19990000000", "phone_number_id": pnid},
        "statuses": [{"id": wamid, "status": "sent", "timestamp": "1", "recipient_id": "4915123456789"}]}}]}]})
    .to_string()
}

async fn post(url: &str, body: impl Into<reqwest::Body>, secret: Option<&str>) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .timeout(Duration::from_secs(10))
        .body(body);
    if let Some(s) = secret {
        req = req.header(SECRET_HEADER, s);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn with_secret(core: &Core, id: i64) -> String {
    core.set_webhook(
        id,
        WebhookInput {
            url: "https://hooks.example.com/wa".into(),
            headers: Default::default(),
            secret: true,
        },
        Actor::Ui,
    )
    .await
    .unwrap();
    core.webhook_secrets()
        .unwrap()
        .into_iter()
        .find(|(n, _)| *n == id)
        .unwrap()
        .1
        .expose()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_loopback_the_receiver_needs_a_secret() {
    let core = Arc::new(Core::in_memory());
    let err = inbox::serve(core, SocketAddr::from(([0, 0, 0, 0], 0)))
        .await
        .err()
        .expect("refused without a secret");
    assert!(err.to_string().contains("shared secret"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_numbers_secret_is_good_for_its_own_events_only() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let a = common::add_with_key(&core, "+4915100000011", &sim, 0).await;
    let b = common::add_with_key(&core, "+4915100000012", &sim, 1).await;
    let (sa, sb) = (with_secret(&core, a).await, with_secret(&core, b).await);
    assert_ne!(sa, sb);
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let for_b = event(&sim.numbers[1].phone_number_id, "wamid.B");
    assert_eq!(
        post(&inbox.url(), for_b.clone(), Some(&sa)).await,
        401,
        "a's secret, b's event"
    );
    assert_eq!(post(&inbox.url(), for_b, Some(&sb)).await, 200);
    let for_a = event(&sim.numbers[0].phone_number_id, "wamid.A");
    assert_eq!(post(&inbox.url(), for_a, Some(&sa)).await, 200);
    assert_eq!(core.list_inbox(&InboxFilter::default()).unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_set_by_another_process_is_checked_without_a_restart() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    // One keyring, one database file, two processes: the receiver and the app.
    let keyring = Arc::new(MemoryStore::new());
    let receiving = Arc::new(common::open(dir.path(), keyring.clone(), &sim));
    let app = common::open(dir.path(), keyring, &sim);
    let id = common::add_with_key(&app, "+4915100000011", &sim, 0).await;
    let inbox = inbox::serve(receiving.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    assert!(inbox.unauthenticated());
    let body = event(&sim.numbers[0].phone_number_id, "wamid.LATER");
    assert_eq!(
        post(&inbox.url(), body.clone(), None).await,
        200,
        "no secret yet"
    );
    let secret = with_secret(&app, id).await;
    let t0 = Instant::now();
    let mut refused = false;
    for _ in 0..80 {
        if post(&inbox.url(), body.clone(), None).await == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refused, "the new secret is checked");
    assert!(t0.elapsed() < Duration::from_secs(7), "{:?}", t0.elapsed());
    assert!(!inbox.unauthenticated());
    assert_eq!(post(&inbox.url(), body, Some(&secret)).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_tells_when_the_receiver_runs_without_a_secret() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+4915100000011", &sim, 0).await;
    let started = core.start_receiver(SocketAddr::from(LOCAL)).await.unwrap();
    assert!(started.running && started.unauthenticated);
    // A public URL set while the receiver runs gets a secret, asked or not.
    let view = core
        .set_webhook(
            id,
            WebhookInput {
                url: "https://tunnel.example.com/webhook".into(),
                headers: Default::default(),
                secret: false,
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    assert!(view.has_secret);
    assert!(!core.receiver_status().unauthenticated);
    core.stop_receiver();
}

/// Opens `n` connections that send half a request line and then nothing.
async fn slow_clients(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST /webhook HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        out.push(s);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_honest_requests_answered() {
    let core = Arc::new(Core::in_memory());
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let mut slow = slow_clients(inbox.addr, 300).await;
    let t0 = Instant::now();
    assert_eq!(
        post(&inbox.url(), event("1", "wamid.HONEST"), None).await,
        200
    );
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    // The server closes every one of them after the header timeout.
    let deadline = inbox::HEADER_TIMEOUT + Duration::from_secs(3);
    for s in &mut slow {
        let mut buf = [0u8; 512];
        let left = deadline
            .saturating_sub(t0.elapsed())
            .max(Duration::from_millis(10));
        let r = tokio::time::timeout(left, s.read(&mut buf)).await;
        assert!(
            r.is_ok(),
            "a slow client was still connected after {:?}",
            t0.elapsed()
        );
    }
}

/// Sends a request's headers declaring `len` bytes of body, and no body; returns the status
/// line the server answers with (within `wait`), if any.
async fn headers_only(
    addr: SocketAddr,
    len: usize,
    secret: Option<&str>,
    wait: Duration,
) -> Option<String> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let auth = secret
        .map(|v| format!("{SECRET_HEADER}: {v}\r\n"))
        .unwrap_or_default();
    let head = format!("POST /webhook HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {len}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 256];
    match tokio::time::timeout(wait, s.read(&mut buf)).await {
        Ok(Ok(n)) if n > 0 => Some(
            String::from_utf8_lossy(&buf[..n])
                .lines()
                .next()
                .unwrap_or("")
                .to_string(),
        ),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_the_secret_is_refused_before_its_body_is_read() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+4915100000011", &sim, 0).await;
    with_secret(&core, id).await;
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let answer = headers_only(inbox.addr, 3_000_000, None, Duration::from_secs(2)).await;
    assert!(
        answer.as_deref().is_some_and(|l| l.contains("401")),
        "{answer:?}"
    );
    let answer = headers_only(inbox.addr, 3_000_000, Some("wrong"), Duration::from_secs(2)).await;
    assert!(
        answer.as_deref().is_some_and(|l| l.contains("401")),
        "{answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_times_out() {
    let core = Arc::new(Core::in_memory());
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let wait = inbox::BODY_TIMEOUT + Duration::from_secs(3);
    let answer = headers_only(inbox.addr, 1000, None, wait).await;
    assert!(
        answer.as_deref().is_some_and(|l| l.contains("408")),
        "{answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_are_answered_while_another_process_holds_the_write_lock() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+4915100000011", &sim, 0).await;
    with_secret(&core, id).await;
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let other = rusqlite::Connection::open(dir.path().join("wabadesk.sqlite3")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let t0 = Instant::now();
    for i in 0..3 {
        assert_eq!(
            post(&inbox.url(), event("1", &format!("wamid.X{i}")), None).await,
            401
        );
    }
    assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    other.execute_batch("COMMIT").unwrap();
    // Recorded once the lock is free.
    for _ in 0..100 {
        if core.list_rejections(10).unwrap().len() == 3 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the rejections were not recorded: {:?}",
        core.list_rejections(10).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejections_are_pruned_to_the_newest() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+4915100000011", &sim, 0).await;
    with_secret(&core, id).await;
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let client = reqwest::Client::new();
    for _ in 0..(inbox::REJECTIONS_KEPT + 100) {
        let r = client.post(inbox.url()).body("{}").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kept = core.list_rejections(5000).unwrap().len() as i64;
    assert!(kept > 0 && kept <= inbox::REJECTIONS_KEPT, "{kept}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_utf8_body_is_stored_as_received() {
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
    let inbox = inbox::serve(core.clone(), SocketAddr::from(LOCAL))
        .await
        .unwrap();
    let sent: Vec<u8> = b"{\"object\": \"\xff\xfe\xc3\x28\"}".to_vec();
    assert_eq!(post(&inbox.url(), sent.clone(), None).await, 200);
    let c = rusqlite::Connection::open(dir.path().join("wabadesk.sqlite3")).unwrap();
    let (hash, stored): (String, Vec<u8>) = c
        .query_row(
            // The hash waits beside the body until the applier checks it for an earlier copy.
            "SELECT coalesce(pending_sha256, body_sha256), coalesce(body_raw, CAST(body AS BLOB)) FROM inbox_events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, sent, "the bytes as received");
    let digest: String = Sha256::digest(&stored)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, hash, "the stored hash is the stored body's");
    let ev = &core.list_inbox(&InboxFilter::default()).unwrap()[0];
    assert_eq!(ev.bytes, sent.len() as i64);
}

#[test]
fn notes_are_bounded() {
    let core = Core::in_memory();
    // 20,000 errors in one event: each becomes a problem in the note.
    let errors: Vec<Value> = (0..20_000)
        .map(|i| json!({"code": 131_000 + i, "title": "x".repeat(100)}))
        .collect();
    let ev = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "1", "phone_number_id": "1"},
        "errors": errors}}]}]});
    core.import_events(&ev.to_string()).unwrap();
    let stored = &core.list_inbox(&InboxFilter::default()).unwrap()[0];
    assert!(
        stored.note.len() < 16 * 1024,
        "{} bytes of note",
        stored.note.len()
    );
    assert!(
        stored.note.ends_with("and 19980 more"),
        "{}",
        &stored.note[stored.note.len() - 40..]
    );
}

#[test]
fn one_applying_transaction_reads_a_bounded_amount_of_bodies() {
    let core = Core::in_memory();
    // Three 400 KB bodies: each is applied in a transaction of its own, so the receiver's
    // writes get the connection between them.
    let bodies: Vec<axum::body::Bytes> = (0..3)
        .map(|i| {
            let pad = "x".repeat(400 * 1024);
            axum::body::Bytes::from(format!(r#"{{"object": "o{i}", "pad": "{pad}"}}"#))
        })
        .collect();
    core.persist_events(&bodies, "import").unwrap();
    assert_eq!(core.process_batch(200).unwrap(), 1);
    assert_eq!(core.process_batch(200).unwrap(), 1);
    assert_eq!(core.process_batch(200).unwrap(), 1);
    assert_eq!(core.process_batch(200).unwrap(), 0);
}
