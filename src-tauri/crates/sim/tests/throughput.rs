//! The standalone binary starts fast, and the simulator carries 1,000 sequential sends with all
//! their status webhooks delivered.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use wabadesk_sim::{start, SimConfig};

#[test]
fn binary_starts_in_under_a_second_and_prints_keys() {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wabadesk-sim"))
        .args(["--listen", "127.0.0.1:0", "--seed", "7", "--numbers", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut numbers = Vec::new();
    let url = loop {
        let line = lines.next().expect("ready line").unwrap();
        if let Some(url) = line.strip_prefix("wabadesk-sim ready on ") {
            break url.to_string();
        }
        numbers.push(line);
    };
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "ready after {elapsed:?}");
    assert_eq!(numbers.len(), 3, "{numbers:?}");
    let key = numbers[0].split("key=").nth(1).unwrap().to_string();

    let status = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            reqwest::Client::new()
                .get(format!("{url}/health_status"))
                .header("D360-API-KEY", key)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    })
    .join()
    .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
}

#[test]
fn the_same_seed_gives_the_same_keys() {
    let keys = |seed: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wabadesk-sim"))
            .args(["--listen", "127.0.0.1:0", "--seed", seed])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let first = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .next()
            .unwrap()
            .unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        first
    };
    assert_eq!(keys("42"), keys("42"));
    assert_ne!(keys("42"), keys("43"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sequential_sends_deliver_every_status() {
    let statuses: Arc<Mutex<HashMap<String, Vec<String>>>> = Arc::default();
    let s = statuses.clone();
    let app = Router::new().route(
        "/hook",
        post(move |Json(body): Json<Value>| {
            let s = s.clone();
            async move {
                for st in body["entry"][0]["changes"][0]["value"]["statuses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    s.lock()
                        .unwrap()
                        .entry(st["id"].as_str().unwrap().to_string())
                        .or_default()
                        .push(st["status"].as_str().unwrap().to_string());
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let sim = start(SocketAddr::from(([127, 0, 0, 1], 0)), SimConfig::fast())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let key = &sim.numbers[0].api_key;
    http.post(format!("{}/v1/configs/webhook", sim.base_url))
        .header("D360-API-KEY", key)
        .json(&json!({"url": hook}))
        .send()
        .await
        .unwrap();
    http.post(format!(
        "{}/_sim/numbers/{}/inbound",
        sim.base_url, sim.numbers[0].phone_number_id
    ))
    .json(&json!({"from": "4915123456789", "text": "hi"}))
    .send()
    .await
    .unwrap();

    let mut wamids = Vec::new();
    for i in 0..1000 {
        let resp: Value = http
            .post(format!("{}/messages", sim.base_url))
            .header("D360-API-KEY", key)
            .json(
                &json!({"messaging_product": "whatsapp", "to": "4915123456789", "type": "text",
                          "text": {"body": format!("message {i}")}}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        wamids.push(resp["messages"][0]["id"].as_str().unwrap().to_string());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = {
            let s = statuses.lock().unwrap();
            wamids
                .iter()
                .all(|w| s.get(w).is_some_and(|v| v.len() == 3))
        };
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not every status arrived in time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s = statuses.lock().unwrap();
    assert_eq!(s.len(), 1000);
    for w in &wamids {
        assert_eq!(s[w], ["sent", "delivered", "read"], "{w}");
    }
}
