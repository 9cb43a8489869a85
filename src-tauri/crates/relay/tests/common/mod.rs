//! Test helpers: a fresh database per test on the cluster of scripts/with-postgres.sh, the
//! relay binary as a child process, webhook bodies.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_wabadesk-relay");

fn base_url() -> String {
    std::env::var("DATABASE_URL")
        .expect("DATABASE_URL is not set: run these tests through scripts/with-postgres.sh")
}

/// A new, empty database on the test cluster; returns its URL.
pub async fn fresh_db() -> String {
    let base = base_url();
    let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls)
        .await
        .expect("connecting to the test cluster");
    tokio::spawn(conn);
    let name = format!(
        "relay_test_{}",
        wabadesk_relay::db::random_secret("").split_at(16).0
    );
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("creating a test database");
    let (prefix, _) = base.rsplit_once('/').expect("a URL with a database name");
    format!("{prefix}/{name}")
}

pub async fn sql(db: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(db, tokio_postgres::NoTls)
        .await
        .expect("connecting to the test database");
    tokio::spawn(conn);
    client
}

/// Runs the relay's CLI; returns (success, stdout).
pub fn cli(db: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("running the relay binary");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

pub fn cli_ok(db: &str, args: &[&str]) -> String {
    let (ok, out) = cli(db, args);
    assert!(ok, "wabadesk-relay {args:?} failed: {out}");
    out
}

/// A running `wabadesk-relay serve` on a free loopback port.
pub struct Replica {
    pub child: Child,
    pub url: String,
}

impl Replica {
    pub fn start(db: &str) -> Replica {
        Replica::start_at(db, "127.0.0.1:0")
    }

    pub fn start_at(db: &str, listen: &str) -> Replica {
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", listen, "--database", db])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting the relay");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the relay printed its address in time");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Replica { child, url }
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits (bounded) for the exit; returns whether it exited cleanly in time.
    pub fn terminate(&mut self) -> bool {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..200 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `messages` webhook body for `pnid` with one incoming message `wamid.<n>`.
pub fn body(pnid: &str, n: usize) -> String {
    format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"WABA","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550001{pnid}","phone_number_id":"{pnid}"}},"contacts":[{{"profile":{{"name":"Ana"}},"wa_id":"4915112345678"}}],"messages":[{{"from":"4915112345678","id":"wamid.{pnid}.{n}","timestamp":"1733000000","type":"text","text":{{"body":"hello {n}"}}}}]}}}}]}}]}}"#
    )
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("an HTTP client")
}

pub async fn post(
    c: &reqwest::Client,
    url: &str,
    secret: Option<&str>,
    body: String,
) -> reqwest::Result<u16> {
    let mut req = c.post(format!("{url}/webhook")).body(body);
    if let Some(s) = secret {
        req = req.header("X-Wabadesk-Secret", s);
    }
    Ok(req.send().await?.status().as_u16())
}

pub async fn pull(
    c: &reqwest::Client,
    url: &str,
    token: &str,
    after: i64,
) -> (u16, serde_json::Value) {
    let r = c
        .get(format!("{url}/v1/events?after={after}&limit=5000"))
        .bearer_auth(token)
        .send()
        .await
        .expect("pulling the feed");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}
