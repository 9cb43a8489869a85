//! Templates against the simulator: build → create (PENDING) → sync (APPROVED) → test-send →
//! delivered through the inbox; a wrong parameter count explained; variants compared; delete;
//! QA runs with sign-off and reports.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wabadesk_core::api::Outgoing;
use wabadesk_core::audit::Actor;
use wabadesk_core::inbox;
use wabadesk_core::secrets::{MemoryStore, Sensitive};
use wabadesk_core::templates::draft::{ButtonDraft, HeaderDraft, TemplateDraft};
use wabadesk_core::templates::library::{TemplateFilter, TestSend};
use wabadesk_core::templates::qa::{ReportFormat, Verdict};
use wabadesk_core::{Core, Error, ErrorCode};
use wabadesk_sim::SimHandle;

async fn setup() -> (SimHandle, Arc<Core>, i64, tempfile::TempDir) {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000200", &sim, 0).await;
    (sim, core, id, dir)
}

fn samples(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn order_draft(language: &str) -> TemplateDraft {
    TemplateDraft {
        name: "order_shipped".into(),
        category: "UTILITY".into(),
        language: language.into(),
        header: HeaderDraft {
            format: "TEXT".into(),
            text: "Order {{1}}".into(),
            sample: "A-1001".into(),
            handle: String::new(),
        },
        body: "Hi {{1}}, your order ships on {{2}}.".into(),
        body_samples: samples(&[("1", "Ana"), ("2", "Friday")]),
        footer: "Reply STOP to opt out".into(),
        buttons: vec![ButtonDraft {
            kind: "URL".into(),
            text: "Track".into(),
            url: "https://shop.example.com/t/{{1}}".into(),
            url_sample: "A-1001".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

async fn sync_until_approved(core: &Core, id: i64) {
    for _ in 0..100 {
        let r = core.sync_templates(id, Actor::Ui).await.unwrap();
        let lib = core
            .template_library(id, &TemplateFilter::default())
            .unwrap();
        if lib
            .groups
            .iter()
            .flat_map(|g| &g.variants)
            .all(|v| !v.status.eq_ignore_ascii_case("pending"))
        {
            assert!(r.total > 0);
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("templates still pending");
}

#[tokio::test]
async fn create_sync_approve_test_send_and_see_delivered() {
    let (sim, core, id, _dir) = setup().await;
    let inbox = inbox::serve(core.clone(), SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    reqwest::Client::new()
        .post(format!("{}/v1/configs/webhook", sim.base_url))
        .header("D360-API-KEY", &sim.numbers[0].api_key)
        .json(&json!({"url": inbox.url()}))
        .send()
        .await
        .unwrap();

    let created = core
        .create_template(id, &order_draft("en_US"), Actor::Ui)
        .await
        .unwrap();
    assert!(
        created.status.eq_ignore_ascii_case("pending"),
        "{}",
        created.status
    );
    let lib = core
        .template_library(id, &TemplateFilter::default())
        .unwrap();
    assert_eq!(lib.groups[0].variants[0].status, created.status);
    assert_eq!(lib.synced_at, None, "created, never synced");

    tokio::time::sleep(Duration::from_millis(80)).await;
    let report = core.sync_templates(id, Actor::Ui).await.unwrap();
    assert_eq!((report.total, report.added, report.removed), (1, 0, 0));
    assert_eq!(report.changes.len(), 1);
    assert!(report.changes[0].to.eq_ignore_ascii_case("approved"));
    let t = core.template(id, "order_shipped", "en_US").unwrap();
    assert!(t.is_approved());

    // The form comes from the placeholders, with the template's samples as defaults.
    let form = core.send_form(id, "order_shipped", "en_US").unwrap();
    let keys: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|f| (f.path.as_str(), f.sample.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("header.1", "A-1001"),
            ("body.1", "Ana"),
            ("body.2", "Friday"),
            ("buttons.0.url_suffix", "A-1001")
        ]
    );
    assert_eq!(form.saved, None);

    let send = TestSend {
        to: "+4915123456789".into(),
        name: "order_shipped".into(),
        language: "en_US".into(),
        values: samples(&[
            ("header.1", "B-7"),
            ("body.1", "Bo"),
            ("body.2", "Monday"),
            ("buttons.0.url_suffix", "B-7"),
        ]),
    };
    let result = core.send_test(id, &send, Actor::Ui).await.unwrap();
    assert!(result.wamid.starts_with("wamid."));
    assert_eq!(
        result.request["template"]["components"][2]["parameters"][0]["text"],
        "B-7"
    );
    assert!(result.curl.contains("/messages") && result.curl.contains("D360-API-KEY: ••••"));
    assert!(
        !result.curl.contains(&sim.numbers[0].api_key),
        "key masked in curl"
    );

    // Statuses arrive through the inbox.
    for _ in 0..300 {
        if core
            .message_by_wamid(&result.wamid)
            .unwrap()
            .is_some_and(|m| m.delivered_at.is_some())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let m = core.message_by_wamid(&result.wamid).unwrap().unwrap();
    assert!(
        m.delivered_at.is_some(),
        "delivered through the inbox, status {}",
        m.status
    );
    assert_eq!(m.template_name.as_deref(), Some("order_shipped"));

    // Inputs are remembered, the recipient is offered next time.
    let form = core.send_form(id, "order_shipped", "en_US").unwrap();
    assert_eq!(form.saved.unwrap().values["body.2"], "Monday");
    assert_eq!(form.recent_recipients, ["4915123456789"]);
}

#[tokio::test]
async fn a_wrong_parameter_count_is_explained() {
    let (_sim, core, id, _dir) = setup().await;
    core.create_template(id, &order_draft("en_US"), Actor::Ui)
        .await
        .unwrap();
    sync_until_approved(&core, id).await;
    let err = core
        .send_message(
            id,
            &Outgoing::Template {
                to: "4915123456789".into(),
                name: "order_shipped".into(),
                language: "en_US".into(),
                components: vec![
                    json!({"type": "header", "parameters": [{"type": "text", "text": "A"}]}),
                    json!({"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}),
                    json!({"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A"}]}),
                ],
            },
            Actor::Ui,
        )
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err}")
    };
    assert_eq!(api.code, Some(132000));
    let explanation = api.explanation.as_deref().unwrap();
    assert!(
        explanation.starts_with("The template has 2 body variables, you sent 1."),
        "{explanation}"
    );
    assert!(err.to_string().contains("you sent 1"));

    // The form refuses a missing value before anything is sent.
    let err = core
        .send_test(
            id,
            &TestSend {
                to: "4915123456789".into(),
                name: "order_shipped".into(),
                language: "en_US".into(),
                values: samples(&[
                    ("header.1", "A"),
                    ("body.1", "Ana"),
                    ("buttons.0.url_suffix", "A"),
                ]),
            },
            Actor::Ui,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().contains("body.2"), "{err}");
}

#[tokio::test]
async fn lint_problems_are_refused_before_the_api() {
    let (sim, core, id, _dir) = setup().await;
    let mut d = order_draft("en_US");
    d.body = "{{1}} ships {{2}}".into();
    let err = core.create_template(id, &d, Actor::Ui).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().contains("start or end"), "{err}");
    let listed = wabadesk_core::api::Client::new(
        &sim.base_url,
        Sensitive::new(sim.numbers[0].api_key.clone()),
    )
    .unwrap()
    .list_all_templates(50)
    .await
    .unwrap();
    assert!(listed.is_empty(), "nothing reached the API");
}

#[tokio::test]
async fn variants_are_grouped_compared_filtered_and_deleted() {
    let (sim, core, id, _dir) = setup().await;
    core.create_template(id, &order_draft("en_US"), Actor::Ui)
        .await
        .unwrap();
    let mut de = order_draft("de");
    de.body = "Hallo {{1}}, Ihre Bestellung ist unterwegs.".into();
    de.body_samples = samples(&[("1", "Ana")]);
    de.buttons.insert(
        0,
        ButtonDraft {
            kind: "QUICK_REPLY".into(),
            text: "Stop".into(),
            ..Default::default()
        },
    );
    core.create_template(id, &de, Actor::Ui).await.unwrap();
    let mut rejected = order_draft("en_US");
    rejected.name = "reject_me".into();
    rejected.category = "MARKETING".into();
    core.create_template(id, &rejected, Actor::Ui)
        .await
        .unwrap();
    sync_until_approved(&core, id).await;

    let lib = core
        .template_library(id, &TemplateFilter::default())
        .unwrap();
    assert_eq!(lib.total, 3);
    assert!(lib.synced_at.is_some());
    let order = lib
        .groups
        .iter()
        .find(|g| g.name == "order_shipped")
        .unwrap();
    assert_eq!(order.variants.len(), 2);
    assert!(
        order
            .differences
            .iter()
            .any(|d| d.contains("body variables")
                && d.contains("de: 1 body variable")
                && d.contains("en_US: 2 body variables")),
        "{:?}",
        order.differences
    );
    assert!(order
        .differences
        .iter()
        .any(|d| d.starts_with("buttons differ")));
    let reject = lib.groups.iter().find(|g| g.name == "reject_me").unwrap();
    assert!(reject.variants[0].status.eq_ignore_ascii_case("rejected"));
    assert!(reject.variants[0].rejected_reason.is_some());
    let why = reject.variants[0]
        .rejected_explanation
        .as_deref()
        .unwrap_or("");
    assert!(
        why.contains("format") && !why.contains("INVALID_FORMAT"),
        "a rejection is explained, not a bare INVALID_FORMAT: {why}"
    );
    assert!(reject.differences.is_empty());

    let only = |f: TemplateFilter| -> Vec<(String, String)> {
        core.template_library(id, &f)
            .unwrap()
            .groups
            .into_iter()
            .flat_map(|g| g.variants)
            .map(|v| (v.name, v.language))
            .collect()
    };
    let pair = |n: &str, l: &str| (n.to_string(), l.to_string());
    assert_eq!(
        only(TemplateFilter {
            status: Some("REJECTED".into()),
            ..Default::default()
        }),
        [pair("reject_me", "en_US")]
    );
    assert_eq!(
        only(TemplateFilter {
            category: Some("marketing".into()),
            ..Default::default()
        }),
        [pair("reject_me", "en_US")]
    );
    assert_eq!(
        only(TemplateFilter {
            language: Some("de".into()),
            ..Default::default()
        }),
        [pair("order_shipped", "de")]
    );
    assert_eq!(
        only(TemplateFilter {
            search: Some("unterwegs".into()),
            ..Default::default()
        }),
        [pair("order_shipped", "de")]
    );
    assert_eq!(
        only(TemplateFilter {
            search: Some("reject".into()),
            ..Default::default()
        }),
        [pair("reject_me", "en_US")]
    );
    assert!(only(TemplateFilter {
        search: Some("100%".into()),
        ..Default::default()
    })
    .is_empty());

    // Deleted here: gone from the library; deleted elsewhere: gone at the next sync.
    assert_eq!(
        core.delete_template(id, "reject_me", Actor::Ui)
            .await
            .unwrap(),
        1
    );
    reqwest::Client::new()
        .delete(format!(
            "{}/v1/configs/templates/order_shipped",
            sim.base_url
        ))
        .header("D360-API-KEY", &sim.numbers[0].api_key)
        .send()
        .await
        .unwrap();
    let r = core.sync_templates(id, Actor::Ui).await.unwrap();
    assert_eq!((r.total, r.removed), (0, 2));
    assert_eq!(
        core.template_library(id, &TemplateFilter::default())
            .unwrap()
            .total,
        0
    );
    let actions: Vec<String> = core
        .audit_list(&Default::default())
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(
        actions.contains(&"template_created".to_string())
            && actions.contains(&"template_deleted".to_string())
    );
}

#[tokio::test]
async fn qa_run_over_every_approved_language_with_sign_off_and_report() {
    let (_sim, core, id, _dir) = setup().await;
    for lang in ["en_US", "de", "pt_BR"] {
        core.create_template(id, &order_draft(lang), Actor::Ui)
            .await
            .unwrap();
    }
    sync_until_approved(&core, id).await;
    // Saved inputs for one language are used; the others fall back to the samples.
    core.send_test(
        id,
        &TestSend {
            to: "4915123456789".into(),
            name: "order_shipped".into(),
            language: "de".into(),
            values: samples(&[
                ("header.1", "D-1"),
                ("body.1", "Jana"),
                ("body.2", "Montag"),
                ("buttons.0.url_suffix", "D-1"),
            ]),
        },
        Actor::Ui,
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let run = core
        .run_qa(
            id,
            "order_shipped",
            "+4915123456789",
            Actor::Ui,
            |done, total| seen.push((done, total)),
        )
        .await
        .unwrap();
    assert_eq!(seen.last(), Some(&(3, 3)));
    let langs: Vec<&str> = run.results.iter().map(|r| r.language.as_str()).collect();
    assert_eq!(langs, ["de", "en_US", "pt_BR"]);
    assert!(
        run.results
            .iter()
            .all(|r| r.wamid.is_some() && r.error.is_none()),
        "{:?}",
        run.results
    );
    let de_wamid = run.results[0].wamid.clone().unwrap();
    let detail = core.message_detail(&de_wamid).unwrap();
    assert!(
        detail.request_json.unwrap_or_default().contains("Montag"),
        "saved inputs used"
    );

    // What was sent is on each result: the rendered text, the values, the number it went from.
    assert!(
        !run.sender_phone.is_empty() && !run.sender_label.is_empty(),
        "{run:?}"
    );
    let de = &run.results[0];
    assert_eq!(de.values.get("body.1").map(String::as_str), Some("Jana"));
    let rendered = de.rendered.as_deref().unwrap_or_default();
    assert!(
        rendered.contains("Jana") && rendered.contains("Montag"),
        "{rendered}"
    );
    assert!(
        !rendered.contains("{{"),
        "every placeholder filled: {rendered}"
    );
    assert!(
        de.components.is_array(),
        "the template's components, for the bubble"
    );
    assert_eq!(
        core.qa_recent_recipients(id, 5)
            .unwrap()
            .first()
            .map(String::as_str),
        Some("4915123456789")
    );

    // Signing needs the name set in Settings.
    let unnamed = core
        .sign_off(run.id, "de", Verdict::Pass, "renders fine", None, Actor::Ui)
        .unwrap_err();
    assert_eq!(
        unnamed.payload().field.as_deref(),
        Some("your_name"),
        "{unnamed}"
    );
    let run = core
        .sign_off(
            run.id,
            "de",
            Verdict::Pass,
            "renders fine",
            Some("Ana Lima"),
            Actor::Ui,
        )
        .unwrap();
    let run = core
        .sign_off(
            run.id,
            "pt_BR",
            Verdict::Fail,
            "header | cut off",
            Some("Ana Lima"),
            Actor::Ui,
        )
        .unwrap();
    assert_eq!(run.results[0].verdict, Some(Verdict::Pass));
    assert_eq!(run.results[0].signer.as_deref(), Some("Ana Lima"));
    assert!(run.results[0].signed_at.is_some());
    assert_eq!(run.results[1].verdict, None);
    assert!(core
        .sign_off(run.id, "fr", Verdict::Pass, "", Some("Ana Lima"), Actor::Ui)
        .is_err());

    // A signed verdict is locked; changing it is a new entry, audited, the first kept.
    let locked = core
        .sign_off(run.id, "de", Verdict::Fail, "oops", Some("Bo"), Actor::Ui)
        .unwrap_err();
    assert!(
        locked
            .to_string()
            .contains("already signed off (pass by Ana Lima)"),
        "{locked}"
    );
    assert!(
        core.change_sign_off(run.id, "en_US", Verdict::Pass, "", Some("Bo"), Actor::Ui)
            .is_err(),
        "nothing to change before a first sign-off"
    );
    let run = core
        .change_sign_off(
            run.id,
            "de",
            Verdict::Fail,
            "button text wrong",
            Some("Bo"),
            Actor::Ui,
        )
        .unwrap();
    let de = &run.results[0];
    assert_eq!(
        (de.verdict, de.signer.as_deref()),
        (Some(Verdict::Fail), Some("Bo"))
    );
    assert_eq!(de.earlier.len(), 1);
    assert_eq!(de.earlier[0].verdict, Verdict::Pass);
    assert_eq!(de.earlier[0].signer.as_deref(), Some("Ana Lima"));
    assert_eq!(de.earlier[0].note, "renders fine");
    let audit = core
        .audit_list(&wabadesk_core::audit::AuditFilter::default())
        .unwrap();
    assert!(
        audit.iter().any(|e| e.action == "qa_sign_off_changed"
            && e.detail
                .contains("order_shipped (de): pass → fail by Bo — button text wrong")),
        "{audit:?}"
    );
    let run = core
        .change_sign_off(
            run.id,
            "de",
            Verdict::Pass,
            "renders fine",
            Some("Ana Lima"),
            Actor::Ui,
        )
        .unwrap();
    assert_eq!(run.results[0].earlier.len(), 2);

    let md = core.qa_report(run.id, ReportFormat::Markdown).unwrap();
    assert!(
        md.contains("# QA report: order_shipped") && md.contains("1 of 3 variant(s) passed"),
        "{md}"
    );
    assert!(
        md.contains("| pt_BR |") && md.contains("header \\| cut off"),
        "{md}"
    );
    assert!(md.contains("| Ana Lima |"), "the signer in the table: {md}");
    assert!(
        md.contains("\n## de\n\n> ") && md.contains("Jana"),
        "the rendered text: {md}"
    );
    assert!(md.contains("- `body.2`: Montag"), "the parameters: {md}");
    assert!(
        md.contains("Earlier sign-offs: pass by Ana Lima at "),
        "{md}"
    );
    assert!(md.contains(&run.sender_phone), "the number: {md}");
    let csv = core.qa_report(run.id, ReportFormat::Csv).unwrap();
    // The rendered text keeps its line breaks inside a quoted cell: split records, not lines.
    let records = csv_records(&csv);
    assert_eq!(records.len(), 4, "{csv}");
    assert!(
        records[1].starts_with("order_shipped,de,4915123456789,wamid.")
            && records[1].contains(",pass,renders fine,")
            && records[1].contains(",Ana Lima,")
            && records[1].contains("body.1 = Jana"),
        "{csv}"
    );
    let page = core.qa_report(run.id, ReportFormat::Html).unwrap();
    assert!(
        page.starts_with("<!doctype html>") && page.contains("<section data-language=\"de\">"),
        "{page}"
    );
    assert!(
        page.contains("Ana Lima") && page.contains("Montag"),
        "{page}"
    );
    let file = core.export_qa_report(run.id, ReportFormat::Html).unwrap();
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("html"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), page);
    assert_eq!(core.qa_runs(id, "order_shipped").unwrap().len(), 1);

    // A note a spreadsheet would run as a formula is written as text; HTML gets it escaped.
    for payload in [
        "=HYPERLINK(\"http://evil.example/\",\"open\")",
        "=cmd|' /C calc'!A0",
    ] {
        let signed = core.qa_run(run.id).unwrap().results[1].verdict.is_some();
        if signed {
            core.change_sign_off(
                run.id,
                "en_US",
                Verdict::Fail,
                payload,
                Some("Ana Lima"),
                Actor::Ui,
            )
            .unwrap();
        } else {
            core.sign_off(
                run.id,
                "en_US",
                Verdict::Fail,
                payload,
                Some("Ana Lima"),
                Actor::Ui,
            )
            .unwrap();
        }
        let csv = core.qa_report(run.id, ReportFormat::Csv).unwrap();
        let quoted = format!("\"'{}\"", payload.replace('"', "\"\""));
        assert!(csv.contains(&format!(",fail,{quoted},")), "{csv}");
        assert!(!csv.contains(",="), "{csv}");
    }
    let page = core.qa_report(run.id, ReportFormat::Html).unwrap();
    assert!(
        !page.contains("\"http://evil") && page.contains("&quot;http://evil.example/&quot;"),
        "{page}"
    );

    let err = core
        .run_qa(id, "nope", "4915123456789", Actor::Ui, |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
}

#[tokio::test]
async fn a_media_file_chosen_for_one_language_serves_the_qa_run_of_the_others() {
    let (_sim, core, id, _dir) = setup().await;
    for (lang, body) in [
        ("en_US", "Our spring sale starts today."),
        ("de", "Unser Frühlingsverkauf beginnt heute."),
    ] {
        let draft = TemplateDraft {
            name: "spring_sale".into(),
            category: "MARKETING".into(),
            language: lang.into(),
            header: HeaderDraft {
                format: "IMAGE".into(),
                handle: "4::aW1hZ2UvcG5n:ARa".into(),
                ..Default::default()
            },
            body: body.into(),
            ..Default::default()
        };
        core.create_template(id, &draft, Actor::Ui).await.unwrap();
    }
    sync_until_approved(&core, id).await;
    // Without any picture chosen, a media template cannot be sent: said per language.
    let run = core
        .run_qa(id, "spring_sale", "+4915123456789", Actor::Ui, |_, _| {})
        .await
        .unwrap();
    assert!(
        run.results.iter().all(|r| r.wamid.is_none()
            && r.error
                .as_deref()
                .is_some_and(|e| e.contains("inputs incomplete"))),
        "{:?}",
        run.results
    );
    // The picture chosen in the English test-send serves the German variant too.
    core.send_test(
        id,
        &TestSend {
            to: "4915123456789".into(),
            name: "spring_sale".into(),
            language: "en_US".into(),
            values: samples(&[("header.image.link", "https://shop.example.com/spring.png")]),
        },
        Actor::Ui,
    )
    .await
    .unwrap();
    let run = core
        .run_qa(id, "spring_sale", "+4915123456789", Actor::Ui, |_, _| {})
        .await
        .unwrap();
    assert_eq!(run.results.len(), 2);
    for r in &run.results {
        assert!(r.wamid.is_some() && r.error.is_none(), "{r:?}");
        let detail = core.message_detail(r.wamid.as_ref().unwrap()).unwrap();
        assert!(
            detail
                .request_json
                .unwrap_or_default()
                .contains("spring.png"),
            "{} sent the picture",
            r.language
        );
    }
}

#[tokio::test]
async fn template_sends_are_found_shown_and_exported_by_what_they_said() {
    let (_sim, core, id, _dir) = setup().await;
    core.create_template(id, &order_draft("en_US"), Actor::Ui)
        .await
        .unwrap();
    sync_until_approved(&core, id).await;
    core.send_test(
        id,
        &TestSend {
            to: "4915123456789".into(),
            name: "order_shipped".into(),
            language: "en_US".into(),
            values: samples(&[
                ("header.1", "Z-77"),
                ("body.1", "Zoltan"),
                ("body.2", "Wednesday"),
                ("buttons.0.url_suffix", "Z-77"),
            ]),
        },
        Actor::Ui,
    )
    .await
    .unwrap();
    let rendered =
        "Order Z-77\n\nHi Zoltan, your order ships on Wednesday.\n\nReply STOP to opt out";
    // A parameter value finds the send; the row says what was sent, in which language.
    let found = core
        .list_messages(&wabadesk_core::history::HistoryFilter {
            search: Some("zoltan".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].body.as_deref(), Some(rendered));
    assert_eq!(found[0].template_language.as_deref(), Some("en_US"));
    // The conversation shows the text, not "[template]".
    let conv = core.conversation(Some(id), "+4915123456789").unwrap();
    assert_eq!(
        conv.messages.last().and_then(|m| m.body.as_deref()),
        Some(rendered)
    );

    // A template not in the local library: the values sent are still recorded and found.
    let _ = core
        .send_message(
            id,
            &Outgoing::Template {
                to: "4915123456789".into(),
                name: "never_synced".into(),
                language: "de".into(),
                components: vec![json!({"type": "body", "parameters": [{"type": "text", "text": "Quimby"}, {"type": "text", "text": "Dienstag"}]})],
            },
            Actor::Ui,
        )
        .await;
    let found = core
        .list_messages(&wabadesk_core::history::HistoryFilter {
            search: Some("Quimby".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].body.as_deref(),
        Some("never_synced: Quimby · Dienstag")
    );

    // The CSV names the number by label and phone, with the template's language and the text.
    let mut csv = Vec::new();
    core.write_history(
        &Default::default(),
        wabadesk_core::history::ExportFormat::Csv,
        &mut csv,
        |_| {},
    )
    .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let records = csv_records(&csv);
    assert!(
        records[0].starts_with("created_at,number_label,number_phone,direction,contact,contact_name,type,template_name,template_language,body,"),
        "{csv}"
    );
    let row = records
        .iter()
        .find(|r| r.contains("Zoltan"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        row.contains(
            ",Label +15550000200,+15550000200,out,4915123456789,,template,order_shipped,en_US,"
        ) && row.contains(&format!("\"{rendered}\"")),
        "{row}"
    );
}

#[tokio::test]
async fn authentication_templates_send_the_code_in_body_and_button() {
    let (_sim, core, id, _dir) = setup().await;
    let draft = TemplateDraft {
        name: "login_code".into(),
        category: "AUTHENTICATION".into(),
        language: "en_US".into(),
        add_security_recommendation: true,
        code_expiration_minutes: Some(10),
        buttons: vec![ButtonDraft {
            kind: "OTP".into(),
            otp_type: "COPY_CODE".into(),
            text: "Copy code".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(draft.check().issues, vec![]);
    core.create_template(id, &draft, Actor::Ui).await.unwrap();
    sync_until_approved(&core, id).await;
    let form = core.send_form(id, "login_code", "en_US").unwrap();
    assert_eq!(form.fields.len(), 1);
    let r = core
        .send_test(
            id,
            &TestSend {
                to: "4915123456789".into(),
                name: "login_code".into(),
                language: "en_US".into(),
                values: samples(&[("otp", "481516")]),
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    assert!(r.wamid.starts_with("wamid."));
}

#[tokio::test]
async fn builder_drafts_are_saved_per_number_and_survive_a_restart() {
    use wabadesk_core::templates::saved::DraftSave;

    let (sim, core, id, dir) = setup().await;
    let other = common::add_with_key(&core, "+15550000201", &sim, 1).await;
    let mut half = TemplateDraft {
        name: "order_upd".into(),
        category: "UTILITY".into(),
        body: "Hi {{1}}".into(),
        ..Default::default()
    };
    let saved = core
        .save_template_draft(
            id,
            &DraftSave {
                title: "New template".into(),
                draft: half.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    // Autosave: the same draft saved again as the user types, not a second one.
    half.name = "order_update".into();
    let again = core
        .save_template_draft(
            id,
            &DraftSave {
                id: Some(saved.id),
                title: "New template".into(),
                draft: half.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(again.id, saved.id);
    core.save_template_draft(
        id,
        &DraftSave {
            title: "Add a language".into(),
            draft: order_draft(""),
            source_name: Some("order_shipped".into()),
            source_language: Some("en_US".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        core.template_drafts(other).unwrap().is_empty(),
        "per number"
    );
    // Another number cannot overwrite this number's draft.
    let err = core
        .save_template_draft(
            other,
            &DraftSave {
                id: Some(saved.id),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    drop(core);

    // A restart: the same data directory opened again.
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let drafts = core.template_drafts(id).unwrap();
    assert_eq!(drafts.len(), 2);
    let first = drafts.iter().find(|d| d.id == saved.id).unwrap();
    assert_eq!(first.draft, half);
    assert_eq!(first.title, "New template");
    let lang = drafts.iter().find(|d| d.id != saved.id).unwrap();
    assert_eq!(lang.source_language.as_deref(), Some("en_US"));
    assert_eq!(lang.draft.body, order_draft("").body);
    assert_eq!(core.template_saved_draft(id, saved.id).unwrap().draft, half);

    core.discard_template_draft(id, saved.id).unwrap();
    core.discard_template_draft(id, saved.id).unwrap();
    assert_eq!(core.template_drafts(id).unwrap().len(), 1);
    assert_eq!(
        core.template_saved_draft(id, saved.id).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn a_name_and_language_in_the_library_are_caught_before_submit() {
    let (sim, core, id, _dir) = setup().await;
    core.create_template(id, &order_draft("en_US"), Actor::Ui)
        .await
        .unwrap();
    let calls_before = sim_template_count(&sim).await;

    let check = core.check_template_for(id, &order_draft("en_US")).unwrap();
    let at: Vec<&str> = check.issues.iter().map(|i| i.path.as_str()).collect();
    assert!(at.contains(&"language") && at.contains(&"name"), "{at:?}");
    assert!(
        check.issues[0].message.contains("already exists"),
        "{:?}",
        check.issues
    );
    // Another language of the same name is fine.
    assert!(core
        .check_template_for(id, &order_draft("de"))
        .unwrap()
        .issues
        .is_empty());

    // Submitting it anyway is refused locally, nothing reaches the API.
    let err = core
        .create_template(id, &order_draft("en_US"), Actor::Ui)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation);
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(sim_template_count(&sim).await, calls_before);
}

/// A CSV's records: a line break inside a quoted cell does not end one.
fn csv_records(csv: &str) -> Vec<String> {
    let mut records = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in csv.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                current.push(ch);
            }
            '\n' if !quoted => records.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    if !current.is_empty() {
        records.push(current);
    }
    records
}

async fn sim_template_count(sim: &SimHandle) -> usize {
    let v: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/v1/configs/templates", sim.base_url))
        .header("D360-API-KEY", &sim.numbers[0].api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["waba_templates"]
        .as_array()
        .or_else(|| v["data"].as_array())
        .map(Vec::len)
        .expect("a template list")
}

#[tokio::test]
async fn carousel_and_offer_drafts_are_saved_and_submitted_as_meta_documents_them() {
    use wabadesk_core::templates::saved::DraftSave;

    let (sim, core, id, dir) = setup().await;
    let corpus = |file: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/conformance/templates")
            .join(file);
        TemplateDraft::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let carousel = corpus("metadocs-media-card-carousel.json");
    let offer = corpus("metadocs-limited-time-offer.json");
    for draft in [&carousel, &offer] {
        let row = core.create_template(id, draft, Actor::Ui).await.unwrap();
        assert_eq!(
            row.components,
            draft.to_body()["components"],
            "{}",
            draft.name
        );
    }
    sync_until_approved(&core, id).await;
    let lib = core
        .template_library(id, &TemplateFilter::default())
        .unwrap();
    for name in [&carousel.name, &offer.name] {
        let group = lib.groups.iter().find(|g| &g.name == name).unwrap();
        assert_eq!(
            group.variants[0].to_draft().kind,
            if name == &carousel.name {
                "CAROUSEL"
            } else {
                "LIMITED_TIME_OFFER"
            }
        );
    }
    for (title, draft) in [("New carousel", &carousel), ("New offer", &offer)] {
        core.save_template_draft(
            id,
            &DraftSave {
                title: title.into(),
                draft: draft.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    drop(core);
    // After a restart the cards and the offer are still there.
    let core = common::open(dir.path(), Arc::new(MemoryStore::new()), &sim);
    let drafts = core.template_drafts(id).unwrap();
    let find = |title: &str| {
        drafts
            .iter()
            .find(|d| d.title == title)
            .unwrap()
            .draft
            .clone()
    };
    assert_eq!(find("New carousel"), carousel);
    assert_eq!(find("New carousel").cards.len(), 3);
    assert_eq!(find("New offer"), offer);
    assert_eq!(find("New offer").offer.text, "Expiring offer!");
}
