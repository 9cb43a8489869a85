//! Round trip against the real OS keyring (Secret Service on Linux).
//!
//! Ignored by default because it needs a running, unlocked Secret Service; `npm test` runs it
//! inside `dbus-run-session` with gnome-keyring unlocked (`scripts/test.sh`).

use wabadesk_core::secrets::{probe, KeyringStore, SecretStore, Sensitive};

fn store() -> KeyringStore {
    // A service name of its own so the test never touches the app's real entries.
    KeyringStore::new(format!("com.wabadesk.desk.test-{}", std::process::id()))
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn real_keyring_store_read_replace_delete() {
    let store = store();
    let status = probe(&store);
    assert!(
        status.reachable,
        "keyring not reachable: {}",
        status.message
    );

    let account = "number-1";
    assert!(
        store.get(account).unwrap().is_none(),
        "fresh service has no entry"
    );

    store
        .set(account, &Sensitive::new("first-key-0001".to_string()))
        .unwrap();
    assert_eq!(
        store.get(account).unwrap().unwrap().expose(),
        "first-key-0001"
    );

    store
        .set(account, &Sensitive::new("second-key-0002".to_string()))
        .unwrap();
    assert_eq!(
        store.get(account).unwrap().unwrap().expose(),
        "second-key-0002"
    );

    // A second store object (as after an app restart) sees the same entry: it is persisted
    // by the keyring daemon, not held in this process.
    let reopened = KeyringStore::new(store.service().to_string());
    assert_eq!(
        reopened.get(account).unwrap().unwrap().expose(),
        "second-key-0002"
    );

    store.delete(account).unwrap();
    assert!(store.get(account).unwrap().is_none());
    store.delete(account).unwrap();
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn secret_is_visible_to_other_secret_service_clients() {
    // Proves the entry lives in the real Secret Service (not a mock): secret-tool, a separate
    // process, finds it by the service/username attributes keyring writes.
    let store = store();
    let account = "number-visible";
    store
        .set(account, &Sensitive::new("visible-key-42".to_string()))
        .unwrap();
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", store.service(), "username", account])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed");
    store.delete(account).unwrap();
    assert!(
        out.status.success(),
        "secret-tool: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "visible-key-42"
    );
}

mod common;

fn real_store() -> std::sync::Arc<KeyringStore> {
    std::sync::Arc::new(KeyringStore::new(format!(
        "com.wabadesk.desk.test-keys-{}",
        std::process::id()
    )))
}

#[tokio::test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
async fn real_keyring_set_supersede_rotate() {
    let dir = tempfile::tempdir().unwrap();
    common::set_supersede_rotate(dir.path(), real_store(), "+4915200000001").await;
}

#[tokio::test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
async fn real_keyring_interrupted_rotation_leaves_a_working_key() {
    let dir = tempfile::tempdir().unwrap();
    common::interrupted_rotation(dir.path(), real_store(), "+4915200000002").await;
}
