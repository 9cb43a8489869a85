//! A key belongs to its number; the webhook is read back after a new key; "verify all" ends
//! with a summary; an interrupted rotation is never lost by a retry while the keyring is locked.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;
use wabadesk_core::api::Environment;
use wabadesk_core::audit::{Actor, AuditAction, AuditFilter};
use wabadesk_core::keys::{
    account, pending_account, RotationStep, VerifyResult, VerifySummary, WebhookReadBack,
};
use wabadesk_core::numbers::{KeyState, NumberInput};
use wabadesk_core::secrets::{MemoryStore, SecretStore, Sensitive};
use wabadesk_core::webhook::{WebhookInput, SECRET_HEADER};
use wabadesk_core::{Core, Error, ErrorCode, Result};
use wabadesk_sim::{start, SimConfig};

fn add(core: &Core, phone: &str, label: &str) -> i64 {
    core.add_number(
        NumberInput {
            phone: phone.into(),
            label: label.into(),
            environment: Environment::Simulator,
            base_url: None,
            notes: None,
        },
        Actor::Ui,
    )
    .unwrap()
    .id
}

#[tokio::test]
async fn the_key_of_another_number_is_refused_naming_both() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let core = common::open(dir.path(), store.clone(), &sim);
    let sales = add(&core, "+15550000100", "Sales US");
    let support = add(&core, "+15550000101", "Support US");
    let sales_key = sim.numbers[0].api_key.clone();
    core.set_key(sales, Sensitive::new(sales_key.clone()), true, Actor::Ui)
        .await
        .unwrap();

    // The same key pasted into another number: refused, verified or not.
    for verify in [true, false] {
        let err = core
            .set_key(
                support,
                Sensitive::new(sales_key.clone()),
                verify,
                Actor::Ui,
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation, "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains("Sales US (+15550000100)") && msg.contains("Support US (+15550000101)"),
            "names both: {msg}"
        );
    }
    let n = core.number(support).unwrap();
    assert_eq!(n.key_state, KeyState::None);
    assert!(n.phone_number_id.is_none());
    assert!(store.get(&account("+15550000101")).unwrap().is_none());
    assert!(store
        .get(&pending_account("+15550000101"))
        .unwrap()
        .is_none());
    assert!(!core.rotation_pending(support).unwrap());
    assert!(core.key_history(support).unwrap().is_empty());

    // A new key of Sales US (not stored anywhere yet): /health_status names Sales US's id.
    let fresh_sales_key = common::rotate_at_sim(&sim, 0).await;
    let err = core
        .set_key(
            support,
            Sensitive::new(fresh_sales_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    let msg = err.to_string();
    assert!(
        msg.contains("Sales US (+15550000100)")
            && msg.contains(&sim.numbers[0].phone_number_id)
            && msg.contains("Support US (+15550000101)"),
        "{msg}"
    );
    assert_eq!(core.number(support).unwrap().key_state, KeyState::None);

    // Support US's own key works and binds its phone-number id.
    let n = core
        .set_key(
            support,
            Sensitive::new(sim.numbers[1].api_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(
        n.phone_number_id.as_deref(),
        Some(sim.numbers[1].phone_number_id.as_str())
    );

    // With Sales US gone from WABA Desk, its key still does not belong to Support US: the
    // known phone-number id differs.
    core.remove_number(sales, Actor::Ui).unwrap();
    let err = core
        .set_key(support, Sensitive::new(fresh_sales_key), true, Actor::Ui)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    let msg = err.to_string();
    assert!(
        msg.contains(&sim.numbers[0].phone_number_id)
            && msg.contains(&sim.numbers[1].phone_number_id)
            && msg.contains("Support US (+15550000101)"),
        "{msg}"
    );
    let n = core.number(support).unwrap();
    assert_eq!(n.key_state, KeyState::Verified, "the own key is kept");
    assert_eq!(
        store
            .get(&account("+15550000101"))
            .unwrap()
            .unwrap()
            .expose(),
        &sim.numbers[1].api_key
    );
    let actions: Vec<String> = core
        .key_history(support)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["key_set"], "refusals change nothing");
}

async fn sim_state(base_url: &str) -> Value {
    reqwest::get(format!("{base_url}/_sim/state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_webhook_a_new_key_cleared_is_reported_and_reapplied_as_it_was() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let id = add(&core, "+15550000100", "Sales US");
    let saved = core
        .save_key(
            id,
            Sensitive::new(sim.numbers[0].api_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(saved.webhook.state, WebhookReadBack::NoneKnown);
    let url = "https://hooks.example.com/wa_in";
    core.set_webhook(
        id,
        WebhookInput {
            url: url.into(),
            headers: BTreeMap::from([("Authorization".into(), "Basic abc".into())]),
            secret: true,
        },
        Actor::Ui,
    )
    .await
    .unwrap();
    let before = sim_state(&sim.base_url).await["numbers"][0]["webhook"].clone();
    assert_eq!(before["url"], url);

    // Generating a new key clears the webhook at 360dialog.
    let r: Value = reqwest::Client::new()
        .post(format!("{}/_sim/settings", sim.base_url))
        .json(&serde_json::json!({"new_key_clears_webhook": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["new_key_clears_webhook"], true);
    let new_key = common::rotate_at_sim(&sim, 0).await;
    assert_eq!(
        sim_state(&sim.base_url).await["numbers"][0]["webhook"],
        Value::Null
    );

    let saved = core
        .save_key(id, Sensitive::new(new_key), true, Actor::Ui)
        .await
        .unwrap();
    assert_eq!(saved.number.key_state, KeyState::Verified);
    let w = &saved.webhook;
    assert_eq!(w.state, WebhookReadBack::Gone);
    assert_eq!(w.known_url.as_deref(), Some(url));
    assert_eq!(w.current_url, None);
    assert_eq!(w.known_header_names, ["Authorization", SECRET_HEADER]);
    assert!(
        w.message.contains("gone") && w.message.contains(url),
        "{}",
        w.message
    );

    // One click: the same URL and headers (the shared secret from the keyring) again.
    let v = core.reapply_webhook(id, Actor::Ui).await.unwrap();
    assert_eq!(v.url.as_deref(), Some(url));
    assert!(v.changed_outside.is_none());
    let after = sim_state(&sim.base_url).await["numbers"][0]["webhook"].clone();
    assert_eq!(after, before, "URL and headers as they were");
    let audit = core
        .audit_list(&AuditFilter {
            action: Some(AuditAction::WebhookReapplied),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, "ui");
    assert!(audit[0].detail.contains(url), "{}", audit[0].detail);
    // The read-back saw the change; 360dialog made it, not the user.
    let outside = core
        .audit_list(&AuditFilter {
            action: Some(AuditAction::WebhookChangedOutside),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(outside.len(), 1);
    assert_eq!(outside[0].actor, "outside");

    // The next new key with the switch off keeps the webhook: reported unchanged.
    reqwest::Client::new()
        .post(format!("{}/_sim/settings", sim.base_url))
        .json(&serde_json::json!({"new_key_clears_webhook": false}))
        .send()
        .await
        .unwrap();
    let key3 = common::rotate_at_sim(&sim, 0).await;
    let saved = core
        .save_key(id, Sensitive::new(key3), true, Actor::Ui)
        .await
        .unwrap();
    assert_eq!(saved.webhook.state, WebhookReadBack::Unchanged);

    // Stored without verification: no call is made, so nothing is read back.
    let saved = core
        .save_key(
            id,
            Sensitive::new("unverified-key-1".into()),
            false,
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(saved.webhook.state, WebhookReadBack::NotChecked);
    assert_eq!(saved.number.key_state, KeyState::Unverified);
}

#[tokio::test]
async fn verify_all_ends_with_a_summary() {
    let sim = start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimConfig {
            numbers: 3,
            ..SimConfig::fast()
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    for (i, phone) in ["+15550000100", "+15550000101", "+15550000102"]
        .iter()
        .enumerate()
    {
        let id = add(&core, phone, &format!("US {i}"));
        core.set_key(
            id,
            Sensitive::new(sim.numbers[i].api_key.clone()),
            true,
            Actor::Ui,
        )
        .await
        .unwrap();
    }
    common::rotate_at_sim(&sim, 2).await;
    let outcomes = core.verify_all(Actor::Ui, |_| {}).await.unwrap();
    let results: Vec<VerifyResult> = outcomes.iter().map(|o| o.result).collect();
    assert_eq!(
        results,
        [
            VerifyResult::Verified,
            VerifyResult::Verified,
            VerifyResult::Superseded
        ]
    );
    assert_eq!(
        VerifySummary::of(&outcomes).to_string(),
        "2 verified, 1 superseded, 0 unreachable"
    );

    // A number whose API cannot be reached counts as unreachable.
    let mut input = NumberInput {
        phone: "+15550000109".into(),
        label: "Nowhere".into(),
        environment: Environment::Simulator,
        base_url: None,
        notes: None,
    };
    let id = core.add_number(input.clone(), Actor::Ui).unwrap().id;
    core.set_key(
        id,
        Sensitive::new("unreachable-key-1".into()),
        false,
        Actor::Ui,
    )
    .await
    .unwrap();
    input.base_url = Some("http://127.0.0.1:9".into());
    core.update_number(id, input, Actor::Ui).unwrap();
    let outcomes = core.verify_all(Actor::Ui, |_| {}).await.unwrap();
    assert_eq!(
        VerifySummary::of(&outcomes).to_string(),
        "2 verified, 1 superseded, 1 unreachable"
    );
}

/// A keyring that can be locked and unlocked.
#[derive(Default)]
struct Lockable {
    inner: MemoryStore,
    locked: AtomicBool,
}

impl Lockable {
    fn check(&self) -> Result<()> {
        if self.locked.load(Ordering::SeqCst) {
            Err(Error::KeychainUnavailable(
                "the OS keyring is locked".into(),
            ))
        } else {
            Ok(())
        }
    }
}

impl SecretStore for Lockable {
    fn get(&self, a: &str) -> Result<Option<Sensitive<String>>> {
        self.check()?;
        self.inner.get(a)
    }
    fn set(&self, a: &str, s: &Sensitive<String>) -> Result<()> {
        self.check()?;
        self.inner.set(a, s)
    }
    fn delete(&self, a: &str) -> Result<()> {
        self.check()?;
        self.inner.delete(a)
    }
    fn backend(&self) -> &'static str {
        "lockable"
    }
}

#[tokio::test]
async fn a_retry_while_the_keyring_is_locked_keeps_the_interrupted_rotation() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Lockable::default());
    let phone = "+15550000100";
    let old = sim.numbers[0].api_key.clone();
    let id = {
        let core = common::open(dir.path(), store.clone(), &sim);
        let id = add(&core, phone, "Sales US");
        core.set_key(id, Sensitive::new(old.clone()), true, Actor::Ui)
            .await
            .unwrap();
        id
    };
    let new = common::rotate_at_sim(&sim, 0).await;
    {
        let core = common::open(dir.path(), store.clone(), &sim);
        core.set_crash_after(Some(RotationStep::Staged));
        core.set_key(id, Sensitive::new(new.clone()), true, Actor::Ui)
            .await
            .unwrap_err();
    }
    // The app starts while the keyring is locked: the rotation cannot be finished yet.
    store.locked.store(true, Ordering::SeqCst);
    let core = common::open(dir.path(), store.clone(), &sim);
    assert!(core.rotation_pending(id).unwrap());
    // The user retries `key set`: refused, and the journal of the interrupted rotation stays.
    let err = core
        .set_key(id, Sensitive::new(new.clone()), true, Actor::Cli)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeychainUnavailable, "{err}");
    assert!(err.to_string().contains("interrupted"), "{err}");
    assert!(core.rotation_pending(id).unwrap(), "the journal is kept");
    drop(core);

    store.locked.store(false, Ordering::SeqCst);
    let core = common::open(dir.path(), store.clone(), &sim);
    assert!(!core.rotation_pending(id).unwrap());
    assert!(
        store.get(&pending_account(phone)).unwrap().is_none(),
        "no orphan"
    );
    let kept = store.get(&account(phone)).unwrap().unwrap();
    assert_eq!(kept.expose(), &new, "the interrupted rotation finished");
    let n = core.number(id).unwrap();
    assert_eq!(n.key_fingerprint.unwrap(), kept.fingerprint());
    assert_eq!(
        core.verify_key(id, Actor::Ui).await.unwrap().key_state,
        KeyState::Verified
    );
}

#[tokio::test]
async fn a_retry_once_the_keyring_is_unlocked_finishes_the_interrupted_rotation_first() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Lockable::default());
    let phone = "+15550000100";
    let core = common::open(dir.path(), store.clone(), &sim);
    let id = add(&core, phone, "Sales US");
    core.set_key(
        id,
        Sensitive::new(sim.numbers[0].api_key.clone()),
        true,
        Actor::Ui,
    )
    .await
    .unwrap();
    let new = common::rotate_at_sim(&sim, 0).await;
    core.set_crash_after(Some(RotationStep::Promoted));
    core.set_key(id, Sensitive::new(new.clone()), true, Actor::Ui)
        .await
        .unwrap_err();
    // Same process, no restart: the retry finishes the interrupted one, then saves again.
    let n = core
        .set_key(id, Sensitive::new(new.clone()), true, Actor::Ui)
        .await
        .unwrap();
    assert_eq!(n.key_state, KeyState::Verified);
    assert!(!core.rotation_pending(id).unwrap());
    assert!(store.get(&pending_account(phone)).unwrap().is_none());
    assert_eq!(
        n.key_fingerprint.unwrap(),
        Sensitive::new(new).fingerprint()
    );
}

/// The state a kill left when it came after the pending entry was deleted but before the
/// database recorded the new key: the number's entry holds the new key, the journal says
/// `promoted`, no pending entry. The restart records the new key rather than undoing.
#[tokio::test]
async fn a_restart_after_the_pending_entry_is_gone_records_the_key_in_the_keyring() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let phone = "+15550000100";
    let core = common::open(dir.path(), store.clone(), &sim);
    let id = add(&core, phone, "Sales US");
    core.set_key(
        id,
        Sensitive::new(sim.numbers[0].api_key.clone()),
        true,
        Actor::Ui,
    )
    .await
    .unwrap();
    let new = common::rotate_at_sim(&sim, 0).await;
    core.set_crash_after(Some(RotationStep::Promoted));
    core.set_key(id, Sensitive::new(new.clone()), true, Actor::Ui)
        .await
        .unwrap_err();
    drop(core);
    store.delete(&pending_account(phone)).unwrap();

    let core = common::open(dir.path(), store.clone(), &sim);
    assert!(!core.rotation_pending(id).unwrap());
    let held = store.get(&account(phone)).unwrap().unwrap();
    assert_eq!(held.expose(), &new);
    let n = core.number(id).unwrap();
    assert_eq!(
        n.key_fingerprint.as_deref(),
        Some(held.fingerprint().as_str()),
        "the database describes the key in the keyring"
    );
    assert_eq!(n.key_hint.as_deref(), Some(held.mask().as_str()));
    assert_eq!(
        core.key_history(id).unwrap()[0].action,
        "key_rotation_recovered"
    );
}

/// Two rows sharing one key (stored before identities were checked): checking it says whose
/// key it is instead of "verified".
#[tokio::test]
async fn checking_a_key_that_is_another_numbers_says_so() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let core = common::open(dir.path(), store.clone(), &sim);
    let sales = add(&core, "+15550000100", "Sales US");
    let support = add(&core, "+15550000101", "Support US");
    let sales_key = sim.numbers[0].api_key.clone();
    core.set_key(sales, Sensitive::new(sales_key.clone()), true, Actor::Ui)
        .await
        .unwrap();
    core.set_key(
        support,
        Sensitive::new(sim.numbers[1].api_key.clone()),
        false,
        Actor::Ui,
    )
    .await
    .unwrap();
    // What an older version let happen: Support US's entry holds Sales US's key.
    store
        .set(&account("+15550000101"), &Sensitive::new(sales_key))
        .unwrap();
    let err = core.verify_key(support, Actor::Ui).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(
        err.to_string().contains("Sales US (+15550000100)")
            && err.to_string().contains("Support US (+15550000101)"),
        "{err}"
    );
    let n = core.number(support).unwrap();
    assert_eq!(n.key_state, KeyState::Unverified, "not marked verified");
    assert!(
        n.phone_number_id.is_none(),
        "Sales US's id is not taken over"
    );
}
