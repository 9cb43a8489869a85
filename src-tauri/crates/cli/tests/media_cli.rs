//! `media` subcommands against the simulator and the real OS keyring.
//!
//! Ignored by default: they need a running, unlocked Secret Service (`npm test` provides one).

mod common;
use common::wabadesk;

use std::net::SocketAddr;

use wabadesk_sim::{start, SimConfig};

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn media_upload_prints_a_handle_or_a_media_id_and_list_shows_the_library() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-media-{}", std::process::id());
    let run = |args: &[&str], stdin: Option<&str>| wabadesk(dir.path(), &service, args, stdin);
    let add = run(
        &[
            "numbers",
            "add",
            "--phone",
            "+15550000400",
            "--label",
            "Media",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url,
        ],
        None,
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let set = run(
        &["key", "set", "Media"],
        Some(&format!("{}\n", sim.numbers[0].api_key)),
    );
    assert_eq!(set.code, 0, "{}", set.stderr);

    let files = tempfile::tempdir().unwrap();
    let png = files.path().join("sale.png");
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.resize(200_000, 7);
    std::fs::write(&png, &bytes).unwrap();
    let png = png.to_str().unwrap();

    let sample = run(&["media", "upload", "Media", png, "--sample"], None);
    assert_eq!(sample.code, 0, "{}", sample.stderr);
    assert!(sample.stdout.trim().starts_with("4::"), "{}", sample.stdout);
    assert!(
        sample.stderr.contains("100%"),
        "progress on stderr: {}",
        sample.stderr
    );

    let media = run(&["media", "upload", "Media", png], None);
    assert_eq!(media.code, 0, "{}", media.stderr);
    let id = media.stdout.trim().to_string();
    assert!(
        !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()),
        "{id}"
    );

    let list = run(&["media", "list", "Media", "--json"], None);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(list.json[0]["media_id"], id.as_str());
    assert_eq!(list.json[0]["file_name"], "sale.png");
    assert_eq!(list.json[0]["expired"], false);

    // Inside the contact's window, the media id sends as an image message.
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!(
                "{}/_sim/numbers/{}/last_inbound",
                sim.base_url, sim.numbers[0].phone_number_id
            ))
            .json(&serde_json::json!({"wa_id": "4915123456789", "age_secs": 60}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    });
    let sent = run(
        &[
            "send",
            "media",
            "Media",
            "--to",
            "+4915123456789",
            "--kind",
            "image",
            "--media",
            &id,
            "--caption",
            "Spring sale",
        ],
        None,
    );
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    assert!(sent.stdout.starts_with("sent: wamid."), "{}", sent.stdout);

    let gif = files.path().join("a.gif");
    std::fs::write(&gif, b"GIF89a").unwrap();
    let refused = run(
        &["media", "upload", "Media", gif.to_str().unwrap(), "--json"],
        None,
    );
    assert_eq!(refused.code, 2, "invalid input: {}", refused.stdout);
    assert_eq!(refused.json["error"]["field"], "file");

    let _ = run(&["numbers", "remove", "Media", "--yes"], None);
}
