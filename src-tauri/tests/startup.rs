//! A start-up failure ends the app with status 1 and the reason on standard error, and never
//! waits for a dialog nobody can click (no display, or CI).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts the app on `data_dir` with `env`, and waits at most 60 s for it to end.
fn start(data_dir: &std::path::Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wabadesk-app"));
    cmd.env("WABADESK_DATA_DIR", data_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the app did not exit after a start-up failure");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A data dir whose database path is a directory: the database cannot be opened.
fn broken_data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wabadesk.sqlite3")).unwrap();
    dir
}

#[test]
fn a_database_failure_without_a_display_exits_1_with_the_reason() {
    let dir = broken_data_dir();
    let (code, stderr) = start(dir.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("WABA Desk cannot start: "), "{stderr}");
    assert!(stderr.contains("database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn in_ci_no_dialog_is_shown_even_with_a_display() {
    let dir = broken_data_dir();
    // A display that does not exist: trying to open a dialog on it would fail loudly.
    let (code, stderr) = start(
        dir.path(),
        &[
            ("CI", "true"),
            ("DISPLAY", ":9876"),
            ("WAYLAND_DISPLAY", "none-9876"),
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("WABA Desk cannot start: "), "{stderr}");
    assert!(
        !stderr.contains("Gtk") && !stderr.contains("panicked"),
        "{stderr}"
    );
}
