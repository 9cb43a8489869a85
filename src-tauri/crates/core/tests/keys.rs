//! Numbers and keys with the in-memory secret store (the same scenarios run against the real
//! Secret Service in keyring_secret_service.rs), plus what only a stub store can show.

mod common;

use std::sync::Arc;

use wabadesk_core::audit::Actor;
use wabadesk_core::numbers::KeyState;
use wabadesk_core::secrets::{MemoryStore, SecretStore, Sensitive};
use wabadesk_core::{Error, ErrorCode, Result};

#[tokio::test]
async fn set_supersede_rotate_with_memory_store() {
    let dir = tempfile::tempdir().unwrap();
    common::set_supersede_rotate(dir.path(), Arc::new(MemoryStore::new()), "+4915100000001").await;
}

#[tokio::test]
async fn interrupted_rotation_with_memory_store() {
    let dir = tempfile::tempdir().unwrap();
    common::interrupted_rotation(dir.path(), Arc::new(MemoryStore::new()), "+4915100000002").await;
}

/// A keyring that is locked or absent.
struct Unavailable;

impl SecretStore for Unavailable {
    fn get(&self, _: &str) -> Result<Option<Sensitive<String>>> {
        Err(Error::KeychainUnavailable(
            "the OS keyring is locked".into(),
        ))
    }
    fn set(&self, _: &str, _: &Sensitive<String>) -> Result<()> {
        Err(Error::KeychainUnavailable(
            "the OS keyring is locked".into(),
        ))
    }
    fn delete(&self, _: &str) -> Result<()> {
        Err(Error::KeychainUnavailable(
            "the OS keyring is locked".into(),
        ))
    }
    fn backend(&self) -> &'static str {
        "unavailable"
    }
}

#[tokio::test]
async fn an_unavailable_keyring_leaves_nothing_half_written() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(Unavailable), &sim);
    let id = common::add(&core, "+4915100000003");
    let err = core
        .set_key(
            id,
            Sensitive::new(sim.numbers[0].api_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable);
    let n = core.number(id).unwrap();
    assert_eq!(n.key_state, KeyState::None);
    assert!(n.key_fingerprint.is_none());
    assert!(!core.rotation_pending(id).unwrap());
    assert!(core.key_history(id).unwrap().is_empty());
    // Removing the number needs the keyring too: nothing is removed.
    assert_eq!(
        core.remove_number(id, Actor::Ui).unwrap_err().code(),
        ErrorCode::KeychainUnavailable
    );
    assert!(core.number(id).is_ok());
}

#[tokio::test]
async fn verify_all_reports_progress_for_each_number_with_a_key() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let a = common::add(&core, "+4915100000004");
    let b = common::add(&core, "+4915100000005");
    common::add(&core, "+4915100000006"); // no key: skipped
    core.set_key(
        a,
        Sensitive::new(sim.numbers[0].api_key.clone()),
        true,
        Actor::Ui,
    )
    .await
    .unwrap();
    core.set_key(
        b,
        Sensitive::new(sim.numbers[1].api_key.clone()),
        true,
        Actor::Ui,
    )
    .await
    .unwrap();
    common::rotate_at_sim(&sim, 1).await;

    let mut seen = Vec::new();
    let outcomes = core
        .verify_all(Actor::Ui, |p| seen.push((p.done, p.total)))
        .await
        .unwrap();
    assert_eq!(seen, [(1, 2), (2, 2)]);
    let by_id = |id| outcomes.iter().find(|o| o.number_id == id).unwrap();
    assert_eq!(by_id(a).key_state, KeyState::Verified);
    assert_eq!(by_id(a).message, "ok");
    assert_eq!(by_id(b).key_state, KeyState::Superseded);
    assert!(by_id(b).message.contains("401"));
}

#[tokio::test]
async fn the_key_is_never_written_to_the_database_file() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let key = sim.numbers[0].api_key.clone();
    {
        let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
        let id = common::add(&core, "+4915100000007");
        core.set_key(id, Sensitive::new(key.clone()), true, Actor::Ui)
            .await
            .unwrap();
        common::rotate_at_sim(&sim, 0).await;
        core.verify_key(id, Actor::Ui).await.unwrap_err();
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!bytes.windows(key.len()).any(|w| w == key.as_bytes()));
    }
}
