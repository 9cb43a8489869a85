//! Secrets (API keys, webhook shared secrets): held in the OS keyring and nowhere else.
//!
//! * [`Sensitive`] wraps a secret in memory: its `Debug`/`Display` print a mask and it cannot
//!   be serialised, so it can come in from the UI but never go back out.
//! * [`SecretStore`] is the seam: [`KeyringStore`] in the product (Secret Service, Keychain,
//!   Credential Manager), [`MemoryStore`] in tests.

use std::collections::HashMap;

use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

pub use crate::sensitive::Sensitive;
use crate::{Error, Result, APP_IDENTIFIER};

/// Environment variable that overrides the keyring service name (separate namespaces for
/// development and test runs, so they never touch the user's real entries).
pub const KEYRING_SERVICE_ENV: &str = "WABADESK_KEYRING_SERVICE";

/// Keyring account names: the one place that knows them. Every removal goes through
/// [`accounts::entries_of`], so a number leaves nothing behind.
pub mod accounts {
    /// A number's API key: its E.164 phone.
    pub fn key_account(phone: &str) -> String {
        phone.to_string()
    }

    /// A new key while it replaces the old one (see the rotation in `keys`).
    pub fn pending_account(phone: &str) -> String {
        format!("{phone} (pending)")
    }

    /// The number's webhook shared secret.
    pub fn webhook_secret_account(phone: &str) -> String {
        format!("{phone} webhook secret")
    }

    /// The partner account's Partner API key (one partner account per profile).
    pub fn partner_key_account() -> String {
        "partner API key".to_string()
    }

    /// The partner's platform secret, which signs partner webhook events.
    pub fn partner_webhook_secret_account() -> String {
        "partner webhook secret".to_string()
    }

    /// The team relay's access token (one relay per profile).
    pub fn relay_token_account() -> String {
        "team relay token".to_string()
    }

    /// Every keyring entry a number can have.
    pub fn entries_of(phone: &str) -> Vec<String> {
        vec![
            key_account(phone),
            pending_account(phone),
            webhook_secret_account(phone),
        ]
    }
}

/// Where secrets are kept. Implementations must be safe to share between threads.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>>;
    fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<()>;
    /// Deleting an entry that does not exist is not an error.
    fn delete(&self, account: &str) -> Result<()>;
    /// A short name of the backend, for `doctor` and the About page.
    fn backend(&self) -> &'static str;

    /// Whether the store is there but locked (reads of existing entries and writes would
    /// need the user to unlock it). Checked without prompting.
    fn locked(&self) -> Result<bool> {
        Ok(false)
    }
}

/// The OS keyring, one entry per account under one service name.
pub struct KeyringStore {
    service: String,
    // keyring writes are serialised: Secret Service is not transactional across calls.
    write_lock: Mutex<()>,
}

impl KeyringStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            write_lock: Mutex::new(()),
        }
    }

    /// The app's store: service name = app identifier, unless `WABADESK_KEYRING_SERVICE` is set.
    pub fn for_app() -> Self {
        let service = std::env::var(KEYRING_SERVICE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| APP_IDENTIFIER.to_string());
        Self::new(service)
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, account).map_err(map_keyring_error)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(Sensitive::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<()> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(map_keyring_error)
    }

    fn delete(&self, account: &str) -> Result<()> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    /// On Linux: the lock state of the Secret Service's default collection, where the
    /// entries live. Elsewhere the OS unlocks its keychain with the login session.
    fn locked(&self) -> Result<bool> {
        #[cfg(target_os = "linux")]
        {
            use dbus_secret_service::{EncryptionType, SecretService};
            let unavailable = |e: dbus_secret_service::Error| {
                Error::KeychainUnavailable(format!(
                    "no OS keyring is reachable ({e}); {}",
                    unavailable_hint()
                ))
            };
            let ss = SecretService::connect(EncryptionType::Plain).map_err(unavailable)?;
            let collection = ss.get_default_collection().map_err(unavailable)?;
            collection.is_locked().map_err(unavailable)
        }
        #[cfg(not(target_os = "linux"))]
        Ok(false)
    }

    fn backend(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(target_os = "windows") {
            "Windows Credential Manager"
        } else {
            "Secret Service (D-Bus)"
        }
    }
}

/// What to tell the user when no keyring can be used on this OS.
fn unavailable_hint() -> &'static str {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        "allow WABA Desk to access the system keychain and try again"
    } else {
        "start a Secret Service provider (GNOME Keyring or KeePassXC) in your desktop session \
         and unlock it, then try again"
    }
}

fn map_keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoStorageAccess(inner) => Error::KeychainUnavailable(format!(
            "the OS keyring is locked or access was refused ({inner}); {}",
            unavailable_hint()
        )),
        keyring::Error::PlatformFailure(inner) => Error::KeychainUnavailable(format!(
            "no OS keyring is reachable ({inner}); {}",
            unavailable_hint()
        )),
        other => Error::Keychain(other.to_string()),
    }
}

/// An in-process store for tests and demo mode. Entries are shared by every clone of the
/// `Arc` it lives in, unlike keyring's own mock.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Sensitive<String>>> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(account).cloned().map(Sensitive::new))
    }

    fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<()> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(account.to_string(), secret.expose().clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(account);
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "in-memory (not persisted)"
    }
}

/// Whether the secret store can be used right now.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyringStatus {
    pub backend: String,
    pub reachable: bool,
    /// "ready", or what is wrong and what to do about it.
    pub message: String,
}

/// Checks the store by reading an entry that normally does not exist (no write, no prompt
/// for a new item), then its lock state: a locked keyring answers that read but could not
/// give the keys or store one, so it is not ready.
pub fn probe(store: &dyn SecretStore) -> KeyringStatus {
    let backend = store.backend().to_string();
    let status = |reachable: bool, message: String| KeyringStatus {
        backend: backend.clone(),
        reachable,
        message,
    };
    match store.get("wabadesk-probe").and_then(|_| store.locked()) {
        Ok(false) => status(true, "ready".to_string()),
        Ok(true) => status(
            false,
            "the OS keyring is locked: keys can be neither read nor stored until it is \
             unlocked (unlock the login keyring, e.g. in Passwords and Keys, or log in again)"
                .to_string(),
        ),
        Err(e) => status(false, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AbCdEfGh1234567890zZ9x";

    #[test]
    fn debug_display_and_errors_never_show_the_secret() {
        let s = Sensitive::new(KEY.to_string());
        assert_eq!(format!("{s:?}"), "Sensitive(<redacted>)");
        assert_eq!(format!("{s}"), "<redacted>");
        let nested = format!("{:?}", Some(&s));
        assert!(!nested.contains(KEY));
    }

    #[test]
    fn mask_and_fingerprint() {
        let s = Sensitive::new(KEY.to_string());
        assert_eq!(s.mask(), "••••zZ9x");
        assert_eq!(s.fingerprint().len(), 8);
        assert!(s.fingerprint().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(
            s.fingerprint(),
            Sensitive::new("other".to_string()).fingerprint()
        );
        assert_eq!(Sensitive::new("short".to_string()).mask(), "••••");
    }

    /// `Probe::<T>::SERIALIZABLE` is the inherent constant (true) when `T: Serialize`, else
    /// the trait's default (false): a compile-time fact read at run time.
    struct Probe<T>(std::marker::PhantomData<T>);
    trait NotSerializable {
        const SERIALIZABLE: bool = false;
    }
    impl<T> NotSerializable for Probe<T> {}
    #[allow(dead_code)]
    impl<T: Serialize> Probe<T> {
        const SERIALIZABLE: bool = true;
    }

    /// A store that answers reads but reports itself locked, as a locked Secret Service does.
    struct Locked(MemoryStore);
    impl SecretStore for Locked {
        fn get(&self, account: &str) -> Result<Option<Sensitive<String>>> {
            self.0.get(account)
        }
        fn set(&self, account: &str, secret: &Sensitive<String>) -> Result<()> {
            self.0.set(account, secret)
        }
        fn delete(&self, account: &str) -> Result<()> {
            self.0.delete(account)
        }
        fn backend(&self) -> &'static str {
            "locked test store"
        }
        fn locked(&self) -> Result<bool> {
            Ok(true)
        }
    }

    #[test]
    fn a_locked_keyring_is_not_ready() {
        assert!(probe(&MemoryStore::new()).reachable);
        let status = probe(&Locked(MemoryStore::new()));
        assert!(!status.reachable);
        assert!(status.message.contains("locked"), "{}", status.message);
    }

    #[test]
    fn a_secret_cannot_be_serialised_so_no_command_can_return_one() {
        // The first one shows that the probe does see Serialize.
        let seen = [
            Probe::<String>::SERIALIZABLE,
            Probe::<Sensitive<String>>::SERIALIZABLE,
            Probe::<Option<Sensitive<String>>>::SERIALIZABLE,
            Probe::<Vec<Sensitive<String>>>::SERIALIZABLE,
        ];
        assert_eq!(seen, [true, false, false, false]);
    }

    #[test]
    fn deserialises_from_a_plain_string() {
        let s: Sensitive<String> = serde_json::from_str("\"k-123\"").unwrap();
        assert_eq!(s.expose(), "k-123");
    }

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::new();
        assert!(store.get("n1").unwrap().is_none());
        store.set("n1", &Sensitive::new("a".into())).unwrap();
        store.set("n1", &Sensitive::new("b".into())).unwrap();
        assert_eq!(store.get("n1").unwrap().unwrap().expose(), "b");
        store.delete("n1").unwrap();
        store.delete("n1").unwrap();
        assert!(store.get("n1").unwrap().is_none());
        assert!(probe(&store).reachable);
    }
}
