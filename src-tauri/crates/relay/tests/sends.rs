//! Sends made from a desktop reach colleagues: desktop A sends through the simulator, the send
//! is reported to the relay, and desktop B finds it in its History as an outbound message with
//! A's name, its statuses arriving by webhook through the relay. While the relay is away the
//! report waits in A's database (across a restart of A) and goes out on reconnect.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::json;
use wabadesk_core::api::Environment;
use wabadesk_core::audit::Actor;
use wabadesk_core::history::MessageView;
use wabadesk_core::numbers::NumberInput;
use wabadesk_core::secrets::{MemoryStore, SecretStore, Sensitive};
use wabadesk_core::Core;
use wabadesk_sim::{start, SimConfig, SimHandle};

const CUSTOMER: &str = "+4915123456789";

fn desktop(dir: &std::path::Path, store: Arc<dyn SecretStore>, sim: &SimHandle) -> Arc<Core> {
    let core = Core::open(dir, store).unwrap();
    core.set_environment_base_url(Environment::Simulator, Some(sim.base_url.clone()));
    Arc::new(core)
}

/// The simulator's first number, with its key (verified, so its phone-number id is known).
async fn add_number(core: &Core, sim: &SimHandle) -> i64 {
    let id = core
        .add_number(
            NumberInput {
                phone: "+15550000100".into(),
                label: "Shop".into(),
                environment: Environment::Simulator,
                base_url: None,
                notes: None,
            },
            Actor::Ui,
        )
        .unwrap()
        .id;
    core.set_key(
        id,
        Sensitive::new(sim.numbers[0].api_key.clone()),
        true,
        Actor::Ui,
    )
    .await
    .unwrap();
    id
}

fn message(core: &Core, wamid: &str) -> Option<MessageView> {
    core.list_messages(&Default::default())
        .unwrap()
        .into_iter()
        .find(|m| m.wamid.as_deref() == Some(wamid))
}

/// Syncs `core` until `done` holds for the message `wamid` (bounded: 10 s).
async fn sync_until(core: &Core, wamid: &str, done: impl Fn(&MessageView) -> bool) -> MessageView {
    for _ in 0..100 {
        core.sync_relay().await.unwrap();
        if let Some(m) = message(core, wamid).filter(|m| done(m)) {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{wamid}: not as expected in time: {:?}",
        message(core, wamid)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_from_one_desktop_shows_in_a_colleagues_history_also_after_being_offline() {
    let db = fresh_db().await;
    let token_a = cli_ok(&db, &["token", "create", "--name", "front desk"]);
    let token_b = cli_ok(&db, &["token", "create", "--name", "back office"]);
    let mut relay = Replica::start(&db);
    let addr = relay.url.trim_start_matches("http://").to_string();
    let sim = start(SocketAddr::from(([127, 0, 0, 1], 0)), SimConfig::fast())
        .await
        .unwrap();

    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store_a: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let a = desktop(dir_a.path(), store_a.clone(), &sim);
    let b = desktop(dir_b.path(), Arc::new(MemoryStore::new()), &sim);
    let number_a = add_number(&a, &sim).await;
    let number_b = add_number(&b, &sim).await;
    a.connect_relay(&relay.url, &token_a).await.unwrap();
    b.connect_relay(&relay.url, &token_b).await.unwrap();
    // A points the number's webhook at the relay (the relay learns its secret).
    a.point_webhook_at_relay(number_a, Actor::Ui).await.unwrap();

    // The customer writes; both desktops get it from the relay (the window opens on A).
    let pnid = sim.numbers[0].phone_number_id.clone();
    let r = reqwest::Client::new()
        .post(format!("{}/_sim/numbers/{pnid}/inbound", sim.base_url))
        .json(&json!({"from": CUSTOMER.trim_start_matches('+'), "text": "hello"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    for core in [&a, &b] {
        for _ in 0..100 {
            core.sync_relay().await.unwrap();
            if !core.list_messages(&Default::default()).unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // A sends; the next sync reports it first.
    let sent = a
        .send_text(number_a, CUSTOMER, "Your order is on its way", Actor::Ui)
        .await
        .unwrap();
    let wamid = sent.wamid().unwrap().to_string();
    assert_eq!(a.unreported_sends().unwrap(), 1);
    let s = a.sync_relay().await.unwrap();
    assert_eq!(s.reported, 1);
    assert_eq!(a.unreported_sends().unwrap(), 0);
    // A's own send came back in the feed: still A's own, not a colleague's.
    let own = message(&a, &wamid).expect("A's send");
    assert_eq!(own.sent_by, None);
    assert_eq!(
        a.list_messages(&Default::default())
            .unwrap()
            .iter()
            .filter(|m| m.wamid.as_deref() == Some(wamid.as_str()))
            .count(),
        1
    );

    // B: an outbound message with A's name, on B's own number; its statuses come by webhook
    // through the relay and advance it.
    let m = sync_until(&b, &wamid, |m| {
        m.status == "read" || m.status == "delivered"
    })
    .await;
    assert_eq!(m.direction, "out");
    assert_eq!(m.sent_by.as_deref(), Some("front desk"));
    assert_eq!(m.body.as_deref(), Some("Your order is on its way"));
    assert_eq!(m.kind, "text");
    assert_eq!(m.number_id, Some(number_b));
    assert_eq!(m.contact, CUSTOMER.trim_start_matches('+'));
    // Reported twice (an answer lost, say): still one message at B.
    let again = reqwest::Client::new()
        .post(format!("{}/v1/sends", relay.url))
        .bearer_auth(&token_a)
        .json(
            &json!({"wamid": wamid, "phone_number_id": pnid, "contact": "4915123456789",
            "type": "text", "body": "Your order is on its way", "sent_at": "2026-01-01T00:00:00Z"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(
        again.json::<serde_json::Value>().await.unwrap()["new"],
        false
    );
    b.sync_relay().await.unwrap();
    let outbound = |core: &Core| {
        core.list_messages(&Default::default())
            .unwrap()
            .into_iter()
            .filter(|m| m.direction == "out")
            .count()
    };
    assert_eq!(outbound(&b), 1);

    // Offline: the relay goes away; A's send is queued in A's database, across a restart of A.
    relay.kill9();
    let offline = a
        .send_text(number_a, CUSTOMER, "Sent while offline", Actor::Ui)
        .await
        .unwrap()
        .wamid()
        .unwrap()
        .to_string();
    assert!(a.report_sends().await.is_err());
    assert_eq!(a.unreported_sends().unwrap(), 1);
    drop(a);
    let a = desktop(dir_a.path(), store_a, &sim);
    assert_eq!(a.unreported_sends().unwrap(), 1);

    // Back: the reconnect reports it, and B sees it.
    let relay = Replica::start_at(&db, &addr);
    let s = a.sync_relay().await.unwrap();
    assert_eq!((s.reported, a.unreported_sends().unwrap()), (1, 0));
    let m = sync_until(&b, &offline, |_| true).await;
    assert_eq!(m.sent_by.as_deref(), Some("front desk"));
    assert_eq!(m.body.as_deref(), Some("Sent while offline"));
    assert_eq!(outbound(&b), 2);

    // A report without a token is refused; a malformed one too.
    let c = client();
    let r = c
        .post(format!("{}/v1/sends", relay.url))
        .json(&json!({"wamid": "wamid.X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = c
        .post(format!("{}/v1/sends", relay.url))
        .bearer_auth(&token_b)
        .body("{\"wamid\": \"\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
}
