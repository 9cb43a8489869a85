//! `wabadesk demo` run as a user would: start it, wait for `ready`, then list and send
//! templates from another process with the same data dir, and stop it with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

fn wabadesk(dir: &Path, service: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wabadesk"));
    cmd.env_remove("WABADESK_DATA_DIR")
        .arg("--data-dir")
        .arg(dir)
        .env("WABADESK_KEYRING_SERVICE", service);
    cmd
}

fn run(dir: &Path, service: &str, args: &[&str]) -> (Output, Value) {
    let out = wabadesk(dir, service).args(args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, json)
}

/// Kills the demo if the test fails before stopping it.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn demo_runs_until_sigterm_and_another_shell_sends_a_template_to_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-demo-{}", std::process::id());
    let mut child = wabadesk(dir.path(), &service)
        .args(["demo", "--review-delay-ms", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut demo = Running(Some(child));
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push(line);
        }
        all
    });
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
        s
    });

    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("ready") => break line,
            Ok(_) => {}
            Err(_) => {
                drop(demo);
                panic!("no ready line; stderr: {}", errors.join().unwrap());
            }
        }
    };
    assert!(ready.contains("Demo Support"), "{ready}");
    assert!(ready.contains("http://127.0.0.1:"), "{ready}");

    // Another process, the same data dir: the approved templates are listed...
    let (out, list) = run(
        dir.path(),
        &service,
        &["template", "list", "Demo Support", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let variants: Vec<(String, String, String)> = list["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["variants"].as_array().unwrap())
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_string(),
                v["language"].as_str().unwrap().to_string(),
                v["status"].as_str().unwrap().to_ascii_lowercase(),
            )
        })
        .collect();
    for lang in ["en_US", "de_DE"] {
        assert!(
            variants.contains(&("order_update".into(), lang.into(), "approved".into())),
            "{variants:?}"
        );
    }
    let text = wabadesk(dir.path(), &service)
        .args(["template", "list", "Demo Support"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("order_update"));

    // ...and a send to any recipient reaches delivered in history within a few seconds.
    let (out, sent) = run(
        dir.path(),
        &service,
        &[
            "template",
            "send",
            "Demo Support",
            "--to",
            "+4930123456",
            "--name",
            "order_update",
            "--body-param",
            "Eve",
            "--body-param",
            "B-1",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wamid = sent["wamid"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        let (out, history) = run(dir.path(), &service, &["history", "list", "--json"]);
        assert!(out.status.success());
        let status = history
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["wamid"] == wamid.as_str())
            .and_then(|m| m["status"].as_str())
            .unwrap_or_default()
            .to_string();
        if matches!(status.as_str(), "delivered" | "read") || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(matches!(status.as_str(), "delivered" | "read"), "{status}");

    // SIGTERM stops it cleanly.
    let mut child = demo.0.take().unwrap();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the demo did not stop after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let lines = reader.join().unwrap();
    let stderr = errors.join().unwrap();
    assert!(exit.success(), "{exit:?}; stderr: {stderr}");
    let readies = lines.iter().filter(|l| l.contains("ready")).count();
    assert_eq!(readies, 1, "{lines:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn demo_without_a_keyring_says_so_and_never_says_ready() {
    let dir = tempfile::tempdir().unwrap();
    let out = wabadesk(dir.path(), "com.wabadesk.desk.test-demo-nokeyring")
        .arg("demo")
        // No session bus at all: the keyring backend cannot be reached.
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/wabadesk-test-bus",
        )
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {stdout} stderr: {stderr}"
    );
    assert!(!stdout.contains("ready"), "{stdout}");
    assert!(stderr.contains("no OS keyring is reachable"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
