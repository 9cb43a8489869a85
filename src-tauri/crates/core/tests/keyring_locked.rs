//! A locked Secret Service is reported as such, not as "ready".
//!
//! Ignored by default, like the other real-keyring tests. Locking a keyring cannot be undone
//! without a password prompt, so the test runs itself again inside a private D-Bus session
//! with a throwaway gnome-keyring of its own (`scripts/with-keyring.sh`) and locks that one.

use wabadesk_core::secrets::{probe, KeyringStore};

const INNER: &str = "WABADESK_LOCKED_KEYRING_TEST";

#[test]
#[ignore = "needs dbus-run-session and gnome-keyring-daemon (scripts/with-keyring.sh)"]
fn doctor_probe_reports_a_locked_keyring() {
    if std::env::var_os(INNER).is_none() {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../scripts/with-keyring.sh"
        );
        let out = std::process::Command::new(script)
            .arg(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "doctor_probe_reports_a_locked_keyring",
                "--include-ignored",
                "--nocapture",
            ])
            .env(INNER, "1")
            .env_remove("WABADESK_KEYRING_SESSION")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "{text}");
        return;
    }
    use dbus_secret_service::{EncryptionType, SecretService};
    let store = KeyringStore::new(format!("com.wabadesk.desk.test-{}", std::process::id()));
    let before = probe(&store);
    assert!(before.reachable, "{}", before.message);
    assert_eq!(before.message, "ready");

    let ss = SecretService::connect(EncryptionType::Plain).unwrap();
    ss.get_default_collection().unwrap().lock().unwrap();
    let locked = probe(&store);
    assert!(
        !locked.reachable,
        "a locked keyring said: {}",
        locked.message
    );
    assert!(locked.message.contains("locked"), "{}", locked.message);
}
