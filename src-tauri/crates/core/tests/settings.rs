//! The core's settings apply at once: a new simulator address is used by the next call.

mod common;

use std::sync::Arc;

use wabadesk_core::api::Environment;
use wabadesk_core::audit::Actor;
use wabadesk_core::prefs::Settings;
use wabadesk_core::secrets::{MemoryStore, Sensitive};
use wabadesk_core::Core;

fn pointing_at(base: &str) -> Settings {
    let mut s = Settings::default();
    s.base_urls.insert("simulator".into(), base.into());
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_simulator_address_applies_without_a_restart() {
    let first = common::sim().await;
    let second = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
    core.set_settings(pointing_at(&first.base_url), Actor::Ui)
        .unwrap();
    // A simulator number with no base URL of its own.
    let id = common::add(&core, "+15550001234");
    assert_eq!(core.number(id).unwrap().base_url, first.base_url);
    // The second simulator's key is unknown at the first one.
    let second_key = || Sensitive::new(second.numbers[0].api_key.clone());
    assert!(core
        .set_key(id, second_key(), true, Actor::Ui)
        .await
        .is_err());

    core.set_settings(pointing_at(&second.base_url), Actor::Ui)
        .unwrap();
    // Right away, same core: the number talks to the second simulator.
    assert_eq!(core.number(id).unwrap().base_url, second.base_url);
    core.set_key(id, second_key(), true, Actor::Ui)
        .await
        .expect("verified against the new address");

    // Clearing the override goes back to the built-in address.
    core.set_settings(Settings::default(), Actor::Ui).unwrap();
    assert_eq!(
        core.number(id).unwrap().base_url,
        Environment::Simulator.default_base_url()
    );
}
