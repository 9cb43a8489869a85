//! The receiver is killed (SIGKILL) while a load generator posts events; after a restart,
//! every event that was answered 200 is in the database and in history.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wabadesk_core::secrets::MemoryStore;
use wabadesk_core::Core;

fn serve(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wabadesk"))
        .args(["inbox", "serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("inbox listening on ")
        .expect("ready line")
        .to_string();
    (child, url)
}

fn event(i: u64) -> String {
    serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000100", "phone_number_id": "106540352242922"},
        "statuses": [{"id": format!("wamid.KILL{i}"), "status": "sent", "timestamp": "1732489200", "recipient_id": "4915123456789"}]}}]}]})
    .to_string()
}

#[test]
fn every_acknowledged_event_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = serve(dir.path());
    let acked: Arc<Mutex<Vec<u64>>> = Arc::default();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let load = {
        let acked = acked.clone();
        let url = url.clone();
        rt.spawn(async move {
            let client = reqwest::Client::new();
            let mut tasks = Vec::new();
            for worker in 0..16u64 {
                let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
                tasks.push(tokio::spawn(async move {
                    let deadline = Instant::now() + Duration::from_secs(5);
                    let mut i = worker;
                    while Instant::now() < deadline {
                        match client.post(&url).body(event(i)).send().await {
                            Ok(r) if r.status().as_u16() == 200 => acked.lock().unwrap().push(i),
                            Ok(_) => {}
                            Err(_) => return, // the receiver is gone
                        }
                        i += 16;
                    }
                }));
            }
            for t in tasks {
                let _ = t.await;
            }
        })
    };
    // Let load build up, then kill the receiver mid-stream.
    while acked.lock().unwrap().len() < 300 {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    rt.block_on(load).unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 300, "{} events acknowledged", acked.len());

    // Restart: the receiver applies what the killed one stored but had not applied yet.
    let (mut again, _) = serve(dir.path());
    std::thread::sleep(Duration::from_millis(500));
    again.kill().unwrap();
    again.wait().unwrap();

    let core = Core::open(dir.path(), Arc::new(MemoryStore::new())).unwrap();
    core.process_pending().unwrap();
    let missing: Vec<u64> = acked
        .iter()
        .copied()
        .filter(|i| {
            core.message_by_wamid(&format!("wamid.KILL{i}"))
                .unwrap()
                .is_none()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged events lost: {:?}",
        missing.len(),
        acked.len(),
        &missing[..missing.len().min(10)]
    );
}
