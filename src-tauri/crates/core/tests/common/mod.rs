//! Scenarios for numbers and keys, run against any secret store: the in-memory one in
//! `keys.rs`, the real OS keyring in `keyring_secret_service.rs`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use wabadesk_core::api::Environment;
use wabadesk_core::audit::Actor;
use wabadesk_core::keys::{account, pending_account, RotationStep};
use wabadesk_core::numbers::{KeyState, NumberInput};
use wabadesk_core::secrets::{SecretStore, Sensitive};
use wabadesk_core::{Core, ErrorCode};
use wabadesk_sim::{start, SimConfig, SimHandle};

pub async fn sim() -> SimHandle {
    start(SocketAddr::from(([127, 0, 0, 1], 0)), SimConfig::fast())
        .await
        .unwrap()
}

pub async fn rotate_at_sim(sim: &SimHandle, number: usize) -> String {
    let v: Value = reqwest::Client::new()
        .post(format!(
            "{}/_sim/numbers/{}/keys",
            sim.base_url, sim.numbers[number].phone_number_id
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["api_key"].as_str().unwrap().to_string()
}

pub fn open(dir: &Path, store: Arc<dyn SecretStore>, sim: &SimHandle) -> Core {
    let core = Core::open(dir, store).unwrap();
    core.set_environment_base_url(Environment::Simulator, Some(sim.base_url.clone()));
    core
}

pub fn add(core: &Core, phone: &str) -> i64 {
    core.add_number(
        NumberInput {
            phone: phone.into(),
            label: format!("Label {phone}"),
            environment: Environment::Simulator,
            base_url: None,
            notes: None,
        },
        Actor::Ui,
    )
    .unwrap()
    .id
}

/// Adds `phone` with the simulator's key number `number`, verified against the simulator.
pub async fn add_with_key(core: &Core, phone: &str, sim: &SimHandle, number: usize) -> i64 {
    let id = add(core, phone);
    core.set_key(
        id,
        Sensitive::new(sim.numbers[number].api_key.clone()),
        true,
        Actor::Ui,
    )
    .await
    .unwrap();
    id
}

fn actions(core: &Core, id: i64) -> Vec<String> {
    let mut a: Vec<String> = core
        .key_history(id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    a.reverse();
    a
}

/// Set, verify, supersession after the simulator issues a new key, rotation, audit trail.
pub async fn set_supersede_rotate(dir: &Path, store: Arc<dyn SecretStore>, phone: &str) {
    let sim = sim().await;
    let core = open(dir, store.clone(), &sim);
    let id = add(&core, phone);
    let key1 = sim.numbers[0].api_key.clone();

    // A wrong key is refused and changes nothing.
    let err = core
        .set_key(
            id,
            Sensitive::new("wrong-key-123456".into()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(core.number(id).unwrap().key_state, KeyState::None);
    assert!(store.get(&account(phone)).unwrap().is_none());
    assert!(!core.rotation_pending(id).unwrap());

    let n = core
        .set_key(id, Sensitive::new(format!("  {key1}\n")), true, Actor::Ui)
        .await
        .unwrap();
    assert_eq!(n.key_state, KeyState::Verified);
    assert_eq!(
        n.key_fingerprint.as_deref(),
        Some(Sensitive::new(key1.clone()).fingerprint().as_str())
    );
    assert_eq!(
        n.key_hint.as_deref(),
        Some(format!("••••{}", &key1[key1.len() - 4..]).as_str())
    );
    assert_eq!(
        n.phone_number_id.as_deref(),
        Some(sim.numbers[0].phone_number_id.as_str())
    );
    assert_eq!(n.health.as_ref().unwrap().can_send_message, "AVAILABLE");
    assert_eq!(store.get(&account(phone)).unwrap().unwrap().expose(), &key1);
    assert!(store.get(&pending_account(phone)).unwrap().is_none());

    // Someone generates a new key in the Hub: the next call sees 401.
    let key2 = rotate_at_sim(&sim, 0).await;
    let err = core.verify_key(id, Actor::System).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert_eq!(core.number(id).unwrap().key_state, KeyState::Superseded);
    core.verify_key(id, Actor::System).await.unwrap_err();
    assert_eq!(
        actions(&core, id),
        ["key_set", "key_superseded"],
        "one row for repeated 401s"
    );

    let n = core
        .set_key(id, Sensitive::new(key2.clone()), true, Actor::Cli)
        .await
        .unwrap();
    assert_eq!(n.key_state, KeyState::Verified);
    assert_eq!(store.get(&account(phone)).unwrap().unwrap().expose(), &key2);
    assert_eq!(
        actions(&core, id),
        ["key_set", "key_superseded", "key_rotated"]
    );
    let rotated = &core.key_history(id).unwrap()[0];
    assert_eq!(
        rotated.old_fingerprint.as_deref(),
        Some(Sensitive::new(key1).fingerprint().as_str())
    );
    assert_eq!(
        rotated.new_fingerprint.as_deref(),
        Some(Sensitive::new(key2.clone()).fingerprint().as_str())
    );
    assert_eq!(rotated.actor, "cli");

    // Unverified storage.
    let n = core
        .set_key(id, Sensitive::new(key2), false, Actor::Cli)
        .await
        .unwrap();
    assert_eq!(n.key_state, KeyState::Unverified);
    assert!(n.key_verified_at.is_none());
    let n = core.verify_key(id, Actor::Ui).await.unwrap();
    assert_eq!(n.key_state, KeyState::Verified);

    core.remove_number(id, Actor::Ui).unwrap();
    assert!(store.get(&account(phone)).unwrap().is_none());
}

/// A rotation interrupted after every single write (to the database or the keyring) leaves the
/// keyring holding exactly one whole key, and the database describing it, once the app starts
/// again.
pub async fn interrupted_rotation(dir: &Path, store: Arc<dyn SecretStore>, phone: &str) {
    let sim = sim().await;
    for step in RotationStep::ALL {
        let core = open(dir, store.clone(), &sim);
        let id = match core.resolve_number(phone) {
            Ok(n) => n.id,
            Err(_) => add(&core, phone),
        };
        let old = reqwest_current_key(&sim).await;
        core.set_key(id, Sensitive::new(old.clone()), true, Actor::Ui)
            .await
            .unwrap();

        let new = rotate_at_sim(&sim, 0).await;
        core.set_crash_after(Some(step));
        let err = core
            .set_key(id, Sensitive::new(new.clone()), true, Actor::Ui)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("simulated crash"), "{err}");
        assert!(core.rotation_pending(id).unwrap(), "{step:?}");
        // At the moment of the crash the number's entry holds a whole key, old or new.
        let at_crash = store.get(&account(phone)).unwrap().unwrap();
        assert!(
            at_crash.expose() == &old || at_crash.expose() == &new,
            "{step:?}"
        );
        drop(core);

        // "Restart": opening the data dir finishes or rolls back.
        let core = open(dir, store.clone(), &sim);
        assert!(
            !core.rotation_pending(id).unwrap(),
            "{step:?}: journal closed"
        );
        assert!(
            store.get(&pending_account(phone)).unwrap().is_none(),
            "{step:?}: no pending entry left"
        );
        let kept = store.get(&account(phone)).unwrap().unwrap();
        let n = core.number(id).unwrap();
        assert_eq!(
            n.key_fingerprint.as_deref(),
            Some(kept.fingerprint().as_str()),
            "{step:?}: the database describes the key in the keyring"
        );
        assert_eq!(
            n.key_hint.as_deref(),
            Some(kept.mask().as_str()),
            "{step:?}"
        );
        let last = core.key_history(id).unwrap()[0].action.clone();
        match step {
            RotationStep::Journaled | RotationStep::PendingWritten => {
                assert_eq!(kept.expose(), &old, "{step:?}: rolled back to the old key");
                assert_eq!(last, "key_rotation_rolled_back");
                // The old key is superseded at the simulator: paste the new one and it works.
                core.set_key(id, Sensitive::new(new), true, Actor::Ui)
                    .await
                    .unwrap();
            }
            RotationStep::Staged | RotationStep::KeyWritten | RotationStep::Promoted => {
                assert_eq!(kept.expose(), &new, "{step:?}: completed with the new key");
                assert_eq!(last, "key_rotation_recovered", "{step:?}");
            }
            RotationStep::Recorded | RotationStep::PendingDeleted => {
                assert_eq!(kept.expose(), &new, "{step:?}: completed with the new key");
                assert_eq!(last, "key_rotated", "{step:?}: recorded before the crash");
            }
            RotationStep::Minted | RotationStep::MintPendingWritten => {
                unreachable!("only key generation passes it")
            }
        }
        let n = core.verify_key(id, Actor::Ui).await.unwrap();
        assert_eq!(n.key_state, KeyState::Verified, "{step:?}: a working key");
    }
}

async fn reqwest_current_key(sim: &SimHandle) -> String {
    let v: Value = reqwest::get(format!("{}/_sim/state", sim.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["numbers"][0]["api_key"].as_str().unwrap().to_string()
}
