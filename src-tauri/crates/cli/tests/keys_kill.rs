//! `key set` is killed (SIGKILL) at random instants while it replaces a number's key in the real
//! OS keyring; after every restart the keyring holds exactly one whole key for the number (no
//! pending entry left) and the database describes that key.
//!
//! Ignored by default: it needs a running, unlocked Secret Service (`npm test` provides one).
//! Bounded: at most 50 kills or 20 seconds.

use std::collections::HashSet;
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use wabadesk_core::keys::{account, pending_account};
use wabadesk_core::secrets::{KeyringStore, SecretStore, Sensitive};
use wabadesk_sim::{start, SimConfig};

fn command(dir: &Path, service: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wabadesk"));
    c.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("WABADESK_KEYRING_SERVICE", service)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(dir: &Path, service: &str, args: &[&str]) -> (Output, Value) {
    let out = command(dir, service, args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, json)
}

fn new_key_at_sim(rt: &tokio::runtime::Runtime, url: &str) -> String {
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

/// A small xorshift generator: the seed is printed, so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
#[ignore = "needs a running, unlocked Secret Service (scripts/test.sh provides one)"]
fn key_rotation_survives_kill_9_at_any_instant() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = rt
        .block_on(start(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            SimConfig::fast(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("com.wabadesk.desk.test-kill-{}", std::process::id());
    let keyring = KeyringStore::new(service.clone());
    let phone = "+15550000100";
    let rotate_url = format!(
        "{}/_sim/numbers/{}/keys",
        sim.base_url, sim.numbers[0].phone_number_id
    );
    let (out, _) = run(
        dir.path(),
        &service,
        &[
            "numbers",
            "add",
            "--phone",
            phone,
            "--label",
            "Sales US",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut issued: HashSet<String> = HashSet::new();
    let set_key = |key: &str| {
        let mut child = command(dir.path(), &service, &["key", "set", "Sales US"])
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(key.as_bytes());
        drop(stdin);
        child
    };

    // One whole run, to know how long a key change takes here.
    let first = sim.numbers[0].api_key.clone();
    issued.insert(first.clone());
    let started = Instant::now();
    let out = set_key(&first).wait_with_output().unwrap();
    let full = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("seed {seed}, one key change takes {full:?}");
    let mut rng = Rng(seed);
    let window = full.as_micros() as u64 * 11 / 10;
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut kills, mut kept_new, mut kept_old) = (0, 0, 0);
    while kills < 50 && Instant::now() < deadline {
        let new = new_key_at_sim(&rt, &rotate_url);
        issued.insert(new.clone());
        let mut child = set_key(&new);
        // The keyring writes come at the end of a run: most kills aim there, some anywhere.
        let at = if rng.below(4) == 0 {
            rng.below(window)
        } else {
            window * 6 / 11 + rng.below(window * 5 / 11)
        };
        std::thread::sleep(Duration::from_micros(at));
        let _ = child.kill(); // SIGKILL (it may have finished already)
        let _ = child.wait();
        kills += 1;

        // Restart: opening the data directory finishes or rolls back the interrupted change.
        let (out, status) = run(
            dir.path(),
            &service,
            &["key", "status", "Sales US", "--json"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let held = keyring
            .get(&account(phone))
            .unwrap()
            .expect("the number's entry holds a key");
        assert!(
            issued.contains(held.expose()),
            "kill {kills} (seed {seed}): the keyring holds a whole key that was issued"
        );
        assert!(
            keyring.get(&pending_account(phone)).unwrap().is_none(),
            "kill {kills} (seed {seed}): no pending entry is left"
        );
        assert_eq!(
            status["key_fingerprint"].as_str(),
            Some(held.fingerprint().as_str()),
            "kill {kills} (seed {seed}): the database describes the key in the keyring"
        );
        assert_eq!(status["key_hint"].as_str(), Some(held.mask().as_str()));
        if held.expose() == &new {
            kept_new += 1;
        } else {
            kept_old += 1;
        }
    }
    let (_, history) = run(
        dir.path(),
        &service,
        &["key", "history", "Sales US", "--json"],
    );
    let count = |action: &str| {
        history
            .as_array()
            .map_or(0, |h| h.iter().filter(|e| e["action"] == action).count())
    };
    eprintln!(
        "{kills} kills: {kept_new} ended on the new key, {kept_old} on the one before; \
         restarts completed {} and rolled back {} interrupted rotations",
        count("key_rotation_recovered"),
        count("key_rotation_rolled_back")
    );
    assert!(kills >= 10, "only {kills} kills in the time allowed");

    // The number still works with the newest key.
    let newest = new_key_at_sim(&rt, &rotate_url);
    let out = set_key(&newest).wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        keyring
            .get(&account(phone))
            .unwrap()
            .map(|k| k.fingerprint()),
        Some(Sensitive::new(newest).fingerprint())
    );
    let (out, _) = run(
        dir.path(),
        &service,
        &["numbers", "remove", "Sales US", "--yes"],
    );
    assert!(out.status.success());
    drop(sim);
}
