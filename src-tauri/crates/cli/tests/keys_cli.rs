//! `numbers` and `key` subcommands against the simulator and the real OS keyring.
//!
//! Ignored by default: they need a running, unlocked Secret Service (`npm test` provides one).

mod common;
use common::wabadesk;

use std::net::SocketAddr;
use std::path::Path;

use serde_json::Value;
use wabadesk_sim::{start, SimConfig};

fn files_contain(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

fn rotate_at_sim(url: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let v: Value = reqwest::Client::new()
            .post(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["api_key"].as_str().unwrap().to_string()
    })
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn numbers_and_keys_through_the_cli_never_leak_the_key() {
    // The simulator runs on its own runtime while the CLI is run as a separate process.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-cli-{}", std::process::id());
    let key1 = sim.numbers[0].api_key.clone();
    let mut runs = Vec::new();
    let mut run = |args: &[&str], stdin: Option<&str>| {
        let r = wabadesk(dir.path(), &service, args, stdin);
        runs.push((r.stdout.clone(), r.stderr.clone()));
        r
    };

    let add = run(
        &[
            "numbers",
            "add",
            "--phone",
            "+49 151 2345 6789",
            "--label",
            "Support DE",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url,
            "--json",
        ],
        None,
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert_eq!(add.json["phone"], "+4915123456789");
    assert_eq!(add.json["key_state"], "none");

    let bad = run(
        &[
            "numbers", "add", "--phone", "015123", "--label", "X", "--json",
        ],
        None,
    );
    assert_eq!(bad.code, 2, "invalid input");
    assert_eq!(bad.json["error"]["code"], "validation");

    let argv_key = run(&["key", "set", "Support DE", "some-key-on-argv"], None);
    assert_eq!(argv_key.code, 2, "a key on the command line is refused");

    let set = run(
        &["key", "set", "Support DE", "--json"],
        Some(&format!("{key1}\n")),
    );
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_eq!(set.json["key_state"], "verified");
    assert_eq!(
        set.json["key_hint"],
        format!("••••{}", &key1[key1.len() - 4..])
    );

    // Someone issues a new key in the Hub.
    let key2 = rotate_at_sim(&format!(
        "{}/_sim/numbers/{}/keys",
        sim.base_url, sim.numbers[0].phone_number_id
    ));

    let verify = run(&["key", "verify", "--all", "--json"], None);
    assert_eq!(verify.code, 1, "a superseded key is a failure");
    assert_eq!(verify.json[0]["key_state"], "superseded");
    assert_eq!(verify.json[0]["result"], "superseded");
    assert!(
        verify
            .stderr
            .contains("0 verified, 1 superseded, 0 unreachable"),
        "{}",
        verify.stderr
    );
    let verify = run(&["key", "verify", "--all"], None);
    assert!(
        verify
            .stdout
            .contains("0 verified, 1 superseded, 0 unreachable")
            && verify.stdout.contains("stale"),
        "{}",
        verify.stdout
    );

    let status = run(&["key", "status", "+4915123456789", "--json"], None);
    assert_eq!(status.json["key_state"], "superseded");
    let status = run(&["key", "status", "+4915123456789"], None);
    assert!(status.stdout.contains("stale"), "{}", status.stdout);

    let set = run(&["key", "set", "support de", "--json"], Some(&key2));
    assert_eq!(set.json["key_state"], "verified", "{}", set.stderr);

    let history = run(&["key", "history", "Support DE", "--json"], None);
    let actions: Vec<&str> = history
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["key_rotated", "key_superseded", "key_set"]);

    let audit = run(&["audit", "list", "--csv"], None);
    assert!(
        audit.stdout.starts_with("at,number,action"),
        "{}",
        audit.stdout
    );
    assert!(audit.stdout.contains("number_added"));

    let list = run(&["numbers", "list"], None);
    assert!(
        list.stdout.contains("Support DE") && list.stdout.contains("verified"),
        "{}",
        list.stdout
    );

    let no = run(&["numbers", "remove", "Support DE"], None);
    assert_eq!(no.code, 2, "removal needs --yes");

    // The keys appear in no file of the data dir, no output and no log line (trace level).
    for key in [&key1, &key2] {
        assert_eq!(files_contain(dir.path(), key), Vec::<String>::new());
        for (out, err) in &runs {
            assert!(
                !out.contains(key.as_str()) && !err.contains(key.as_str()),
                "key in output: {out}{err}"
            );
        }
    }
    assert!(
        runs.iter().any(|(_, err)| err.contains("360dialog call")),
        "trace logs were captured"
    );

    let removed = wabadesk(
        dir.path(),
        &service,
        &["numbers", "remove", "Support DE", "--yes"],
        None,
    );
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    drop(sim);
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn templates_through_the_cli_create_list_send_qa_delete() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-cli-tpl-{}", std::process::id());
    let run = |args: &[&str], stdin: Option<&str>| wabadesk(dir.path(), &service, args, stdin);
    let add = run(
        &[
            "numbers",
            "add",
            "--phone",
            "+4915100000077",
            "--label",
            "QA",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url,
        ],
        None,
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let set = run(&["key", "set", "QA"], Some(&sim.numbers[0].api_key));
    assert_eq!(set.code, 0, "{}", set.stderr);

    let file = dir.path().join("order.json");
    std::fs::write(
        &file,
        r#"{"name":"order_shipped","category":"UTILITY","language":"en_US",
            "components":[{"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["A-1"]}},
                          {"type":"BODY","text":"Hi {{1}}, it ships {{2}}.","example":{"body_text":[["Ana","Friday"]]}},
                          {"type":"BUTTONS","buttons":[{"type":"URL","text":"Track","url":"https://x.example/t/{{1}}","example":["https://x.example/t/A-1"]}]}]}"#,
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let created = run(&["template", "create", "QA", file, "--json"], None);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert!(created.json["status"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("pending"));

    std::thread::sleep(std::time::Duration::from_millis(120));
    let list = run(&["template", "list", "QA", "--sync", "--json"], None);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let v = &list.json["groups"][0]["variants"][0];
    assert!(
        v["status"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("approved"),
        "{v}"
    );
    let text = run(&["template", "list", "QA"], None);
    assert!(
        text.stdout.contains("order_shipped") && text.stdout.contains("last synced"),
        "{}",
        text.stdout
    );

    let too_few = run(
        &[
            "template",
            "send",
            "QA",
            "--to",
            "4915123456789",
            "--name",
            "order_shipped",
            "--header-param",
            "B-2",
            "--body-param",
            "Bo",
            "--button-param",
            "B-2",
        ],
        None,
    );
    assert_eq!(
        too_few.code, 2,
        "missing body variable refused locally: {}",
        too_few.stderr
    );
    assert!(too_few.stderr.contains("body.2"), "{}", too_few.stderr);

    let sent = run(
        &[
            "template",
            "send",
            "QA",
            "--to",
            "4915123456789",
            "--name",
            "order_shipped",
            "--header-param",
            "B-2",
            "--body-param",
            "Bo",
            "--body-param",
            "Monday",
            "--button-param",
            "B-2",
            "--curl",
        ],
        None,
    );
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    assert!(
        sent.stdout.contains("curl -X POST") && sent.stdout.contains("sent: wamid."),
        "{}",
        sent.stdout
    );
    assert!(!sent.stdout.contains(&sim.numbers[0].api_key), "key masked");

    // `send template` is the same command (`--param` is `--body-param`): checked locally too.
    let send_template = |params: &[&str]| {
        let mut args = vec![
            "send",
            "template",
            "QA",
            "--to",
            "4915123456789",
            "--name",
            "order_shipped",
            "--header-param",
            "B-2",
            "--button-param",
            "B-2",
            "--json",
        ];
        args.extend_from_slice(params);
        run(&args, None)
    };
    let too_few = send_template(&["--param", "Bo"]);
    assert_eq!(too_few.code, 2, "{}", too_few.stdout);
    assert!(
        too_few.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("body.2"),
        "{}",
        too_few.stdout
    );
    let sent = send_template(&["--param", "Bo", "--param", "Monday"]);
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    assert!(
        sent.json["wamid"].as_str().unwrap().starts_with("wamid."),
        "{}",
        sent.stdout
    );

    let qa = run(
        &[
            "template",
            "qa",
            "QA",
            "order_shipped",
            "--to",
            "4915123456789",
        ],
        None,
    );
    assert_eq!(qa.code, 0, "{}", qa.stderr);
    assert!(
        qa.stdout.contains("# QA report: order_shipped") && qa.stdout.contains("| en_US |"),
        "{}",
        qa.stdout
    );
    // The printable page, also saved to the export folder set in the settings.
    let exports = dir.path().join("exports");
    std::fs::write(
        dir.path().join("settings.json"),
        serde_json::json!({ "downloads_dir": exports }).to_string(),
    )
    .unwrap();
    let page = run(
        &[
            "template",
            "qa",
            "QA",
            "order_shipped",
            "--to",
            "4915123456789",
            "--report",
            "html",
            "--save",
        ],
        None,
    );
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(
        page.stdout.starts_with("<!doctype html>"),
        "{}",
        page.stdout
    );
    let saved = page
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("report saved to "))
        .unwrap_or_else(|| panic!("{}", page.stderr));
    assert!(saved.starts_with(&exports.display().to_string()), "{saved}");
    assert_eq!(
        std::fs::read_to_string(saved).unwrap().trim_end(),
        page.stdout.trim_end()
    );

    let text = run(
        &[
            "send",
            "text",
            "QA",
            "--to",
            "4915123456789",
            "--body",
            "hello",
        ],
        None,
    );
    assert_eq!(text.code, 1, "outside the 24-hour window: {}", text.stderr);
    assert!(text.stderr.contains("131047"), "{}", text.stderr);

    assert_eq!(
        run(&["template", "delete", "QA", "order_shipped"], None).code,
        2
    );
    let deleted = run(
        &["template", "delete", "QA", "order_shipped", "--yes"],
        None,
    );
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let list = run(&["template", "list", "QA", "--sync", "--json"], None);
    assert_eq!(list.json["total"], 0);
    assert_eq!(run(&["numbers", "remove", "QA", "--yes"], None).code, 0);
    drop(sim);
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn key_set_refuses_the_key_of_another_number_with_exit_2_naming_both() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-cli-owner-{}", std::process::id());
    let run = |args: &[&str], stdin: Option<&str>| wabadesk(dir.path(), &service, args, stdin);
    for (phone, label) in [("+15550000100", "Sales US"), ("+15550000101", "Support US")] {
        let add = run(
            &[
                "numbers",
                "add",
                "--phone",
                phone,
                "--label",
                label,
                "--env",
                "simulator",
                "--base-url",
                &sim.base_url,
            ],
            None,
        );
        assert_eq!(add.code, 0, "{}", add.stderr);
    }
    let sales_key = sim.numbers[0].api_key.clone();
    let set = run(&["key", "set", "Sales US"], Some(&sales_key));
    assert_eq!(set.code, 0, "{}", set.stderr);

    // Stored on Sales US already.
    let wrong = run(&["key", "set", "Support US", "--json"], Some(&sales_key));
    assert_eq!(wrong.code, 2, "{}", wrong.stdout);
    assert_eq!(wrong.json["error"]["code"], "validation");
    let msg = wrong.json["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("Sales US (+15550000100)") && msg.contains("Support US (+15550000101)"),
        "{msg}"
    );
    // A new key of Sales US, stored nowhere yet: /health_status tells whose it is.
    let fresh = rotate_at_sim(&format!(
        "{}/_sim/numbers/{}/keys",
        sim.base_url, sim.numbers[0].phone_number_id
    ));
    let wrong = run(&["key", "set", "Support US"], Some(&fresh));
    assert_eq!(wrong.code, 2, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("Sales US (+15550000100)")
            && wrong.stderr.contains("Support US (+15550000101)"),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stdout.contains(&fresh) && !wrong.stderr.contains(&fresh));
    let status = run(&["key", "status", "Support US", "--json"], None);
    assert_eq!(status.json["key_state"], "none", "nothing changed");
    // Support US's own key is fine.
    let own = run(&["key", "set", "Support US"], Some(&sim.numbers[1].api_key));
    assert_eq!(own.code, 0, "{}", own.stderr);

    // A new key that clears the webhook at 360dialog: said, and re-applied in one command.
    let hook = run(
        &[
            "webhook",
            "set",
            "Support US",
            "https://hooks.example.com/wa_in",
            "--header",
            "Authorization=Basic abc",
        ],
        None,
    );
    assert_eq!(hook.code, 0, "{}", hook.stderr);
    rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{}/_sim/settings", sim.base_url))
            .json(&serde_json::json!({"new_key_clears_webhook": true}))
            .send()
            .await
            .unwrap()
    });
    let support_new = rotate_at_sim(&format!(
        "{}/_sim/numbers/{}/keys",
        sim.base_url, sim.numbers[1].phone_number_id
    ));
    let set = run(&["key", "set", "Support US", "--json"], Some(&support_new));
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert_eq!(set.json["key_state"], "verified");
    assert_eq!(set.json["webhook"]["state"], "gone", "{}", set.stdout);
    assert!(
        set.stderr.contains("gone") && set.stderr.contains("wabadesk webhook reapply"),
        "{}",
        set.stderr
    );
    let again = run(&["webhook", "reapply", "Support US", "--json"], None);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.json["url"], "https://hooks.example.com/wa_in");
    let state: Value = rt.block_on(async {
        reqwest::get(format!("{}/_sim/state", sim.base_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(
        state["numbers"][1]["webhook"]["url"],
        "https://hooks.example.com/wa_in"
    );
    assert_eq!(
        state["numbers"][1]["webhook"]["headers"]["Authorization"],
        "Basic abc"
    );
    for label in ["Sales US", "Support US"] {
        assert_eq!(run(&["numbers", "remove", label, "--yes"], None).code, 0);
    }
    drop(sim);
}
