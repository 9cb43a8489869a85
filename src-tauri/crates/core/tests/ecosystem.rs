//! Fitting the tools around 360dialog: a test-send's "copy as curl" pasted back opens the same
//! test-send; the Postman export keeps the key out unless asked, names only the client's paths
//! and never a phone-number id.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use wabadesk_core::api::PATHS;
use wabadesk_core::audit::Actor;
use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::templates::draft::{ButtonDraft, HeaderDraft, TemplateDraft};
use wabadesk_core::templates::library::TestSend;
use wabadesk_core::Core;
use wabadesk_sim::SimHandle;

async fn setup() -> (SimHandle, Arc<Core>, i64, tempfile::TempDir) {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let core = Arc::new(common::open(dir.path(), Arc::new(MemoryStore::new()), &sim));
    let id = common::add_with_key(&core, "+15550000300", &sim, 0).await;
    (sim, core, id, dir)
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn approved_template(core: &Core, id: i64) {
    let draft = TemplateDraft {
        name: "order_shipped".into(),
        category: "UTILITY".into(),
        language: "en_US".into(),
        header: HeaderDraft {
            format: "TEXT".into(),
            text: "Order {{1}}".into(),
            sample: "A-1001".into(),
            handle: String::new(),
        },
        body: "Hi {{1}}, your order ships on {{2}}.".into(),
        body_samples: values(&[("1", "Ana"), ("2", "Friday")]),
        buttons: vec![ButtonDraft {
            kind: "URL".into(),
            text: "Track".into(),
            url: "https://shop.example.com/t/{{1}}".into(),
            url_sample: "A-1001".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    core.create_template(id, &draft, Actor::Ui).await.unwrap();
    for _ in 0..100 {
        core.sync_templates(id, Actor::Ui).await.unwrap();
        if core
            .template(id, "order_shipped", "en_US")
            .unwrap()
            .is_approved()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the template was never approved");
}

#[tokio::test]
async fn copy_as_curl_pasted_back_opens_the_same_test_send() {
    let (sim, core, id, _dir) = setup().await;
    approved_template(&core, id).await;
    let send = TestSend {
        to: "4915123456789".into(),
        name: "order_shipped".into(),
        language: "en_US".into(),
        values: values(&[
            ("header.1", "B-7"),
            ("body.1", "Bo O'Neil"),
            ("body.2", "Monday \"late\""),
            ("buttons.0.url_suffix", "B-7"),
        ]),
    };
    let result = core.send_test(id, &send, Actor::Ui).await.unwrap();
    assert!(!result.curl.contains(&sim.numbers[0].api_key));
    assert!(!result.httpie.contains(&sim.numbers[0].api_key));
    assert!(result.httpie.contains("http POST") && result.httpie.contains("D360-API-KEY:••••"));

    let opened = core.import_curl(id, &result.curl).unwrap();
    assert_eq!(
        (
            opened.to.as_str(),
            opened.name.as_str(),
            opened.language.as_str()
        ),
        ("4915123456789", "order_shipped", "en_US")
    );
    assert_eq!(opened.values, send.values, "the form's values come back");
    assert!(opened.notes.is_empty(), "{:?}", opened.notes);

    // Sending what was opened makes the same request.
    let again = core
        .send_test(
            id,
            &TestSend {
                to: opened.to,
                name: opened.name,
                language: opened.language,
                values: opened.values,
            },
            Actor::Ui,
        )
        .await
        .unwrap();
    assert_eq!(again.request, result.request);
    assert_eq!(again.curl, result.curl);

    // A real key in a pasted command is noted and not kept; another host is named.
    let with_key = result
        .curl
        .replace(
            &format!("{}/messages", sim.base_url.trim_end_matches('/')),
            "https://waba-v2.360dialog.io/messages",
        )
        .replace(
            core.number(id).unwrap().key_hint.as_deref().unwrap(),
            "realkey123",
        );
    let opened = core.import_curl(id, &with_key).unwrap();
    assert_eq!(opened.notes.len(), 2, "{:?}", opened.notes);
    assert!(opened
        .notes
        .iter()
        .any(|n| n.contains("API key; it was not kept")));
    assert!(opened
        .notes
        .iter()
        .any(|n| n.contains("waba-v2.360dialog.io")));

    // A template the library does not have is named.
    let other = result.curl.replace("order_shipped", "not_here");
    let e = core.import_curl(id, &other).unwrap_err();
    assert!(e.to_string().contains("not_here"), "{e}");
}

fn urls(v: &Value, out: &mut Vec<(String, String)>) {
    if let Some(items) = v.get("item").and_then(Value::as_array) {
        for i in items {
            urls(i, out);
        }
    }
    if let Some(r) = v.get("request") {
        out.push((
            r["method"].as_str().unwrap().to_string(),
            r["url"]["raw"].as_str().unwrap().to_string(),
        ));
    }
}

#[tokio::test]
async fn the_postman_export_names_the_clients_paths_and_keeps_the_key_out_unless_asked() {
    let (sim, core, id, dir) = setup().await;
    approved_template(&core, id).await;
    let key = sim.numbers[0].api_key.clone();
    let phone_number_id = sim.numbers[0].phone_number_id.clone();

    let e = core.postman_export(id, false).unwrap();
    assert!(!e.key_included);
    let all = format!("{}{}", e.collection, e.environment);
    assert!(!all.contains(&key), "no key anywhere");
    assert!(
        !all.contains(&phone_number_id),
        "no phone-number id anywhere"
    );
    assert_eq!(
        e.collection["info"]["schema"],
        "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
    );
    let env: BTreeMap<String, Value> = e.environment["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["key"].as_str().unwrap().to_string(), v.clone()))
        .collect();
    assert_eq!(env["api_key"]["type"], "secret");
    assert_eq!(env["api_key"]["value"], "");
    assert_eq!(
        env["base_url"]["value"].as_str().unwrap(),
        sim.base_url.trim_end_matches('/')
    );

    let mut requests = Vec::new();
    urls(&e.collection, &mut requests);
    let names: Vec<(&str, &str)> = PATHS.to_vec();
    for (method, raw) in &requests {
        let path = raw
            .strip_prefix("{{base_url}}")
            .unwrap()
            .split('?')
            .next()
            .unwrap();
        assert!(
            names.iter().any(|(m, p)| m == method
                && (p == &path
                    || p.split('{').next().is_some_and(|stem| {
                        p.contains('{') && path.starts_with(stem) && path.len() > stem.len()
                    }))),
            "{method} {path} is one of the client's paths"
        );
    }
    // Health, webhook get and set, templates list/create/delete, sends (text and the approved
    // template, with its form's values), media and uploads.
    for want in [
        ("GET", "{{base_url}}/health_status"),
        ("GET", "{{base_url}}/v1/configs/webhook"),
        ("POST", "{{base_url}}/v1/configs/webhook"),
        ("POST", "{{base_url}}/v1/configs/templates"),
        (
            "DELETE",
            "{{base_url}}/v1/configs/templates/wabadesk_postman_check",
        ),
        ("POST", "{{base_url}}/media"),
        ("POST", "{{base_url}}/{{upload_session}}"),
    ] {
        assert!(
            requests.iter().any(|(m, r)| m == want.0 && r == want.1),
            "{want:?} in {requests:?}"
        );
    }
    let sends = requests
        .iter()
        .filter(|(_, r)| r.ends_with("/messages"))
        .count();
    assert_eq!(sends, 3, "text, the template, the image: {requests:?}");
    let text = e.collection.to_string();
    assert!(
        text.contains("A-1001"),
        "the template's sample values are the defaults"
    );

    let with_key = core.write_postman_export(id, true, dir.path()).unwrap();
    assert!(with_key.key_included);
    let written = std::fs::read_to_string(dir.path().join(&with_key.environment_file)).unwrap();
    assert!(written.contains(&key), "the key only when asked");
    let collection = std::fs::read_to_string(dir.path().join(&with_key.collection_file)).unwrap();
    assert!(!collection.contains(&key), "never in the collection");
    assert!(dir
        .path()
        .join(wabadesk_core::postman::SAMPLE_FILE)
        .exists());
}
