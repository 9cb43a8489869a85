//! `inbox serve` says when anyone who reaches it may post, and will not listen beyond
//! loopback without a shared secret.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn wabadesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wabadesk"));
    cmd.env_remove("WABADESK_DATA_DIR");
    cmd
}

#[test]
fn without_a_secret_it_warns_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = wabadesk()
        .args(["inbox", "serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    // The warning comes before the ready line.
    let mut warning = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut warning)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ready.starts_with("inbox listening on "), "{ready}");
    assert!(
        warning.starts_with("warning: no number has a shared secret"),
        "{warning}"
    );
}

#[test]
fn beyond_loopback_it_needs_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = wabadesk()
        .args(["inbox", "serve", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a shared secret"), "{err}");
}
