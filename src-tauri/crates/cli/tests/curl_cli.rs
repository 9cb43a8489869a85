//! `send curl`: a curl command for `POST /messages` (as "copy as curl" writes it) read back and
//! sent as a test-send, or only shown with `--dry-run`; a command that is no template send
//! exits 2 with the reason. Against the simulator and the real OS keyring.
//!
//! Ignored by default: it needs a running, unlocked Secret Service (`npm test` provides one).

mod common;
use common::wabadesk;

use std::net::SocketAddr;

use serde_json::{json, Value};
use wabadesk_sim::{start, SimConfig};

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn a_copied_curl_command_sends_again_and_a_bad_one_exits_2() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-curl-{}", std::process::id());
    let run = |args: &[&str], stdin: Option<&str>| wabadesk(dir.path(), &service, args, stdin);

    let add = run(
        &[
            "numbers",
            "add",
            "--phone",
            "+4915123450001",
            "--label",
            "Curl",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url,
        ],
        None,
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let key = sim.numbers[0].api_key.clone();
    let set = run(&["key", "set", "Curl", "--json"], Some(&format!("{key}\n")));
    assert_eq!(set.code, 0, "{}", set.stderr);

    // A template with a body variable and a URL button, created in the Hub (the outside world).
    let template = json!({
        "name": "curl_round_trip", "category": "UTILITY", "language": "en_US",
        "components": [
            {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships today.",
             "example": {"body_text": [["Ann", "A-1"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track",
             "url": "https://track.example/{{1}}", "example": ["https://track.example/A-1"]}]}
        ]
    });
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{}/v1/configs/templates", sim.base_url))
            .header("D360-API-KEY", &key)
            .json(&template)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    });
    std::thread::sleep(std::time::Duration::from_millis(150));

    // A send the usual way, printed as curl ("copy as curl").
    let first = run(
        &[
            "template",
            "send",
            "Curl",
            "--to",
            "4915123456789",
            "--name",
            "curl_round_trip",
            "--body-param",
            "O'Brien \"Ann\"",
            "--body-param",
            "A-77",
            "--button-param",
            "A-77",
            "--json",
        ],
        None,
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let curl = first.json["curl"].as_str().unwrap().to_string();
    assert!(!curl.contains(&key), "copy as curl never shows the key");
    let request = first.json["request"].clone();
    let sent = |r: &common::Run| r.json["wamid"].as_str().map(str::to_string);
    let history = || {
        let h = run(&["history", "list", "--json"], None);
        assert_eq!(h.code, 0, "{}", h.stderr);
        h.json.as_array().map(Vec::len).unwrap_or_default()
    };
    let before = history();

    // --dry-run from standard input: the same request, nothing sent.
    let dry = run(
        &["send", "curl", "Curl", "--dry-run", "--json"],
        Some(&curl),
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(dry.json["request"], request, "{}", dry.stdout);
    assert_eq!(dry.json["dry_run"], true);
    assert_eq!(dry.json["values"]["body.1"], "O'Brien \"Ann\"");
    assert_eq!(dry.json["values"]["buttons.0.url_suffix"], "A-77");
    assert_eq!(
        dry.json["curl"],
        Value::from(curl.clone()),
        "the same curl back"
    );
    assert_eq!(sent(&dry), None);
    assert_eq!(history(), before, "a dry run sends nothing");
    // "Copy as HTTPie" reads back the same.
    let httpie = first.json["httpie"].as_str().unwrap().to_string();
    let dry_httpie = run(
        &["send", "curl", "Curl", "--dry-run", "--json"],
        Some(&httpie),
    );
    assert_eq!(dry_httpie.code, 0, "{}", dry_httpie.stderr);
    assert_eq!(dry_httpie.json["request"], request, "{}", dry_httpie.stdout);
    let text = run(&["send", "curl", "Curl", "-", "--dry-run"], Some(&curl));
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("not sent"), "{}", text.stdout);

    // From a file, to another recipient: sent, and in the history.
    let file = dir.path().join("send.curl");
    std::fs::write(&file, &curl).unwrap();
    let file = file.to_string_lossy().into_owned();
    let again = run(
        &[
            "send",
            "curl",
            "Curl",
            &file,
            "--to",
            "4915100000002",
            "--json",
        ],
        None,
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        sent(&again).is_some_and(|w| w.starts_with("wamid.")),
        "{}",
        again.stdout
    );
    let mut expected = request.clone();
    expected["to"] = Value::from("4915100000002");
    assert_eq!(again.json["request"], expected);
    assert_eq!(history(), before + 1);

    // A command with a key in it: the key is not used, and the output says so.
    let with_key = curl.replace(
        &curl[curl.find("D360-API-KEY: ").unwrap()..]
            .split('\'')
            .next()
            .unwrap()
            .to_string(),
        "D360-API-KEY: not-the-numbers-key",
    );
    let keyed = run(
        &["send", "curl", "Curl", "--dry-run", "--json"],
        Some(&with_key),
    );
    assert_eq!(keyed.code, 0, "{}", keyed.stderr);
    assert!(
        keyed.json["notes"].to_string().contains("was not kept"),
        "{}",
        keyed.stdout
    );
    assert!(
        !keyed.stdout.contains("not-the-numbers-key"),
        "{}",
        keyed.stdout
    );

    // Commands that are no template send: exit 2, with the reason, nothing sent.
    let text_send = json!({"messaging_product": "whatsapp", "to": "4915123456789",
                           "type": "text", "text": {"body": "hi"}});
    let cases = [
        (
            format!("curl -X GET '{}/health_status'", sim.base_url),
            "only a send",
        ),
        (
            format!("curl -X POST '{}/messages' -d '{{", sim.base_url),
            "never closed",
        ),
        (
            format!("curl -X POST '{}/messages' -d '{{'", sim.base_url),
            "not valid JSON",
        ),
        (
            "wget https://example.com/messages".to_string(),
            "starts with curl",
        ),
        (
            format!("curl -X POST '{}/messages' -d '{text_send}'", sim.base_url),
            "text message",
        ),
    ];
    for (command, reason) in cases {
        let bad = run(&["send", "curl", "Curl"], Some(&command));
        assert_eq!(bad.code, 2, "{command}: {} {}", bad.stdout, bad.stderr);
        assert!(
            bad.stderr.contains(reason) || bad.stdout.contains(reason),
            "{command}: {}",
            bad.stderr
        );
    }
    assert_eq!(history(), before + 1);
}
