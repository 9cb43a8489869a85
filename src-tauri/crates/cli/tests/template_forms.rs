//! `template form` and `template send --set/--samples` for every documented template type
//! (the conformance corpus in `core/tests/conformance/templates`), against the simulator and
//! the real OS keyring.
//!
//! Ignored by default: they need a running, unlocked Secret Service (`npm test` provides one).

mod common;
use common::wabadesk;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;
use wabadesk_sim::{start, SimConfig};

/// The kinds `template form --json` may print (the contract in the README).
const KINDS: &[&str] = &[
    "text",
    "url_suffix",
    "media_link",
    "media_id",
    "latitude",
    "longitude",
    "location_name",
    "location_address",
    "coupon_code",
    "otp",
    "product_retailer_id",
    "catalog_id",
    "expiration_time_ms",
    "currency",
    "date_time",
];

/// The corpus template Meta's own reference refuses (placeholder category; see the corpus
/// README): it cannot be created, so it has no form to test.
const NOT_CREATABLE: &str = "metadocs-call-permission-request.json";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/conformance/templates")
}

/// (file, template body) of every creatable corpus template, each under a name of its own
/// (several documented examples share a name).
fn templates() -> Vec<(String, Value)> {
    let mut files: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != NOT_CREATABLE)
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let mut t: Value =
                serde_json::from_str(&std::fs::read_to_string(corpus().join(&f)).unwrap()).unwrap();
            t["name"] = Value::from(f.trim_end_matches(".json").replace('-', "_"));
            (f, t)
        })
        .collect()
}

/// A value of the right kind for a field without a sample.
fn value_for(path: &str, kind: &str) -> &'static str {
    match kind {
        "media_link" => "https://example.com/media/sample.jpg",
        "media_id" => "1602186516975000",
        "latitude" => "37.483307",
        "longitude" => "-122.148981",
        "location_name" => "Philz Coffee",
        "location_address" => "101 Forest Ave, Palo Alto, CA 94301",
        "coupon_code" => "SAVE10",
        "otp" => "481516",
        "product_retailer_id" => "2lc20305pt",
        "catalog_id" => "194836987003835",
        "expiration_time_ms" => "1209600000",
        "url_suffix" => "n3mtql",
        _ if path.ends_with(".sections") => "Popular Bundles: 2lc20305pt, nseiw1x3ch",
        _ => "Pablo",
    }
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn template_form_and_send_by_path_for_every_documented_type() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-forms-{}", std::process::id());
    let run = |args: &[&str], stdin: Option<&str>| wabadesk(dir.path(), &service, args, stdin);

    let add = run(
        &[
            "numbers",
            "add",
            "--phone",
            "+4915123450000",
            "--label",
            "Forms",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url,
        ],
        None,
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let key = sim.numbers[0].api_key.clone();
    let set = run(
        &["key", "set", "Forms", "--json"],
        Some(&format!("{key}\n")),
    );
    assert_eq!(set.code, 0, "{}", set.stderr);

    // The templates are created in the Hub (the outside world), as documented.
    let templates = templates();
    rt.block_on(async {
        let client = reqwest::Client::new();
        for (file, t) in &templates {
            let r = client
                .post(format!("{}/v1/configs/templates", sim.base_url))
                .header("D360-API-KEY", &key)
                .json(t)
                .send()
                .await
                .unwrap();
            let status = r.status();
            assert_eq!(status, 200, "{file}: {}", r.text().await.unwrap());
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(150));
    let list = run(&["template", "list", "Forms", "--sync", "--json"], None);
    assert_eq!(list.code, 0, "{}", list.stderr);

    let mut kinds_seen = BTreeSet::new();
    for (file, t) in &templates {
        let name = t["name"].as_str().unwrap();
        let lang = t["language"].as_str().unwrap();
        let form = run(
            &["template", "form", "Forms", name, "--lang", lang, "--json"],
            None,
        );
        assert_eq!(form.code, 0, "{file}: {}", form.stderr);
        assert_eq!(form.json["name"], name);
        let fields = form.json["fields"].as_array().unwrap();
        let mut paths = BTreeSet::new();
        for f in fields {
            let path = f["path"].as_str().unwrap();
            let kind = f["kind"].as_str().unwrap();
            assert!(paths.insert(path.to_string()), "{file}: {path} twice");
            assert!(KINDS.contains(&kind), "{file}: {path} has kind {kind}");
            assert!(!f["label"].as_str().unwrap().is_empty(), "{file}: {path}");
            assert!(f["required"].is_boolean() && f["sample"].is_string(), "{f}");
            kinds_seen.insert(kind.to_string());
        }
        let text = run(&["template", "form", "Forms", name, "--lang", lang], None);
        assert_eq!(text.code, 0, "{file}: {}", text.stderr);
        for p in &paths {
            assert!(text.stdout.contains(p.as_str()), "{file}: {}", text.stdout);
        }

        // Send with the samples, and every field without one set by path.
        let mut args: Vec<String> = [
            "template",
            "send",
            "Forms",
            "--to",
            "4915123456789",
            "--name",
            name,
            "--lang",
            lang,
            "--samples",
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut groups = BTreeSet::new();
        for f in fields {
            let path = f["path"].as_str().unwrap();
            if !f["sample"].as_str().unwrap().is_empty() {
                continue;
            }
            if let Some(g) = f["one_of"].as_str() {
                if !groups.insert(g.to_string()) {
                    continue; // one of the alternatives is enough
                }
            }
            args.push("--set".into());
            args.push(format!(
                "{path}={}",
                value_for(path, f["kind"].as_str().unwrap())
            ));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let sent = run(&args, None);
        assert_eq!(
            sent.code, 0,
            "{file}: {args:?}\n{}\n{}",
            sent.stdout, sent.stderr
        );
        assert!(
            sent.json["wamid"].as_str().unwrap().starts_with("wamid."),
            "{file}: {}",
            sent.stdout
        );
    }
    for kind in [
        "text",
        "url_suffix",
        "media_link",
        "media_id",
        "latitude",
        "longitude",
        "location_name",
        "location_address",
        "coupon_code",
        "otp",
        "product_retailer_id",
        "catalog_id",
        "expiration_time_ms",
    ] {
        assert!(
            kinds_seen.contains(kind),
            "no corpus template has a {kind} field"
        );
    }

    // The paths of the documented types, as the README describes them.
    let form_of = |file: &str| -> Vec<String> {
        let (_, t) = templates.iter().find(|(f, _)| f == file).unwrap();
        let r = run(
            &[
                "template",
                "form",
                "Forms",
                t["name"].as_str().unwrap(),
                "--lang",
                t["language"].as_str().unwrap(),
                "--json",
            ],
            None,
        );
        r.json["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        form_of("metadocs-limited-time-offer.json"),
        [
            "header.image.link",
            "header.image.id",
            "body.1",
            "body.2",
            "limited_time_offer.expiration_time_ms",
            "buttons.0.coupon_code",
            "buttons.1.url_suffix"
        ]
    );
    assert_eq!(
        form_of("metadocs-utility-location-header.json")[..4],
        [
            "header.location.latitude",
            "header.location.longitude",
            "header.location.name",
            "header.location.address"
        ]
    );
    let carousel = form_of("metadocs-media-card-carousel.json");
    for p in [
        "cards.1.header.image.id",
        "cards.1.buttons.0.payload",
        "cards.2.buttons.1.url_suffix",
    ] {
        assert!(carousel.contains(&p.to_string()), "{carousel:?}");
    }
    assert_eq!(form_of("metadocs-authentication-copy-code.json"), ["otp"]);
    assert_eq!(
        form_of("metadocs-named-params.json"),
        ["body.first_name", "body.order_number"]
    );
    assert_eq!(form_of("metadocs-positional-params.json")[0], "body.1");

    // Unknown paths and bad values: exit 2, naming the path and the reason.
    let lto = "metadocs_limited_time_offer";
    let send = |extra: &[&str]| {
        let mut args = vec![
            "template",
            "send",
            "Forms",
            "--to",
            "4915123456789",
            "--name",
            lto,
            "--samples",
            "--set",
            "header.image.id=1602186516975000",
            "--set",
            "limited_time_offer.expiration_time_ms=1209600000",
        ];
        args.extend_from_slice(extra);
        run(&args, None)
    };
    let ok = send(&[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let unknown = send(&["--set", "body.9=x"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("body.9") && unknown.stderr.contains("no such field"),
        "{}",
        unknown.stderr
    );
    let bad = send(&["--set", "limited_time_offer.expiration_time_ms=soon"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("limited_time_offer.expiration_time_ms")
            && bad.stderr.contains("milliseconds"),
        "{}",
        bad.stderr
    );
    let both = send(&["--set", "header.image.link=https://example.com/a.jpg"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(both.stderr.contains("only one of"), "{}", both.stderr);
    let bad_json = run(
        &[
            "template",
            "send",
            "Forms",
            "--to",
            "4915123456789",
            "--name",
            lto,
            "--samples",
            "--set",
            "header.image.link=not-a-link",
            "--set",
            "limited_time_offer.expiration_time_ms=1",
            "--json",
        ],
        None,
    );
    assert_eq!(bad_json.code, 2);
    let message = bad_json.json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("header.image.link") && message.contains("https://"),
        "{message}"
    );
    let no_form = run(&["template", "form", "Forms", "no_such_template"], None);
    assert_ne!(no_form.code, 0);
}
