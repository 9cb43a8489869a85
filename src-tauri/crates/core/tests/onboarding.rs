//! Onboarding through the core against the simulator: business profile, conversational
//! components and block list (rules before sending, audit rows, the checklist's state).

mod common;

use std::sync::Arc;

use serde_json::json;
use wabadesk_core::api::{BotCommand, ConversationalAutomation};
use wabadesk_core::audit::{Actor, AuditAction, AuditFilter};
use wabadesk_core::onboarding::{BlockChange, BusinessProfileInput, ChecklistStep, Vertical};
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::{Error, ErrorCode};

fn audit_actions(core: &wabadesk_core::Core, id: i64) -> Vec<String> {
    core.audit_list(&AuditFilter {
        number_id: Some(id),
        ..Default::default()
    })
    .unwrap()
    .into_iter()
    .map(|e| e.action)
    .collect()
}

#[tokio::test]
async fn the_profile_is_checked_diffed_saved_and_audited() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let id = common::add_with_key(&core, "+4915100000020", &sim, 0).await;

    let empty = core.business_profile(id, Actor::Ui).await.unwrap();
    assert!(!empty.complete);
    assert_eq!(empty.missing.len(), 7);
    let step = |core: &wabadesk_core::Core| {
        core.checklist(id)
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.step == ChecklistStep::ProfileComplete)
            .unwrap()
    };
    assert!(!step(&core).done);

    // A limit broken at its field: nothing is sent.
    let err = core
        .set_business_profile(
            id,
            BusinessProfileInput {
                about: Some("a".repeat(140)),
                ..Default::default()
            },
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(
        matches!(err, Error::InvalidField { field: "about", .. }),
        "{err}"
    );

    // The photo: a PNG through the resumable upload, its handle set with the other fields.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.resize(4_000, 1);
    let photo = core
        .upload_sample(
            id,
            wabadesk_core::media::UploadFile {
                file_name: "logo.png".into(),
                bytes: png,
            },
            Some("IMAGE"),
            Actor::Ui,
            None,
        )
        .await
        .unwrap();
    let input = BusinessProfileInput {
        about: Some("Here to help".into()),
        description: Some("Bikes and repairs".into()),
        address: Some("Main St 1, Berlin".into()),
        email: Some("help@example.com".into()),
        websites: Some(vec!["https://example.com".into()]),
        vertical: Some(Vertical::Retail),
        profile_picture_handle: Some(photo.handle),
    };
    let diff = core.check_business_profile(&empty.profile, &input);
    assert!(diff.problems.is_empty());
    assert_eq!(diff.changes.len(), 7);
    let saved = core
        .set_business_profile(id, input.clone(), Actor::Ui)
        .await
        .unwrap();
    assert!(saved.complete, "{:?}", saved.missing);
    assert_eq!(saved.profile.vertical.as_deref(), Some("RETAIL"));
    assert!(step(&core).done);
    assert_eq!(
        audit_actions(&core, id).first().map(String::as_str),
        Some(AuditAction::BusinessProfileChanged.as_str())
    );

    // The same values again: nothing to change. Clearing the industry: refused at its field.
    let again = BusinessProfileInput {
        profile_picture_handle: None,
        ..input
    };
    assert!(core
        .set_business_profile(id, again, Actor::Ui)
        .await
        .is_err());
    let err = core
        .set_business_profile(
            id,
            BusinessProfileInput {
                vertical: Some(Vertical::Undefined),
                ..Default::default()
            },
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidField {
                field: "vertical",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn components_are_checked_saved_and_read_back() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let id = common::add_with_key(&core, "+4915100000021", &sim, 0).await;
    assert!(!core.components(id, Actor::Cli).await.unwrap().set);

    let too_many = ConversationalAutomation {
        prompts: (0..5).map(|i| format!("Question {i}")).collect(),
        ..Default::default()
    };
    let err = core
        .set_components(id, too_many, Actor::Cli)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidField {
                field: "prompts",
                ..
            }
        ),
        "{err}"
    );

    let good = ConversationalAutomation {
        enable_welcome_message: true,
        prompts: vec![" Where is my order? ".into()],
        commands: vec![BotCommand {
            command_name: "help".into(),
            command_description: "Talk to a person".into(),
        }],
    };
    let v = core.set_components(id, good, Actor::Cli).await.unwrap();
    assert!(v.set);
    assert_eq!(v.components.prompts, ["Where is my order?"], "sent trimmed");
    assert!(core
        .checklist(id)
        .unwrap()
        .items
        .iter()
        .any(|i| i.step == ChecklistStep::ComponentsSet && i.done));
    assert_eq!(
        audit_actions(&core, id).first().map(String::as_str),
        Some("components_changed")
    );
}

#[tokio::test]
async fn blocking_follows_the_24_hour_rule_and_is_audited() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let id = common::add_with_key(&core, "+4915100000022", &sim, 0).await;
    let n = core.number(id).unwrap();
    let http = reqwest::Client::new();
    // A customer writes now (the simulator opens the window).
    http.post(format!(
        "{}/_sim/numbers/{}/last_inbound",
        sim.base_url, sim.numbers[0].phone_number_id
    ))
    .json(&json!({"wa_id": "4915123456789"}))
    .send()
    .await
    .unwrap();
    // WABA Desk's inbox saw another customer write two days ago.
    let old = time::OffsetDateTime::now_utc().unix_timestamp() - 2 * 24 * 3600;
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": n.waba_id, "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4915100000022", "phone_number_id": n.phone_number_id},
        "contacts": [{"profile": {"name": "Old"}, "wa_id": "4915100000099"}],
        "messages": [{"from": "4915100000099", "id": "wamid.OLD", "timestamp": old.to_string(), "type": "text", "text": {"body": "hi"}}]
    }}]}]});
    core.import_events(&body.to_string()).unwrap();
    core.process_pending().unwrap();

    let err = core
        .change_blocked(
            id,
            BlockChange::Block,
            vec!["+4915100000099".into()],
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("24 hours"), "{err}");

    let too_many: Vec<String> = (0..1001).map(|i| format!("+4915{i:09}")).collect();
    let err = core
        .change_blocked(id, BlockChange::Block, too_many, Actor::Ui)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidField { field: "users", .. }),
        "{err}"
    );

    // One who wrote and one the simulator never heard from: Meta refuses the second only.
    let out = core
        .change_blocked(
            id,
            BlockChange::Block,
            vec!["+49 151 23456789".into(), "4915100000077".into()],
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(out.changed, ["4915123456789"]);
    assert_eq!(out.failed.len(), 1);
    assert_eq!(out.failed[0].code, Some(131047));
    let blocked = core.blocked_users(id, Actor::Ui).await.unwrap();
    assert_eq!(blocked[0].wa_id, "4915123456789");

    let out = core
        .change_blocked(
            id,
            BlockChange::Unblock,
            vec!["4915123456789".into()],
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(out.changed, ["4915123456789"]);
    assert!(core.blocked_users(id, Actor::Ui).await.unwrap().is_empty());
    let actions = audit_actions(&core, id);
    assert_eq!(&actions[..2], ["users_unblocked", "users_blocked"]);
}

#[test]
fn a_welcome_request_reads_as_an_opened_chat_in_the_inbox_and_history() {
    let core = wabadesk_core::Core::in_memory();
    common::add(&core, "+4915100000023");
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "4915100000023", "phone_number_id": "777"},
        "contacts": [{"profile": {"name": "Ben"}, "wa_id": "4915100000042"}],
        "messages": [{"from": "4915100000042", "id": "wamid.WELCOME", "timestamp": "1764633600", "type": "request_welcome"}]
    }}]}]});
    core.import_events(&body.to_string()).unwrap();
    core.process_pending().unwrap();
    let m = core.message_by_wamid("wamid.WELCOME").unwrap().unwrap();
    assert_eq!(
        m.body.as_deref(),
        Some("opened the chat (welcome requested)")
    );
    let events = core
        .list_inbox(&wabadesk_core::inbox::InboxFilter::default())
        .unwrap();
    assert!(
        events[0]
            .note
            .contains("4915100000042 opened the chat (welcome requested)"),
        "{}",
        events[0].note
    );
}
