//! A send is never lost or doubled: every attempt is in history before it goes out, an
//! attempt whose answer was lost is found again by its statuses (through
//! `biz_opaque_callback_data`), a refused send is recorded as not sent, and retries after a
//! capacity limit are reported as they happen.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use wabadesk_core::api::{ProgressFn, Retrying};
use wabadesk_core::audit::Actor;
use wabadesk_core::history::{HistoryFilter, MessageView};
use wabadesk_core::inbox;
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::{Core, ErrorCode};
use wabadesk_sim::SimHandle;

const CUSTOMER: &str = "+4915123456789";

async fn admin(sim: &SimHandle, path: &str, body: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
}

/// A core with one number (key verified), its webhook pointing at the core's receiver, and
/// the customer's 24-hour window open.
struct Setup {
    sim: SimHandle,
    core: Arc<Core>,
    id: i64,
    _dir: tempfile::TempDir,
    _receiver: inbox::InboxHandle,
}

async fn setup() -> Setup {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000100", &sim, 0).await;
    let receiver = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = receiver.url();
    reqwest::Client::new()
        .post(format!("{}/v1/configs/webhook", sim.base_url))
        .header("D360-API-KEY", &sim.numbers[0].api_key)
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap();
    let pnid = sim.numbers[0].phone_number_id.clone();
    admin(
        &sim,
        &format!("/_sim/numbers/{pnid}/inbound"),
        json!({"from": "4915123456789", "text": "hello"}),
    )
    .await;
    // The customer's message has arrived, so the window is open.
    for _ in 0..300 {
        if !core
            .list_messages(&HistoryFilter::default())
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Setup {
        sim,
        core,
        id,
        _dir: dir,
        _receiver: receiver,
    }
}

fn sent_by_app(core: &Core, id: i64) -> Vec<MessageView> {
    core.list_messages(&HistoryFilter {
        number_id: Some(id),
        direction: Some(wabadesk_core::history::Direction::Outbound),
        ..Default::default()
    })
    .unwrap()
}

async fn wait_for(core: &Core, key: &str, status: &str) -> MessageView {
    for _ in 0..500 {
        if let Some(m) = core.message_by_key(key).unwrap() {
            if m.status == status {
                return m;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{key} never reached {status}: {:?}\n{:?}",
        core.message_by_key(key).unwrap(),
        core.list_messages(&HistoryFilter::default()).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_answer_is_lost_is_in_history_and_its_statuses_find_it() {
    let s = setup().await;
    let (sim, core, id) = (&s.sim, s.core.clone(), s.id);
    admin(
        sim,
        "/_sim/faults",
        json!({"kind": "drop", "path": "/messages"}),
    )
    .await;
    let err = core
        .send_text(id, CUSTOMER, "Your order has shipped", Actor::Ui)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
    assert!(err.to_string().contains("History"), "{err}");

    // History has the attempt at once, with its content and no wamid yet.
    let rows = sent_by_app(&core, id);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let attempt = &rows[0];
    assert_eq!(attempt.status, "outcome_unknown");
    assert_eq!(attempt.body.as_deref(), Some("Your order has shipped"));
    assert_eq!(attempt.contact, "4915123456789");
    assert!(attempt.wamid.is_none());
    let reference = attempt.attempt_ref.clone().expect("an attempt reference");
    assert!(
        err.to_string().contains(&reference),
        "the error names the attempt: {err}"
    );
    let detail = core.message_detail(&reference).unwrap();
    let request: Value = serde_json::from_str(detail.request_json.as_deref().unwrap()).unwrap();
    assert_eq!(request["biz_opaque_callback_data"], reference.as_str());
    assert_eq!(request["text"]["body"], "Your order has shipped");

    // Its statuses arrive through the webhook and settle the same row: one message, not two.
    let m = wait_for(&core, &reference, "read").await;
    assert_eq!(m.id, attempt.id);
    let wamid = m
        .wamid
        .clone()
        .expect("linked to the wamid by its first status");
    assert_eq!(m.body.as_deref(), Some("Your order has shipped"));
    assert_eq!(
        sent_by_app(&core, id).len(),
        1,
        "no text-less row beside it"
    );
    let detail = core.message_detail(&wamid).unwrap();
    let statuses: Vec<&str> = detail.events.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses, ["sent", "delivered", "read"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attempt_is_recorded_before_the_request_goes_out() {
    let s = setup().await;
    let (sim, core, id) = (&s.sim, s.core.clone(), s.id);
    admin(
        sim,
        "/_sim/faults",
        json!({"kind": "latency", "ms": 600, "path": "/messages"}),
    )
    .await;
    let sending = {
        let core = core.clone();
        tokio::spawn(async move { core.send_text(id, CUSTOMER, "In flight", Actor::Ui).await })
    };
    tokio::time::sleep(Duration::from_millis(250)).await;
    let rows = sent_by_app(&core, id);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(!sending.is_finished(), "the answer is still on its way");
    assert_eq!(rows[0].body.as_deref(), Some("In flight"));
    // The simulator already sent its statuses (it handles the request at once): they found
    // the attempt through its reference while the answer was still on its way.
    assert!(
        ["sending", "sent", "delivered", "read"].contains(&rows[0].status.as_str()),
        "{:?}",
        rows[0]
    );
    let resp = sending.await.unwrap().unwrap();
    let wamid = resp.wamid().unwrap();
    let rows = sent_by_app(&core, id);
    assert_eq!(rows.len(), 1, "the answer completes the same row: {rows:?}");
    assert_eq!(rows[0].wamid.as_deref(), Some(wamid));
    let m = wait_for(&core, wamid, "read").await;
    assert_eq!(
        m.id, rows[0].id,
        "the statuses and the answer meet on one row"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_send_is_recorded_as_not_sent_with_its_error() {
    let s = setup().await;
    let (core, id) = (s.core.clone(), s.id);
    // Outside the window: Meta refuses free text with 131047.
    let err = core
        .send_text(id, "+4915100000777", "Hello again", Actor::Ui)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Upstream, "{err:?}");
    let rows = sent_by_app(&core, id);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "not_sent");
    assert_eq!(rows[0].error_code, Some(131047));
    assert!(
        rows[0]
            .error_title
            .as_deref()
            .is_some_and(|t| t.contains("only an approved template")),
        "{:?}",
        rows[0].error_title
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_after_a_429_are_reported_as_they_happen() {
    let s = setup().await;
    let (sim, core, id) = (&s.sim, s.core.clone(), s.id);
    admin(
        sim,
        "/_sim/faults",
        json!({"kind": "rate_limit", "retry_after": 1, "count": 2, "path": "/messages"}),
    )
    .await;
    let seen: Arc<Mutex<Vec<Retrying>>> = Arc::default();
    let progress: ProgressFn = {
        let seen = seen.clone();
        Arc::new(move |r| seen.lock().unwrap().push(r))
    };
    core.send_text_with_progress(id, CUSTOMER, "Eventually", Actor::Ui, Some(progress))
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    let shown: Vec<String> = seen.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "retrying (1 of 3) — 360dialog asked to wait 1 s",
            "retrying (2 of 3) — 360dialog asked to wait 1 s"
        ]
    );
    assert_eq!(
        (
            seen[0].http_status,
            seen[0].retry_after_secs,
            seen[0].wait_ms
        ),
        (429, Some(1), 1000)
    );
    assert_eq!(sent_by_app(&core, id).len(), 1, "sent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_with_a_superseded_key_is_not_sent_and_marks_the_key() {
    let s = setup().await;
    let (sim, core, id) = (&s.sim, s.core.clone(), s.id);
    common::rotate_at_sim(sim, 0).await;
    let err = core
        .send_text(id, CUSTOMER, "Still there?", Actor::Ui)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(
        core.number(id).unwrap().key_state,
        wabadesk_core::numbers::KeyState::Superseded
    );
    let rows = sent_by_app(&core, id);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].status.as_str(), rows[0].body.as_deref()),
        ("not_sent", Some("Still there?"))
    );
}
