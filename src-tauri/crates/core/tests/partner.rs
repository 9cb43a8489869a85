//! Partner mode against the simulator's Partner API: the partner key verified on entry,
//! channels listed and imported, "generate new key" through the crash-safe rotation (the old key
//! refused at the simulator, the new one working, a cleared webhook re-applied), a refusal
//! explained, a death at every step of a key generation finished at the next start, and signed
//! partner events applied (template status at once) while forged or unsigned ones are refused.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wabadesk_core::audit::{Actor, AuditFilter};
use wabadesk_core::keys::{account, pending_account, RotationStep};
use wabadesk_core::numbers::KeyState;
use wabadesk_core::partner::{events, ChannelQuery, PartnerInput};
use wabadesk_core::secrets::{MemoryStore, SecretStore, Sensitive};
use wabadesk_core::templates::draft::TemplateDraft;
use wabadesk_core::templates::library::TemplateFilter;
use wabadesk_core::webhook::WebhookInput;
use wabadesk_core::{api::Environment, Core, ErrorCode};
use wabadesk_sim::SimHandle;

async fn partner_state(sim: &SimHandle) -> Value {
    reqwest::get(format!("{}/_sim/partner", sim.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn health_with(sim: &SimHandle, key: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{}/health_status", sim.base_url))
        .header("D360-API-KEY", key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn set_account(core: &Core, p: &Value) {
    core.set_partner_account(
        PartnerInput {
            partner_id: p["partner_id"].as_str().unwrap().into(),
            environment: Environment::Simulator,
            base_url: None,
        },
        Sensitive::new(p["api_key"].as_str().unwrap().into()),
        Actor::Ui,
    )
    .await
    .unwrap();
}

/// A core with the partner account set and both channels imported.
async fn setup(
    dir: &std::path::Path,
    store: Arc<dyn SecretStore>,
) -> (SimHandle, Core, Value, Vec<i64>) {
    let sim = common::sim().await;
    let core = common::open(dir, store, &sim);
    let p = partner_state(&sim).await;
    set_account(&core, &p).await;
    let ids: Vec<String> = p["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let out = core.import_channels(&ids, Actor::Ui).await.unwrap();
    let numbers = out.iter().map(|o| o.number.as_ref().unwrap().id).collect();
    (sim, core, p, numbers)
}

#[tokio::test]
async fn the_partner_key_is_verified_on_entry_and_kept_in_the_keyring() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let core = common::open(dir.path(), store.clone(), &sim);
    let p = partner_state(&sim).await;
    let err = core
        .set_partner_account(
            PartnerInput {
                partner_id: p["partner_id"].as_str().unwrap().into(),
                environment: Environment::Simulator,
                base_url: None,
            },
            Sensitive::new("not-the-key".into()),
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized, "{err}");
    assert!(core.partner_account().unwrap().is_none(), "nothing stored");
    set_account(&core, &p).await;
    let view = core.partner_account().unwrap().unwrap();
    let key = Sensitive::new(p["api_key"].as_str().unwrap().to_string());
    assert_eq!(
        view.key_fingerprint.as_deref(),
        Some(key.fingerprint().as_str())
    );
    assert_eq!(view.key_hint.as_deref(), Some(key.mask().as_str()));
    assert!(view.base_url.ends_with("/api/v2"), "{}", view.base_url);
    assert_eq!(
        store
            .get(&wabadesk_core::secrets::accounts::partner_key_account())
            .unwrap()
            .unwrap(),
        key
    );
    let audit = core.audit_list(&AuditFilter::default()).unwrap();
    assert!(audit.iter().any(|a| a.action == "partner_account_set"));
    // The Partner API has no sandbox.
    let err = core
        .set_partner_account(
            PartnerInput {
                partner_id: "x".into(),
                environment: Environment::Sandbox,
                base_url: None,
            },
            key,
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
}

#[tokio::test]
async fn channels_are_listed_filtered_and_imported_with_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, core, p, numbers) = setup(dir.path(), Arc::new(MemoryStore::new())).await;
    let list = core
        .partner_channels(&ChannelQuery::default())
        .await
        .unwrap();
    assert_eq!(list.total, 2);
    assert!(
        list.items.iter().all(|i| i.number_id.is_some()),
        "both imported"
    );
    let first = &p["channels"][0];
    let one = core
        .partner_channels(&ChannelQuery {
            filters: BTreeMap::from([("id".into(), first["id"].as_str().unwrap().into())]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    assert_eq!(
        one.items[0].channel.client_id,
        first["client_id"].as_str().unwrap()
    );
    let page = core
        .partner_channels(&ChannelQuery {
            offset: 1,
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page.items.len(), page.total), (1, 2));

    let n = core.number(numbers[0]).unwrap();
    assert_eq!(n.phone, format!("+{}", sim.numbers[0].display_phone_number));
    assert_eq!(n.key_state, KeyState::None);
    let ch = core.number_channel(numbers[0]).unwrap().unwrap();
    assert_eq!(ch.channel_id, first["id"].as_str().unwrap());
    assert_eq!(ch.client_id, first["client_id"].as_str().unwrap());
    assert_eq!(ch.waba_id.as_deref(), Some(sim.numbers[0].waba_id.as_str()));
    // Importing again is refused per channel.
    let again = core
        .import_channels(&[first["id"].as_str().unwrap().to_string()], Actor::Ui)
        .await
        .unwrap();
    assert!(again[0]
        .error
        .as_deref()
        .unwrap()
        .contains("already imported"));
}

#[tokio::test]
async fn generate_key_revokes_the_old_key_and_reapplies_a_cleared_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let (sim, core, _p, numbers) = setup(dir.path(), store.clone()).await;
    let id = numbers[0];
    let first = core.generate_key(id, Actor::Ui).await.unwrap();
    assert_eq!(
        first.number.key_state,
        KeyState::Verified,
        "{}",
        first.message
    );
    let old = store.get(&account(&first.number.phone)).unwrap().unwrap();
    assert_eq!(health_with(&sim, old.expose()).await, 200);
    core.set_webhook(
        id,
        WebhookInput {
            url: "https://hooks.example.com/wa".into(),
            headers: BTreeMap::new(),
            secret: false,
        },
        Actor::Ui,
    )
    .await
    .unwrap();
    reqwest::Client::new()
        .post(format!("{}/_sim/settings", sim.base_url))
        .json(&json!({"new_key_clears_webhook": true}))
        .send()
        .await
        .unwrap();

    let second = core.generate_key(id, Actor::Ui).await.unwrap();
    let new = store.get(&account(&second.number.phone)).unwrap().unwrap();
    assert_ne!(new, old);
    assert_eq!(
        health_with(&sim, old.expose()).await,
        401,
        "the old key is revoked"
    );
    assert_eq!(
        health_with(&sim, new.expose()).await,
        200,
        "the new key works"
    );
    assert!(second.webhook_reapplied, "{}", second.message);
    assert!(second.message.contains("set again"), "{}", second.message);
    assert_eq!(
        core.get_webhook(id, Actor::Ui)
            .await
            .unwrap()
            .url
            .as_deref(),
        Some("https://hooks.example.com/wa")
    );
    assert!(store
        .get(&pending_account(&second.number.phone))
        .unwrap()
        .is_none());
    assert!(!core.rotation_pending(id).unwrap());
    let history = core.key_history(id).unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|e| e.action == "key_generated")
            .count(),
        2
    );
    // A number not imported from a channel has no "generate".
    let other = common::add(&core, "+15550000999");
    let err = core.generate_key(other, Actor::Ui).await.unwrap_err();
    assert!(err.to_string().contains("paste a key"), "{err}");
}

#[tokio::test]
async fn a_refused_generation_is_explained_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let (sim, core, p, numbers) = setup(dir.path(), store.clone()).await;
    let id = numbers[1];
    core.generate_key(id, Actor::Ui).await.unwrap();
    let before = core.number(id).unwrap();
    reqwest::Client::new()
        .post(format!(
            "{}/_sim/partner/channels/{}/permission",
            sim.base_url,
            p["channels"][1]["id"].as_str().unwrap()
        ))
        .json(&json!({"granted": false}))
        .send()
        .await
        .unwrap();
    let err = core.generate_key(id, Actor::Ui).await.unwrap_err();
    let text = format!("{err} {}", err.payload().message);
    let explained = match &err {
        wabadesk_core::Error::Api(api) => api.explanation.clone().unwrap_or_default(),
        _ => String::new(),
    };
    assert!(explained.contains("permission"), "{text} / {explained}");
    let after = core.number(id).unwrap();
    assert_eq!(after.key_fingerprint, before.key_fingerprint);
    assert!(!core.rotation_pending(id).unwrap());
    let key = store.get(&account(&after.phone)).unwrap().unwrap();
    assert_eq!(
        health_with(&sim, key.expose()).await,
        200,
        "the key still works"
    );
}

#[tokio::test]
async fn a_death_at_any_step_of_a_generation_is_finished_with_the_minted_key() {
    for step in RotationStep::MINT {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(MemoryStore::new());
        let (sim, core, _p, numbers) = setup(dir.path(), store.clone()).await;
        let id = numbers[0];
        core.generate_key(id, Actor::Ui).await.unwrap();
        let phone = core.number(id).unwrap().phone;
        let old = store.get(&account(&phone)).unwrap().unwrap();
        core.set_crash_after(Some(step));
        let err = core.generate_key(id, Actor::Ui).await.unwrap_err();
        assert!(
            err.to_string().contains("simulated crash"),
            "{step:?}: {err}"
        );
        drop(core);
        // The simulator's current key is the minted one (the old one is revoked).
        let current: Value = reqwest::get(format!("{}/_sim/state", sim.base_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let minted = current["numbers"][0]["api_key"]
            .as_str()
            .unwrap()
            .to_string();

        let core = common::open(dir.path(), store.clone(), &sim);
        assert!(
            !core.rotation_pending(id).unwrap(),
            "{step:?}: journal closed"
        );
        assert!(
            store.get(&pending_account(&phone)).unwrap().is_none(),
            "{step:?}: no pending entry left"
        );
        let held = store.get(&account(&phone)).unwrap().unwrap();
        if step == RotationStep::Minted {
            // The answer was the key's only copy and it never reached the keyring: the old
            // key stays in place (revoked at 360dialog) and the audit log says what happened.
            assert_eq!(held, old);
            assert_ne!(held.expose(), &minted);
            assert_eq!(health_with(&sim, held.expose()).await, 401);
            let last = &core.key_history(id).unwrap()[0];
            assert_eq!(last.action, "key_rotation_rolled_back");
            assert!(
                last.detail.contains("generate a new key again"),
                "{}",
                last.detail
            );
            let again = core.generate_key(id, Actor::Ui).await.unwrap();
            assert_eq!(again.number.key_state, KeyState::Verified);
            continue;
        }
        assert_ne!(held, old, "{step:?}");
        assert_eq!(
            held.expose(),
            &minted,
            "{step:?}: the minted key is the number's"
        );
        let n = core.number(id).unwrap();
        assert_eq!(
            n.key_fingerprint.as_deref(),
            Some(held.fingerprint().as_str()),
            "{step:?}"
        );
        assert_eq!(health_with(&sim, held.expose()).await, 200, "{step:?}");
        assert_eq!(
            core.verify_key(id, Actor::Ui).await.unwrap().key_state,
            KeyState::Verified
        );
    }
}

fn order_draft() -> TemplateDraft {
    TemplateDraft {
        name: "order_ready".into(),
        category: "UTILITY".into(),
        language: "en_US".into(),
        body: "Hi {{1}}, your order is ready.".into(),
        body_samples: BTreeMap::from([("1".to_string(), "Ana".to_string())]),
        ..Default::default()
    }
}

#[tokio::test]
async fn signed_partner_events_apply_at_once_and_forged_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::new());
    let (sim, core, p, numbers) = setup(dir.path(), store.clone()).await;
    let core = Arc::new(core);
    let id = numbers[0];
    core.generate_key(id, Actor::Ui).await.unwrap();
    core.start_receiver("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = core.partner_events_url().unwrap();
    assert!(url.ends_with(events::PATH), "{url}");
    let secret = p["webhook_secret"].as_str().unwrap().to_string();
    let view = core
        .set_partner_webhook(&url, Some(Sensitive::new(secret.clone())), Actor::Ui)
        .await
        .unwrap();
    assert_eq!(view.webhook_url.as_deref(), Some(url.as_str()));
    assert!(view.has_webhook_secret);

    // A template submitted through the app is approved; the partner event updates the library
    // with no sync.
    core.create_template(id, &order_draft(), Actor::Ui)
        .await
        .unwrap();
    let mut approved = false;
    for _ in 0..100 {
        let lib = core
            .template_library(id, &TemplateFilter::default())
            .unwrap();
        if lib
            .groups
            .iter()
            .flat_map(|g| &g.variants)
            .any(|v| v.name == "order_ready" && v.status.eq_ignore_ascii_case("approved"))
        {
            approved = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        approved,
        "the partner event approved the template in the library: {:?} {:?} {:?}",
        partner_state(&sim).await["deliveries"],
        core.partner_events(None).unwrap(),
        core.list_rejections(5).unwrap()
    );

    // A channel event appears on the number.
    let channel = p["channels"][0]["id"].as_str().unwrap();
    reqwest::Client::new()
        .post(format!(
            "{}/_sim/partner/channels/{channel}/events",
            sim.base_url
        ))
        .json(&json!({"event": "account_restriction", "violation_type": "SPAM"}))
        .send()
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = core.partner_events(Some(id)).unwrap();
        if seen.iter().any(|e| e.event == "account_restriction") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let restricted = seen
        .iter()
        .find(|e| e.event == "account_restriction")
        .unwrap();
    assert!(
        restricted.summary.contains("restricted: SPAM"),
        "{}",
        restricted.summary
    );
    assert_eq!(
        core.number_channel(id).unwrap().unwrap().status.as_deref(),
        Some("restricted")
    );

    // Forged and unsigned events are refused and listed.
    let body = json!({"event": "channel_live", "data": {"id": channel}}).to_string();
    let http = reqwest::Client::new();
    let forged = http
        .post(&url)
        .header(
            events::SIGNATURE_HEADER,
            events::sign(b"not the secret", body.as_bytes()),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let unsigned = http.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let good = http
        .post(&url)
        .header(
            events::SIGNATURE_HEADER,
            events::sign(secret.as_bytes(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(good.status().as_u16(), 200);
    let mut reasons = Vec::new();
    for _ in 0..100 {
        reasons = core
            .list_rejections(10)
            .unwrap()
            .into_iter()
            .map(|r| r.reason)
            .collect::<Vec<_>>();
        if reasons.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("wrong x-360dialog-signature")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("unsigned partner event")),
        "{reasons:?}"
    );
    assert_eq!(
        core.number_channel(id).unwrap().unwrap().status.as_deref(),
        Some("live"),
        "only the signed event applied"
    );
    core.stop_receiver();
}
