//! The demo against the in-process simulator: what it sets up, that every page has content,
//! that a send reaches `delivered`, and that a second start on the same profile adds nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use wabadesk_core::api::Environment;
use wabadesk_core::audit::{Actor, AuditFilter};
use wabadesk_core::history::HistoryFilter;
use wabadesk_core::numbers::KeyState;
use wabadesk_core::secrets::{MemoryStore, SecretStore};
use wabadesk_core::templates::library::{TemplateFilter, TestSend};
use wabadesk_core::Core;
use wabadesk_demo::{
    demo_keyring_service, demo_profile_dir, demo_sim_config, Demo, DemoHandle, DemoOptions,
    SimConfig, DEMO_LABEL_PREFIX, ORDER_TEMPLATE, PENDING_TEMPLATE,
};

fn config() -> SimConfig {
    SimConfig {
        review_delay: Duration::from_millis(1500),
        status_delay: Duration::from_millis(5),
        webhook_retry_base: Duration::from_millis(20),
        ..demo_sim_config()
    }
}

async fn start(dir: &Path, store: Arc<dyn SecretStore>, steps: &mut Vec<String>) -> DemoHandle {
    let opts = DemoOptions {
        sim: config(),
        ..DemoOptions::new(dir, store)
    };
    Demo::start(opts, |s| steps.push(s.to_string()))
        .await
        .unwrap()
}

async fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(v) = f() {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

fn statuses(core: &Core, number_id: i64) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = core
        .list_messages(&HistoryFilter {
            number_id: Some(number_id),
            direction: Some(wabadesk_core::history::Direction::Outbound),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|m| (m.contact, m.status))
        .collect();
    v.sort();
    v
}

fn template_statuses(core: &Core, number_id: i64) -> Vec<(String, String, String)> {
    core.template_library(number_id, &TemplateFilter::default())
        .unwrap()
        .groups
        .iter()
        .flat_map(|g| &g.variants)
        .map(|v| {
            (
                v.name.clone(),
                v.language.clone(),
                v.status.to_ascii_lowercase(),
            )
        })
        .collect()
}

async fn send_and_wait_delivered(core: &Core, number_id: i64, to: &str) {
    let r = core
        .send_test(
            number_id,
            &TestSend {
                to: to.into(),
                name: ORDER_TEMPLATE.into(),
                language: "en_US".into(),
                values: BTreeMap::from([
                    ("body.1".to_string(), "Eve".to_string()),
                    ("body.2".to_string(), "B-1".to_string()),
                ]),
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    wait_for("delivered", || {
        let m = core.message_by_wamid(&r.wamid).unwrap()?;
        matches!(m.status.as_str(), "delivered" | "read").then_some(())
    })
    .await;
}

#[test]
fn profile_helpers() {
    assert_eq!(
        demo_profile_dir(Path::new("/data/com.wabadesk.desk")),
        Path::new("/data/com.wabadesk.desk/demo")
    );
    assert!(demo_keyring_service().ends_with(".demo"));
    assert_ne!(demo_keyring_service(), wabadesk_core::APP_IDENTIFIER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_sets_up_everything_and_a_second_start_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    let mut steps = Vec::new();
    let demo = start(dir.path(), store.clone(), &mut steps).await;
    assert!(steps.len() > 5, "{steps:?}");
    assert!(steps.iter().all(|s| !s.contains("ready")), "{steps:?}");
    let core = demo.core();
    assert!(demo.sim_url().starts_with("http://127.0.0.1:"));
    assert!(demo.inbox_url().starts_with("http://127.0.0.1:"));
    assert!(demo.inbox_url().ends_with("/webhook"));

    // Two demo numbers in the simulator environment, their keys verified and in the store.
    let numbers = core.list_numbers().unwrap();
    assert_eq!(numbers.len(), 2);
    assert_eq!(demo.numbers().len(), 2);
    for n in &numbers {
        assert!(n.label.starts_with(DEMO_LABEL_PREFIX), "{}", n.label);
        assert_eq!(n.environment, Environment::Simulator);
        assert_eq!(n.base_url, demo.sim_url());
        assert_eq!(n.key_state, KeyState::Verified);
        assert!(store
            .get(&wabadesk_core::keys::account(&n.phone))
            .unwrap()
            .is_some());
        // The webhook points at the inbox.
        let hook = core.get_webhook(n.id, Actor::Ui).await.unwrap();
        assert_eq!(hook.url.as_deref(), Some(demo.inbox_url().as_str()));
        assert!(hook.changed_outside.is_none());
        // Set through the core's validated, audited path: the change history names the app.
        assert_eq!(hook.history.len(), 1, "{:?}", hook.history);
        assert_eq!(hook.history[0].source, "app");
    }
    let first = demo.numbers()[0].id;

    // Templates: approved in two languages, one with an image header, one pending.
    let t = template_statuses(&core, first);
    assert!(t.contains(&(ORDER_TEMPLATE.into(), "en_US".into(), "approved".into())));
    assert!(t.contains(&(ORDER_TEMPLATE.into(), "de_DE".into(), "approved".into())));
    assert!(t.contains(&("spring_offer".into(), "en_US".into(), "approved".into())));
    assert!(t.contains(&(PENDING_TEMPLATE.into(), "en_US".into(), "pending".into())));
    let offer = core.template(first, "spring_offer", "en_US").unwrap();
    assert!(offer.components.to_string().contains("IMAGE"));
    assert_eq!(
        template_statuses(&core, demo.numbers()[1].id).len(),
        t.len()
    );

    // The pending one is approved a little later, with nobody syncing.
    wait_for("the pending template approved", || {
        template_statuses(&core, first)
            .contains(&(PENDING_TEMPLATE.into(), "en_US".into(), "approved".into()))
            .then_some(())
    })
    .await;

    // A conversation with an open window, answered.
    let conv = core.conversation(Some(first), "+4917612345678").unwrap();
    assert!(conv.window.open, "{:?}", conv.window);
    let dirs: Vec<&str> = conv.messages.iter().map(|m| m.direction.as_str()).collect();
    assert_eq!(dirs, ["in", "out"]);

    // History: read, delivered but unread, failed.
    let want = vec![
        ("4915112340000".to_string(), "failed".to_string()),
        ("4915112341111".to_string(), "delivered".to_string()),
        ("4915112345678".to_string(), "read".to_string()),
        ("4917612345678".to_string(), "read".to_string()),
        ("4917699887766".to_string(), "read".to_string()),
    ];
    wait_for("the seeded statuses", || {
        (statuses(&core, first) == want).then_some(())
    })
    .await;

    // Audit entries for what was set up.
    let log = core.audit_list(&AuditFilter::default()).unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for a in ["number_added", "key_set", "template_created"] {
        assert!(actions.contains(&a), "{actions:?}");
    }

    // Any recipient reaches delivered.
    send_and_wait_delivered(&core, first, "+4930123456").await;

    let counts = |core: &Core| {
        (
            core.list_numbers().unwrap().len(),
            template_statuses(core, first),
            statuses(core, first).len(),
            core.audit_list(&AuditFilter::default()).unwrap().len(),
        )
    };
    let before = counts(&core);
    let (sim_url, inbox_url) = (demo.sim_url().to_string(), demo.inbox_url());
    drop(core);
    demo.stop().await;

    // Again on the same profile: the same addresses, nothing added, everything still works.
    let mut steps = Vec::new();
    let demo = start(dir.path(), store.clone(), &mut steps).await;
    let core = demo.core();
    assert_eq!(demo.sim_url(), sim_url);
    assert_eq!(demo.inbox_url(), inbox_url);
    assert_eq!(counts(&core), before);
    for n in core.list_numbers().unwrap() {
        assert_eq!(n.key_state, KeyState::Verified);
        let hook = core.get_webhook(n.id, Actor::Ui).await.unwrap();
        assert_eq!(hook.url.as_deref(), Some(inbox_url.as_str()));
        assert!(hook.changed_outside.is_none());
    }
    // The simulator knows the customer's window again: free text is accepted.
    core.send_text(first, "+4917612345678", "Anything else?", Actor::Ui)
        .await
        .unwrap();
    send_and_wait_delivered(&core, first, "+4930123457").await;
    drop(core);
    demo.stop().await;
}

#[tokio::test]
async fn a_core_already_open_on_the_profile_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap());
    let demo = Demo::start(
        DemoOptions {
            sim: config(),
            ..DemoOptions::new(dir.path(), Arc::new(MemoryStore::new()))
        }
        .with_core(core.clone()),
        |_| {},
    )
    .await
    .unwrap();
    assert!(Arc::ptr_eq(&demo.core(), &core));
    assert_eq!(core.list_numbers().unwrap().len(), 2);
    let info = demo.info();
    assert_eq!(info.numbers.len(), 2);
    assert_eq!(info.sim_url, demo.sim_url());
    demo.stop().await;
}

/// The app keeps the handle in its state and awaits `start` in an async command: both must be
/// `Send`.
#[test]
fn start_and_the_handle_can_move_between_threads() {
    fn is_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let start = Demo::start(
        DemoOptions::new(dir.path(), Arc::new(MemoryStore::new())),
        |_| {},
    );
    is_send(&start);
    drop(start);
    fn handle_is_send_and_sync<T: Send + Sync>() {}
    handle_is_send_and_sync::<DemoHandle>();
}
