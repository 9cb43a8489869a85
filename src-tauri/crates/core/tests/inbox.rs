//! The inbox end to end: the simulator delivers webhooks to the receiver, which persists them
//! and feeds history; out-of-order and duplicated deliveries; malformed, unknown and oversized
//! bodies; the shared secret; import of captured payloads.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wabadesk_core::api::Outgoing;
use wabadesk_core::audit::Actor;
use wabadesk_core::events::{Change, RecordingSink, Topic};
use wabadesk_core::inbox::{self, InboxFilter};
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::webhook::{WebhookInput, SECRET_HEADER};
use wabadesk_core::Core;

async fn wait_status(core: &Core, wamid: &str, status: &str) {
    for _ in 0..300 {
        if core
            .message_by_wamid(wamid)
            .unwrap()
            .is_some_and(|m| m.status == status)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{wamid} never reached {status}: {:?}",
        core.message_by_wamid(wamid).unwrap()
    );
}

fn status_event(pnid: &str, wamid: &str, status: &str, ts: u64) -> Value {
    // An unknown phone-number id comes with an unknown display number too.
    let display = if pnid == "999" {
        "19990000000"
    } else {
        "15550000100"
    };
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": display, "phone_number_id": pnid},
        "statuses": [{"id": wamid, "status": status, "timestamp": ts.to_string(), "recipient_id": "4915123456789"}]}}]}]})
}

async fn post(url: &str, body: &str, secret: Option<&str>) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(s) = secret {
        req = req.header(SECRET_HEADER, s);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulator_webhooks_reach_history_through_the_inbox() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000100", &sim, 0).await;
    let pnid = sim.numbers[0].phone_number_id.clone();

    let inbox = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    reqwest::Client::new()
        .post(format!("{}/v1/configs/webhook", sim.base_url))
        .header("D360-API-KEY", &sim.numbers[0].api_key)
        .json(&json!({"url": inbox.url()}))
        .send()
        .await
        .unwrap();

    // A customer writes: the message lands in history and opens the window.
    let inbound: Value = reqwest::Client::new()
        .post(format!("{}/_sim/numbers/{pnid}/inbound", sim.base_url))
        .json(&json!({"from": "4915123456789", "name": "Ana", "text": "Where is my order?"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let in_id = inbound["id"].as_str().unwrap();
    for _ in 0..300 {
        if core.message_by_wamid(in_id).unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let m = core
        .message_by_wamid(in_id)
        .unwrap()
        .expect("incoming message in history");
    assert_eq!(
        (m.direction.as_str(), m.body.as_deref(), m.number_id),
        ("in", Some("Where is my order?"), Some(id))
    );

    // The app replies: sent -> delivered -> read arrive through the inbox.
    let sent = core
        .send_message(
            id,
            &Outgoing::Text {
                to: "+4915123456789".into(),
                body: "On its way".into(),
                preview_url: false,
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    let wamid = sent.wamid().unwrap().to_string();
    wait_status(&core, &wamid, "read").await;
    let m = core.message_by_wamid(&wamid).unwrap().unwrap();
    assert!(m.sent_at.is_some() && m.delivered_at.is_some() && m.read_at.is_some());
    assert_eq!(m.body.as_deref(), Some("On its way"));

    // The conversation with the contact, and the window the incoming message opened.
    let conv = core.conversation(Some(id), "+4915123456789").unwrap();
    let dirs: Vec<&str> = conv.messages.iter().map(|m| m.direction.as_str()).collect();
    assert_eq!(dirs, ["in", "out"]);
    assert!(conv.window.open && conv.window.open_until.is_some());
    assert!(core
        .conversation(Some(id), "+4915100009999")
        .unwrap()
        .messages
        .is_empty());

    // "Resend as test": the same request again, recorded as a new message.
    let again = core.resend(&wamid, Actor::Ui).await.unwrap();
    let again_id = again.wamid().unwrap();
    assert_ne!(again_id, wamid);
    assert_eq!(
        core.message_by_wamid(again_id)
            .unwrap()
            .unwrap()
            .body
            .as_deref(),
        Some("On its way")
    );
    assert!(
        core.resend(in_id, Actor::Ui).await.is_err(),
        "received messages cannot be resent"
    );

    // Out of order and duplicated, as Meta may deliver them.
    let url = inbox.url();
    for (s, ts) in [
        ("read", 3),
        ("sent", 1),
        ("read", 3),
        ("delivered", 2),
        ("sent", 1),
    ] {
        assert_eq!(
            post(
                &url,
                &status_event(&pnid, "wamid.OOO", s, ts).to_string(),
                None
            )
            .await,
            200
        );
    }
    wait_status(&core, "wamid.OOO", "read").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        core.message_by_wamid("wamid.OOO").unwrap().unwrap().status,
        "read"
    );
    let dups: i64 = core
        .list_inbox(&InboxFilter::default())
        .unwrap()
        .iter()
        .map(|e| e.duplicates)
        .sum();
    assert_eq!(dups, 2, "two retried bodies counted, not stored");

    // Kept raw and flagged, never a crash.
    assert_eq!(post(&url, "{not json", None).await, 200);
    assert_eq!(
        post(
            &url,
            &status_event("999", "wamid.UNK", "sent", 1).to_string(),
            None
        )
        .await,
        200
    );
    assert_eq!(
        post(&url, r#"{"object":"something_else"}"#, None).await,
        200
    );
    assert_eq!(
        post(&url, &"x".repeat(inbox::MAX_BODY + 1), None).await,
        413
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let states: Vec<String> = core
        .list_inbox(&InboxFilter {
            limit: Some(3),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.state)
        .collect();
    assert_eq!(states, ["unsupported", "unknown_number", "malformed"]);
    assert_eq!(
        core.message_by_wamid("wamid.UNK")
            .unwrap()
            .unwrap()
            .number_id,
        None
    );

    // Replay is idempotent.
    let first = core
        .list_inbox(&InboxFilter::default())
        .unwrap()
        .last()
        .unwrap()
        .id;
    let replayed = core.replay_event(first).unwrap();
    assert!(replayed.body.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_secret_is_required() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let core = Arc::new(common::open(dir.path(), store.clone(), &sim));
    let id = common::add_with_key(&core, "+15550000100", &sim, 0).await;
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
    let secret = core.webhook_secrets().unwrap().pop().unwrap().1;

    let inbox = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let body = status_event(&sim.numbers[0].phone_number_id, "wamid.S", "sent", 1).to_string();
    assert_eq!(post(&inbox.url(), &body, None).await, 401);
    assert_eq!(post(&inbox.url(), &body, Some("wrong")).await, 401);
    assert_eq!(post(&inbox.url(), &body, Some(secret.expose())).await, 200);
    assert!(
        core.list_inbox(&InboxFilter::default()).unwrap().len() == 1,
        "rejected bodies are not stored"
    );
}

#[test]
fn import_json_lines_and_arrays() {
    let core = Core::in_memory();
    let ev = |w: &str, s: &str| status_event("1", w, s, 1).to_string();
    let lines = format!(
        "{}\n\n{}\n{}\n",
        ev("wamid.I1", "sent"),
        ev("wamid.I1", "read"),
        ev("wamid.I1", "sent")
    );
    let r = core.import_events(&lines).unwrap();
    assert_eq!((r.total, r.new, r.duplicates), (3, 2, 1));
    assert_eq!(
        core.message_by_wamid("wamid.I1").unwrap().unwrap().status,
        "read"
    );
    let arr = format!(
        "[{}, {}]",
        ev("wamid.I2", "delivered"),
        ev("wamid.I2", "failed")
    );
    let r = core.import_events(&arr).unwrap();
    assert_eq!(r.new, 2);
    assert_eq!(
        core.message_by_wamid("wamid.I2").unwrap().unwrap().status,
        "failed"
    );
    assert!(core.import_events("[not json").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cores_receiver_follows_webhook_secret_changes_by_itself() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000100", &sim, 0).await;
    let sink = Arc::new(RecordingSink::new());
    core.set_event_sink(sink.clone());
    assert!(!core.receiver_status().running);
    let started = core
        .start_receiver(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = started.url.clone().unwrap();
    assert!(started.running);
    assert_eq!(core.receiver_status().url, started.url, "one receiver");
    let again = core
        .start_receiver(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    assert_eq!(again.url, started.url, "starting twice keeps the first");
    assert_eq!(sink.take(), [change(Topic::Inbox, None)], "started once");

    let body = status_event(&sim.numbers[0].phone_number_id, "wamid.R", "sent", 1).to_string();
    assert_eq!(post(&url, &body, None).await, 200, "no secret yet");
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
    let secret = core.webhook_secrets().unwrap().pop().unwrap().1;
    let topics = sink.topics();
    assert!(
        topics.contains(&Topic::Webhook) && topics.contains(&Topic::Audit),
        "{topics:?}"
    );
    assert_eq!(
        post(&url, &body, None).await,
        401,
        "the new secret is checked"
    );
    assert_eq!(post(&url, &body, Some(secret.expose())).await, 200);

    core.remove_number(id, Actor::Ui).unwrap();
    assert_eq!(
        post(&url, &body, Some(secret.expose())).await,
        200,
        "the removed number's secret is no longer required"
    );
    assert_eq!(post(&url, &body, None).await, 200);

    let stopped = core.stop_receiver();
    assert!(!stopped.running && stopped.url.is_none());
    let changes = sink.take();
    assert!(changes.contains(&change(Topic::Numbers, Some(id))));
    assert_eq!(changes.last(), Some(&change(Topic::Inbox, None)), "stopped");
}

fn change(topic: Topic, number_id: Option<i64>) -> Change {
    Change { topic, number_id }
}

/// "Send test event" to the app's own inbox: the events are kept and marked as tests, and
/// nothing of them reaches history, the 24-hour window or the recent recipients.
#[tokio::test]
async fn test_events_are_kept_as_tests_and_never_reach_history() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000100", &sim, 0).await;
    let inbox = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();

    for kind in [
        wabadesk_core::webhook::TestEventKind::Message,
        wabadesk_core::webhook::TestEventKind::Status,
    ] {
        let r = core
            .test_number_endpoint(id, &inbox.url(), kind)
            .await
            .unwrap();
        assert!(r.ok, "{r:?}");
        // The second of the same kind would be a duplicate body: a second later it is not.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let mut events = Vec::new();
    for _ in 0..200 {
        events = core.list_inbox(&InboxFilter::default()).unwrap();
        if events.len() == 2 && events.iter().all(|e| e.state != "pending") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(events.len(), 2, "{events:?}");
    for e in &events {
        assert_eq!(e.state, "applied", "{e:?}");
        assert!(
            e.kinds.split(',').any(|k| k == inbox::TEST_EVENT_KIND),
            "{e:?}"
        );
        assert_eq!(e.number_id, Some(id), "routed to its number");
        assert!(e.note.contains("not applied to history"), "{}", e.note);
    }
    let kinds: Vec<&str> = events.iter().map(|e| e.kinds.as_str()).collect();
    assert!(
        kinds.contains(&"message,test") && kinds.contains(&"status,test"),
        "{kinds:?}"
    );
    // The inbox's kind filter finds them.
    let tests = core
        .list_inbox(&InboxFilter {
            kind: Some(inbox::TEST_EVENT_KIND.into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(tests.len(), 2);

    assert!(core.list_messages(&Default::default()).unwrap().is_empty());
    let conv = core.conversation(Some(id), "+15550001234").unwrap();
    assert!(conv.messages.is_empty());
    assert!(!conv.window.open);
    assert!(core.recent_recipients(id).unwrap().is_empty());

    // Replaying a test event keeps it a test.
    let again = core.replay_event(events[0].id).unwrap();
    assert!(again.kinds.ends_with(",test"), "{again:?}");
    assert!(core.list_messages(&Default::default()).unwrap().is_empty());
    inbox.stop();
}
