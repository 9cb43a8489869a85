//! The simulator's answers checked against the reference examples (bodies from 360dialog's and
//! Meta's docs), and its behaviours: keys, templates review, windows, webhooks, faults.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use wabadesk_sim::{fixtures_dir, start, SimConfig, SimHandle};

fn example(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every key of `example` is in `actual` with a value of the same JSON type (recursively;
/// arrays compare their first elements). Keys listed in `optional` may be missing.
fn assert_same_shape(actual: &Value, example: &Value, path: &str, optional: &[&str]) {
    match (actual, example) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => assert_same_shape(av, ev, &p, optional),
                    None if optional.contains(&p.as_str()) => {}
                    None => panic!("{p} missing in {actual}"),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if let (Some(a0), Some(e0)) = (a.first(), e.first()) {
                assert_same_shape(a0, e0, &format!("{path}[0]"), optional);
            }
        }
        (a, e) => assert_eq!(
            std::mem::discriminant(a),
            std::mem::discriminant(e),
            "{path}: {a} vs example {e}"
        ),
    }
}

/// A webhook endpoint: records every event; answers 500 to the first `fail_first` requests.
struct Receiver {
    url: String,
    events: Arc<Mutex<Vec<(axum::http::HeaderMap, Value)>>>,
}

async fn receiver(fail_first: usize) -> Receiver {
    let events: Arc<Mutex<Vec<(axum::http::HeaderMap, Value)>>> = Arc::default();
    let seen = Arc::new(AtomicUsize::new(0));
    let ev = events.clone();
    let app = Router::new().route(
        "/hook",
        post(
            move |headers: axum::http::HeaderMap, Json(body): Json<Value>| {
                let ev = ev.clone();
                let seen = seen.clone();
                async move {
                    if seen.fetch_add(1, Ordering::SeqCst) < fail_first {
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    ev.lock().unwrap().push((headers, body));
                    StatusCode::OK
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver {
        url: format!("http://{addr}/hook"),
        events,
    }
}

impl Receiver {
    fn bodies(&self) -> Vec<Value> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| b.clone())
            .collect()
    }

    async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..500 {
            if self.events.lock().unwrap().len() >= n {
                return self.bodies();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {n} webhook events, got {:?}", self.bodies());
    }
}

async fn sim() -> SimHandle {
    start(SocketAddr::from(([127, 0, 0, 1], 0)), SimConfig::fast())
        .await
        .unwrap()
}

struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Api {
    fn new(sim: &SimHandle, number: usize) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: sim.base_url.clone(),
            key: sim.numbers[number].api_key.clone(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("D360-API-KEY", &self.key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn admin(&self, path: &str, body: Value) -> u16 {
        self.http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[test]
fn fixtures_match_shared_reference() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/reference/examples");
    let names = |dir: &std::path::Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            // Only the files: sub-folders (e.g. examples as published) are other corpora.
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect()
    };
    let ours = names(&fixtures_dir());
    assert!(ours.len() >= 40, "fixture copy has {} files", ours.len());
    if shared.is_dir() {
        assert_eq!(ours, names(&shared), "refresh fixtures/reference-examples");
        for n in &ours {
            assert_eq!(
                std::fs::read(fixtures_dir().join(n)).unwrap(),
                std::fs::read(shared.join(n)).unwrap(),
                "{n} differs from the shared reference"
            );
        }
    }
}

#[tokio::test]
async fn health_status_returns_the_number_ids() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let (status, body) = api.get("/health_status").await;
    assert_eq!(status, 200);
    let h = &body["health_status"];
    assert_eq!(h["can_send_message"], "AVAILABLE");
    let phone = &h["entities"][0];
    assert_eq!(phone["entity_type"], "PHONE_NUMBER");
    assert_eq!(phone["id"], sim.numbers[0].phone_number_id);
    assert_eq!(h["entities"][1]["id"], sim.numbers[0].waba_id);

    api.admin(
        &format!("/_sim/numbers/{}/health", sim.numbers[0].phone_number_id),
        json!({"can_send_message": "LIMITED"}),
    )
    .await;
    let (_, body) = api.get("/health_status").await;
    assert_eq!(body["health_status"]["can_send_message"], "LIMITED");
    assert!(body["health_status"]["entities"][0]["errors"][0]["error_code"].is_number());
}

#[tokio::test]
async fn only_the_newest_key_is_valid() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let (status, _) = api.get("/health_status").await;
    assert_eq!(status, 200);

    let resp: Value = reqwest::Client::new()
        .post(format!(
            "{}/_sim/numbers/{}/keys",
            sim.base_url, sim.numbers[0].phone_number_id
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let new_key = resp["api_key"].as_str().unwrap().to_string();
    assert_ne!(new_key, api.key);

    let (status, body) = api.get("/health_status").await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        example("d360_error_invalid_api_key.360dialog-docs.json")
    );

    let fresh = Api {
        key: new_key,
        ..Api::new(&sim, 0)
    };
    assert_eq!(fresh.get("/health_status").await.0, 200);
    // The other number's key is unaffected.
    assert_eq!(Api::new(&sim, 1).get("/health_status").await.0, 200);
}

#[tokio::test]
async fn missing_key_is_rejected() {
    let sim = sim().await;
    let resp = reqwest::get(format!("{}/health_status", sim.base_url))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

#[tokio::test]
async fn text_outside_the_window_fails_with_131047_then_works_after_the_user_writes() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let send = example("send-text.request.json");
    let (status, body) = api.post("/messages", send.clone()).await;
    assert_eq!(status, 400);
    let expected = example("error-131047.response.json");
    assert_same_shape(&body, &expected, "", &[]);
    assert_eq!(body["error"]["code"], 131047);
    assert_eq!(body["error"]["message"], expected["error"]["message"]);
    assert_eq!(
        body["error"]["error_data"]["details"],
        expected["error"]["error_data"]["details"]
    );

    let hook = receiver(0).await;
    api.post("/v1/configs/webhook", json!({"url": hook.url}))
        .await;
    let to = send["to"]
        .as_str()
        .unwrap()
        .trim_start_matches('+')
        .to_string();
    api.admin(
        &format!("/_sim/numbers/{}/inbound", sim.numbers[0].phone_number_id),
        json!({"from": to, "text": "Hi"}),
    )
    .await;
    let events = hook.wait_for(1).await;
    assert_same_shape(&events[0], &example("webhook-message-text.json"), "", &[]);

    let (status, body) = api.post("/messages", send).await;
    assert_eq!(status, 200, "{body}");
    assert_same_shape(&body, &example("send.response.json"), "", &[]);
    assert!(body["messages"][0]["id"]
        .as_str()
        .unwrap()
        .starts_with("wamid."));
}

fn order_template() -> Value {
    json!({
        "name": "order_shipped", "category": "UTILITY", "language": "en_US",
        "components": [{"type": "BODY", "text": "Hi {{1}}, your order ships on {{2}}.",
                        "example": {"body_text": [["Ana", "Friday"]]}}]
    })
}

#[tokio::test]
async fn templates_review_list_paging_send_and_delete() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let (status, created) = api.post("/v1/configs/templates", order_template()).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["status"], "PENDING");
    let (status, dup) = api.post("/v1/configs/templates", order_template()).await;
    assert_eq!(status, 400);
    assert_eq!(dup["error"]["error_subcode"], 2388024);

    let body = |n: usize| {
        json!({"messaging_product": "whatsapp", "to": "+4915123456789", "type": "template",
        "template": {"name": "order_shipped", "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": (0..n).map(|i| json!({"type":"text","text": format!("v{i}")})).collect::<Vec<_>>()}]}})
    };
    // Pending: not sendable yet.
    let (status, err) = api.post("/messages", body(2)).await;
    assert_eq!(status, 404);
    assert_eq!(err["error"]["code"], 132001);

    tokio::time::sleep(Duration::from_millis(80)).await;
    let mut reject = order_template();
    reject["name"] = json!("reject_me");
    api.post("/v1/configs/templates", reject).await;
    for lang in ["de", "fr", "es"] {
        let mut t = order_template();
        t["language"] = json!(lang);
        assert_eq!(api.post("/v1/configs/templates", t).await.0, 200);
    }
    tokio::time::sleep(Duration::from_millis(80)).await;

    let (_, page) = api.get("/v1/configs/templates?limit=2&offset=0").await;
    assert_same_shape(&page, &example("templates-list.response.json"), "", &[]);
    assert_eq!(page["total"], 5);
    assert_eq!(page["count"], 2);
    let (_, rest) = api.get("/v1/configs/templates?limit=2&offset=4").await;
    assert_eq!(rest["count"], 1);
    let filter = urlencode(r#"{"business_templates.name":"reject_me"}"#);
    let (_, rejected) = api
        .get(&format!("/v1/configs/templates?filters={filter}"))
        .await;
    assert_eq!(rejected["total"], 1);
    assert_eq!(rejected["waba_templates"][0]["status"], "rejected");
    assert_eq!(
        rejected["waba_templates"][0]["rejected_reason"],
        "INVALID_FORMAT"
    );

    let (status, err) = api.post("/messages", body(1)).await;
    assert_eq!(status, 400);
    assert_same_shape(&err, &example("error-132000.response.json"), "", &[]);
    assert_eq!(
        err["error"]["error_data"]["details"],
        example("error-132000.response.json")["error"]["error_data"]["details"]
    );
    let (status, ok) = api.post("/messages", body(2)).await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["messages"][0]["message_status"], "accepted");

    let (status, _) = api
        .call(
            reqwest::Method::DELETE,
            "/v1/configs/templates/order_shipped",
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, page) = api.get("/v1/configs/templates").await;
    assert_eq!(page["total"], 1, "all languages of the name are deleted");
    let (status, _) = api
        .call(
            reqwest::Method::DELETE,
            "/v1/configs/templates/order_shipped",
            None,
        )
        .await;
    assert_eq!(status, 404);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn template_creation_is_validated_like_meta() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let mut bad = order_template();
    bad["name"] = json!("Order Shipped");
    let (status, err) = api.post("/v1/configs/templates", bad).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], 100);
    assert_eq!(err["error"]["error_user_title"], "Invalid template name");

    for name in [
        "template_create_positional_params.meta-docs.json",
        "template_create_named_params.meta-docs.json",
        "template_create_authentication_copy_code.meta-openapi.json",
    ] {
        let mut body = example(name);
        // Two examples share a name; Meta refuses a second template in the same language.
        body["name"] = json!(format!("{}_{}", body["name"].as_str().unwrap(), name.len()));
        let (status, resp) = api.post("/v1/configs/templates", body).await;
        assert_eq!(status, 200, "{name}: {resp}");
    }
}

#[tokio::test]
async fn statuses_are_delivered_to_the_webhook_with_its_headers_and_retried() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let hook = receiver(2).await; // the first two deliveries get a 500
    let (status, echoed) = api
        .post(
            "/v1/configs/webhook",
            json!({"url": hook.url, "headers": {"X-Secret": "s3"}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_same_shape(
        &echoed,
        &example("d360_webhook_config_response.360dialog-docs.json"),
        "",
        &[".headers.Authorization"],
    );
    assert_eq!(
        api.get("/v1/configs/webhook").await.1["headers"]["X-Secret"],
        "s3"
    );

    api.post("/v1/configs/templates", order_template()).await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let send = json!({"messaging_product": "whatsapp", "to": "4915123456789", "type": "template",
        "template": {"name": "order_shipped", "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": [{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}});
    let (_, sent) = api.post("/messages", send.clone()).await;
    let wamid = sent["messages"][0]["id"].as_str().unwrap().to_string();

    let events = hook.wait_for(3).await;
    let statuses: Vec<&str> = events
        .iter()
        .map(|e| {
            e["entry"][0]["changes"][0]["value"]["statuses"][0]["status"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(statuses, ["sent", "delivered", "read"]);
    assert_same_shape(
        &events[0],
        &example("webhook-status-sent.json"),
        "",
        &[".entry[0].changes[0].value.statuses[0].conversation.expiration_timestamp"],
    );
    assert_same_shape(&events[2], &example("webhook-status-read.json"), "", &[]);
    for e in &events {
        assert_eq!(
            e["entry"][0]["changes"][0]["value"]["statuses"][0]["id"],
            wamid
        );
        assert_eq!(
            e["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"],
            sim.numbers[0].phone_number_id
        );
    }
    assert!(hook
        .events
        .lock()
        .unwrap()
        .iter()
        .all(|(h, _)| h.get("x-secret").unwrap() == "s3"));
    let deliveries: Value = reqwest::get(format!(
        "{}/_sim/numbers/{}/deliveries",
        sim.base_url, sim.numbers[0].phone_number_id
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        deliveries["deliveries"][0]["attempts"], 3,
        "two 500s, then 200"
    );

    // A recipient ending in 0000 is undeliverable: sent, then failed with errors[].
    let mut undeliverable = send;
    undeliverable["to"] = json!("4915100000000");
    api.post("/messages", undeliverable).await;
    let events = hook.wait_for(5).await;
    assert_same_shape(&events[4], &example("webhook-status-failed.json"), "", &[]);
    assert_eq!(
        events[4]["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"][0]["code"],
        131026
    );
}

#[tokio::test]
async fn webhook_url_rules_are_enforced() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    for url in [
        "http://hooks.example.com/x",
        "https://my_hooks.example.com/x",
        "https://hooks.example.com:8443/x",
    ] {
        let (status, body) = api.post("/v1/configs/webhook", json!({"url": url})).await;
        assert_eq!(status, 400, "{url}");
        assert_eq!(body["meta"]["success"], false);
    }
    let (status, _) = api
        .post(
            "/v1/configs/webhook",
            json!({"url": "https://hooks.example.com/wa_hook?x_y=1"}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn faults_rate_limit_server_error_latency_and_drop() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    api.admin(
        "/_sim/faults",
        json!({"kind": "rate_limit", "retry_after": 7, "path": "/health_status"}),
    )
    .await;
    let resp = reqwest::Client::new()
        .get(format!("{}/health_status", sim.base_url))
        .header("D360-API-KEY", &api.key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(api.get("/health_status").await.0, 200, "one-shot fault");

    api.admin(
        "/_sim/faults",
        json!({"kind": "server_error", "status": 503, "count": 2}),
    )
    .await;
    assert_eq!(api.get("/health_status").await.0, 503);
    assert_eq!(api.get("/health_status").await.0, 503);
    assert_eq!(api.get("/health_status").await.0, 200);

    api.admin("/_sim/faults", json!({"kind": "latency", "ms": 300}))
        .await;
    let t = std::time::Instant::now();
    assert_eq!(api.get("/health_status").await.0, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));

    api.admin("/_sim/faults", json!({"kind": "drop"})).await;
    let r = reqwest::Client::new()
        .get(format!("{}/health_status", sim.base_url))
        .header("D360-API-KEY", &api.key)
        .send()
        .await;
    let failed = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(
        failed,
        "a dropped connection gives the client no complete answer"
    );
}

#[tokio::test]
async fn mark_as_read_and_media_upload() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let (status, body) = api
        .post(
            "/messages",
            json!({"messaging_product":"whatsapp","status":"read","message_id":"wamid.unknown"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], 131009);
    let id: Value = reqwest::Client::new()
        .post(format!(
            "{}/_sim/numbers/{}/inbound",
            sim.base_url, sim.numbers[0].phone_number_id
        ))
        .json(&json!({"from": "4915123456789", "text": "hello"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, body) = api
        .post(
            "/messages",
            json!({"messaging_product":"whatsapp","status":"read","message_id": id["id"]}),
        )
        .await;
    assert_eq!((status, body), (200, json!({"success": true})));

    let form = reqwest::multipart::Form::new()
        .text("messaging_product", "whatsapp")
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![0xFF, 0xD8, 0xFF])
                .file_name("a.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let resp = reqwest::Client::new()
        .post(format!("{}/media", sim.base_url))
        .header("D360-API-KEY", &api.key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let v: Value = resp.json().await.unwrap();
    assert!(v["id"]
        .as_str()
        .unwrap()
        .chars()
        .all(|c| c.is_ascii_digit()));
}

#[tokio::test]
async fn multi_webhook_clones_events_after_the_main_webhook_answered_200() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let main = receiver(0).await;
    let copy = receiver(0).await;
    api.post("/v1/configs/webhook", json!({"url": main.url}))
        .await;
    let body = example("d360_multi_webhook_enable.360dialog-docs.json");
    let (status, echoed) = api.post("/multi_webhook", body.clone()).await;
    assert_eq!(status, 200);
    assert_same_shape(
        &echoed,
        &body,
        "",
        &[".destinations[0].headers.Content-Type"],
    );
    let (status, _) = api
        .call(
            reqwest::Method::PATCH,
            "/multi_webhook",
            Some(json!({"destinations": [{"name": "NewWebhook", "url": copy.url}]})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, err) = api
        .call(
            reqwest::Method::PATCH,
            "/multi_webhook",
            Some(json!({"destinations": [{"name": "Nope", "url": copy.url}]})),
        )
        .await;
    assert_eq!(status, 404);
    assert!(err["error"].is_string(), "bare error string: {err}");
    let (status, err) = api.call(reqwest::Method::PUT, "/multi_webhook",
        Some(json!({"destinations": [{"name": "B", "url": "https://b.example.com/"}, {"name": "C", "url": "https://c.example.com/"}]}))).await;
    assert_eq!(status, 400, "main + 3 unique URLs is over the limit");
    assert!(err["error"].as_str().unwrap().contains("maximum of 3"));

    api.admin(
        &format!("/_sim/numbers/{}/inbound", sim.numbers[0].phone_number_id),
        json!({"from": "4915123456789", "text": "hi"}),
    )
    .await;
    let m = main.wait_for(1).await;
    let c = copy.wait_for(1).await;
    assert_eq!(m[0], c[0], "the same event, cloned");
    let (_, got) = api.get("/multi_webhook").await;
    assert_eq!(got["destinations"][0]["url"], copy.url);
}

async fn rotate(sim: &SimHandle, number: usize) -> Value {
    reqwest::Client::new()
        .post(format!(
            "{}/_sim/numbers/{}/keys",
            sim.base_url, sim.numbers[number].phone_number_id
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_key_clears_the_webhook_only_when_switched_on() {
    let sim = sim().await;
    let url = "https://hooks.example.com/wa";
    let api = Api::new(&sim, 0);
    assert_eq!(
        api.post("/v1/configs/webhook", json!({"url": url})).await.0,
        200
    );

    // Off by default: the webhook survives a new key.
    let settings: Value = reqwest::get(format!("{}/_sim/settings", sim.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings, json!({"new_key_clears_webhook": false}));
    let r = rotate(&sim, 0).await;
    assert_eq!(r["webhook_cleared"], false);
    let api = Api {
        key: r["api_key"].as_str().unwrap().to_string(),
        ..Api::new(&sim, 0)
    };
    let (_, hook) = api.get("/v1/configs/webhook").await;
    assert_eq!(hook["url"], url);

    // Switched on: the next new key takes the webhook with it, for that number only.
    assert_eq!(
        api.admin("/_sim/settings", json!({"new_key_clears_webhook": true}))
            .await,
        200
    );
    let other = Api::new(&sim, 1);
    other.post("/v1/configs/webhook", json!({"url": url})).await;
    let r = rotate(&sim, 0).await;
    assert_eq!(r["webhook_cleared"], true);
    let api = Api {
        key: r["api_key"].as_str().unwrap().to_string(),
        ..Api::new(&sim, 0)
    };
    let (status, hook) = api.get("/v1/configs/webhook").await;
    assert_eq!(status, 200);
    assert_eq!(hook["url"], Value::Null);
    assert_eq!(other.get("/v1/configs/webhook").await.1["url"], url);

    // The switch also comes from the configuration.
    let sim = start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SimConfig {
            new_key_clears_webhook: true,
            ..SimConfig::fast()
        },
    )
    .await
    .unwrap();
    let api = Api::new(&sim, 0);
    api.post("/v1/configs/webhook", json!({"url": url})).await;
    assert_eq!(rotate(&sim, 0).await["webhook_cleared"], true);
}

#[tokio::test]
async fn a_window_opened_before_the_simulator_started_can_be_restored() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let send = example("send-text.request.json");
    let to = send["to"]
        .as_str()
        .unwrap()
        .trim_start_matches('+')
        .to_string();
    let path = format!(
        "/_sim/numbers/{}/last_inbound",
        sim.numbers[0].phone_number_id
    );

    // Written 25 hours ago: the window is closed, free text still fails.
    assert_eq!(
        api.admin(&path, json!({"wa_id": to, "age_secs": 25 * 3600}))
            .await,
        200
    );
    assert_eq!(
        api.post("/messages", send.clone()).await.1["error"]["code"],
        131047
    );

    // Written 2 hours ago: open, and no event was delivered for it.
    assert_eq!(
        api.admin(&path, json!({"wa_id": to, "age_secs": 2 * 3600}))
            .await,
        200
    );
    let (status, body) = api.post("/messages", send).await;
    assert_eq!(status, 200, "{body}");
    // The send's own statuses are scheduled meanwhile (and recorded as deliveries, whenever
    // they run); no incoming message event may be among them.
    let d: Value = reqwest::get(format!(
        "{}/_sim/numbers/{}/deliveries",
        sim.base_url, sim.numbers[0].phone_number_id
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let kinds: Vec<&str> = d["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["kind"].as_str())
        .collect();
    assert!(!kinds.contains(&"message"), "{kinds:?}");
    assert_eq!(api.admin(&path, json!({"wa_id": ""})).await, 400);
}

/// Meta's Resumable Upload API through 360dialog: a session, bytes at an offset, the handle;
/// an interrupted transfer keeps what arrived and resumes from the offset `GET` reports.
#[tokio::test]
async fn resumable_upload_sessions_resume_from_their_offset() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let http = reqwest::Client::new();
    let file: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();

    let open = |len: usize, mime: &str| {
        http.post(format!(
            "{}/uploads?file_name=a.png&file_length={len}&file_type={mime}",
            sim.base_url
        ))
        .header("D360-API-KEY", &api.key)
        .send()
    };
    // Meta's limits come first: a type it does not take, an empty or an over-size file.
    for (len, mime) in [
        (10, "image/gif"),
        (0, "image/png"),
        (6 * 1024 * 1024, "image/png"),
    ] {
        let resp = open(len, mime).await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{len} bytes of {mime}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], 100);
    }
    let v: Value = open(file.len(), "image/png")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = v["id"].as_str().unwrap().to_string();
    assert!(session.starts_with("upload:"), "{session}");
    let url = format!("{}/{session}", sim.base_url);

    // The first transfer is cut after 4,000 bytes.
    api.admin(
        "/_sim/faults",
        json!({"kind": "cut_body", "after_bytes": 4000, "path": "/upload:"}),
    )
    .await;
    let cut = http
        .post(&url)
        .header("D360-API-KEY", &api.key)
        .header("file_offset", "0")
        .body(file.clone())
        .send()
        .await;
    let answered = match cut {
        Ok(r) => r.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!answered, "the cut transfer gets no answer");

    let status: Value = http
        .get(&url)
        .header("D360-API-KEY", &api.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["file_offset"], 4000);

    // Resuming from anywhere else is refused; from the offset it completes with a handle.
    let wrong = http
        .post(&url)
        .header("D360-API-KEY", &api.key)
        .header("file_offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 400);
    let done: Value = http
        .post(&url)
        .header("D360-API-KEY", &api.key)
        .header("file_offset", "4000")
        .body(file[4000..].to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(done["h"].as_str().unwrap().starts_with("4::"), "{done}");

    // Another number's key does not see the session.
    let other = Api::new(&sim, 1);
    let resp = http
        .get(&url)
        .header("D360-API-KEY", &other.key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
}

#[tokio::test]
async fn media_uploads_follow_metas_types_and_sizes() {
    let sim = sim().await;
    let api = Api::new(&sim, 0);
    let upload = |bytes: Vec<u8>, mime: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name("f")
                    .mime_str(mime)
                    .unwrap(),
            );
        reqwest::Client::new()
            .post(format!("{}/media", sim.base_url))
            .header("D360-API-KEY", &api.key)
            .multipart(form)
            .send()
    };
    let resp = upload(vec![1; 10], "image/gif").await.unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let resp = upload(vec![1; 5 * 1024 * 1024 + 1], "image/jpeg")
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], 131053);
    let v: Value = upload(vec![1; 3 * 1024 * 1024], "video/mp4")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = v["id"].as_str().unwrap();
    let info: Value = reqwest::Client::new()
        .get(format!("{}/{id}", sim.base_url))
        .header("D360-API-KEY", &api.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["mime_type"], "video/mp4");
    assert_eq!(info["file_size"], 3 * 1024 * 1024);
}
