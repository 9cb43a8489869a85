//! Uploads against the simulator: a template sample through the resumable upload (progress,
//! handle, a template created with it), a transfer cut off mid-way and resumed from the offset
//! 360dialog reports, Meta's limits checked before anything is sent, and media for messages
//! kept in the number's library and used in a test send.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use wabadesk_core::audit::{Actor, AuditFilter};
use wabadesk_core::events::{RecordingSink, Topic};
use wabadesk_core::media::{UploadFile, UploadProgress, UploadProgressFn};
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::templates::draft::{HeaderDraft, TemplateDraft};
use wabadesk_core::templates::library::{TemplateFilter, TestSend};
use wabadesk_core::{Core, Error};
use wabadesk_sim::SimHandle;

async fn setup() -> (SimHandle, Arc<Core>, i64, tempfile::TempDir) {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000300", &sim, 0).await;
    (sim, core, id, dir)
}

/// A PNG-looking file of `len` bytes.
fn png(len: usize) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend((0..len - 8).map(|i| (i % 253) as u8));
    b
}

fn recorder() -> (UploadProgressFn, Arc<Mutex<Vec<UploadProgress>>>) {
    let seen: Arc<Mutex<Vec<UploadProgress>>> = Arc::default();
    let s = seen.clone();
    (Arc::new(move |p| s.lock().unwrap().push(p)), seen)
}

async fn fault(sim: &SimHandle, body: serde_json::Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/_sim/faults", sim.base_url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
}

fn image_draft(handle: &str) -> TemplateDraft {
    TemplateDraft {
        name: "spring_sale".into(),
        category: "MARKETING".into(),
        language: "en_US".into(),
        header: HeaderDraft {
            format: "IMAGE".into(),
            handle: handle.into(),
            ..Default::default()
        },
        body: "Our spring sale starts today.".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_sample_uploads_with_progress_and_its_handle_creates_the_template() {
    let (_sim, core, id, _dir) = setup().await;
    let (progress, seen) = recorder();
    let file = UploadFile {
        file_name: "sale.png".into(),
        bytes: png(300_000),
    };
    let up = core
        .upload_sample(id, file, Some("IMAGE"), Actor::Ui, Some(progress))
        .await
        .unwrap();
    assert!(up.handle.starts_with("4::"), "{}", up.handle);
    assert_eq!(
        (up.mime_type.as_str(), up.size, up.resumes),
        ("image/png", 300_000, 0)
    );
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() > 2, "several steps: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].sent <= w[1].sent));
    assert_eq!(
        seen.last(),
        Some(&UploadProgress {
            sent: 300_000,
            total: 300_000,
            resumes: 0
        })
    );

    let created = core
        .create_template(id, &image_draft(&up.handle), Actor::Ui)
        .await
        .unwrap();
    assert!(created.status.eq_ignore_ascii_case("pending"));
    let audit = core.audit_list(&AuditFilter::default()).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "media_uploaded" && e.detail.contains("sale.png")));
}

#[tokio::test]
async fn a_cut_transfer_resumes_from_the_offset_360dialog_reports() {
    let (sim, core, id, _dir) = setup().await;
    fault(
        &sim,
        json!({"kind": "cut_body", "after_bytes": 120_000, "path": "/upload:"}),
    )
    .await;
    let (progress, seen) = recorder();
    let up = core
        .upload_sample(
            id,
            UploadFile {
                file_name: "sale.png".into(),
                bytes: png(400_000),
            },
            Some("IMAGE"),
            Actor::Ui,
            Some(progress),
        )
        .await
        .unwrap();
    assert!(up.handle.starts_with("4::"));
    assert_eq!(up.resumes, 1, "one interruption, one resume");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.contains(&UploadProgress {
            sent: 120_000,
            total: 400_000,
            resumes: 1
        }),
        "the bar goes back to what 360dialog holds: {seen:?}"
    );
    assert_eq!(seen.last().unwrap().sent, 400_000);
    // The session holds the whole file exactly once.
    let inner = sim.sim.lock();
    let sessions: Vec<_> = inner.uploads.values().collect();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].received, png(400_000));
}

#[tokio::test]
async fn metas_limits_are_checked_before_anything_is_sent() {
    let (sim, core, id, _dir) = setup().await;
    let cases = [
        ("anim.gif", vec![b'G', b'I', b'F', b'8'], Some("IMAGE")),
        ("big.png", png(5 * 1024 * 1024 + 1), Some("IMAGE")),
        ("brochure.pdf", b"%PDF-1.7".to_vec(), Some("VIDEO")),
        ("renamed.png", b"%PDF-1.7".to_vec(), None),
    ];
    for (name, bytes, format) in cases {
        let err = core
            .upload_sample(
                id,
                UploadFile {
                    file_name: name.into(),
                    bytes,
                },
                format,
                Actor::Ui,
                None,
            )
            .await
            .unwrap_err();
        match err {
            Error::InvalidField { field, .. } => assert_eq!(field, "file", "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    let err = core
        .upload_media_file(
            id,
            UploadFile {
                file_name: "clip.mkv".into(),
                bytes: vec![1; 10],
            },
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.payload().field.as_deref(), Some("file"));
    let inner = sim.sim.lock();
    assert!(inner.uploads.is_empty() && inner.media.is_empty());
}

#[tokio::test]
async fn media_goes_to_the_library_with_its_expiry_and_a_test_send_uses_its_id() {
    let (_sim, core, id, _dir) = setup().await;
    let sink = Arc::new(RecordingSink::new());
    core.set_event_sink(sink.clone());
    let up = core
        .upload_sample(
            id,
            UploadFile {
                file_name: "sale.png".into(),
                bytes: png(20_000),
            },
            Some("IMAGE"),
            Actor::Ui,
            None,
        )
        .await
        .unwrap();
    core.create_template(id, &image_draft(&up.handle), Actor::Ui)
        .await
        .unwrap();

    let file = core
        .upload_media_file(
            id,
            UploadFile {
                file_name: "photo.png".into(),
                bytes: png(50_000),
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    assert!(file.media_id.chars().all(|c| c.is_ascii_digit()));
    let library = core.media_library(id).unwrap();
    assert_eq!(library, std::slice::from_ref(&file));
    let uploaded = time::OffsetDateTime::parse(
        &file.uploaded_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        &file.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires - uploaded, time::Duration::days(30));
    assert!(!file.expired);
    assert!(sink
        .take()
        .iter()
        .any(|c| c.topic == Topic::Media && c.number_id == Some(id)));

    // Approved by the simulator's review; the test send takes the library's media id.
    for _ in 0..100 {
        core.sync_templates(id, Actor::Ui).await.unwrap();
        let lib = core
            .template_library(id, &TemplateFilter::default())
            .unwrap();
        if lib.groups[0].variants[0]
            .status
            .eq_ignore_ascii_case("approved")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = core
        .send_test(
            id,
            &TestSend {
                to: "+4915123456789".into(),
                name: "spring_sale".into(),
                language: "en_US".into(),
                values: BTreeMap::from([("header.image.id".to_string(), file.media_id.clone())]),
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(
        sent.request["template"]["components"][0]["parameters"][0]["image"],
        json!({"id": file.media_id})
    );

    core.forget_media(id, file.id).unwrap();
    assert!(core.media_library(id).unwrap().is_empty());
}

#[tokio::test]
async fn a_media_message_sends_a_library_id_inside_the_window_and_is_recorded() {
    let (sim, core, id, _dir) = setup().await;
    let pnid = sim.numbers[0].phone_number_id.clone();
    let opened = reqwest::Client::new()
        .post(format!("{}/_sim/numbers/{pnid}/last_inbound", sim.base_url))
        .json(&json!({"wa_id": "4915123456789", "age_secs": 60}))
        .send()
        .await
        .unwrap();
    assert!(opened.status().is_success());
    let file = core
        .upload_media_file(
            id,
            UploadFile {
                file_name: "photo.png".into(),
                bytes: png(10_000),
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    let resp = core
        .send_media_with_progress(
            id,
            "+49 151 23456789",
            "image",
            &file.media_id,
            Some("Spring sale"),
            None,
            Actor::Ui,
            None,
        )
        .await
        .unwrap();
    let wamid = resp.wamid().unwrap().to_string();
    let sent = core
        .list_messages(&wabadesk_core::history::HistoryFilter::default())
        .unwrap();
    let row = sent
        .iter()
        .find(|m| m.wamid.as_deref() == Some(&wamid))
        .unwrap();
    assert_eq!(row.kind, "image");
    assert_eq!(row.body.as_deref(), Some("[image] Spring sale"));
    // "Resend as test" sends the same media again.
    core.resend(&wamid, Actor::Ui).await.unwrap();

    // An id this number never uploaded is refused by 360dialog; bad input never leaves.
    let err = core
        .send_media_with_progress(
            id,
            "4915123456789",
            "image",
            "999",
            None,
            None,
            Actor::Ui,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.payload().code,
        wabadesk_core::ErrorCode::Upstream,
        "{err}"
    );
    for (kind, source, caption, field) in [
        ("image", "", None, Some("media")),
        ("audio", file.media_id.as_str(), Some("hi"), Some("caption")),
        ("gif", file.media_id.as_str(), None, None),
    ] {
        let err = core
            .send_media_with_progress(
                id,
                "4915123456789",
                kind,
                source,
                caption,
                None,
                Actor::Ui,
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(err.payload().field.as_deref(), field, "{kind}: {err}");
    }
}
