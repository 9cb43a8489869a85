//! The API client against the simulator (which plays 360dialog from the reference): every
//! call, every error path, retries, and the "outcome unknown" rule for sends.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wabadesk_core::api::{ApiErrorKind, Client, ClientConfig, Outgoing};
use wabadesk_core::secrets::Sensitive;
use wabadesk_core::{Error, ErrorCode};
use wabadesk_sim::{start, SimConfig, SimHandle};

const USER: &str = "+4915123456789";

async fn sim() -> SimHandle {
    start(SocketAddr::from(([127, 0, 0, 1], 0)), SimConfig::fast())
        .await
        .unwrap()
}

fn fast_config() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        max_retries: 3,
        backoff_base: Duration::from_millis(10),
        max_backoff: Duration::from_secs(5),
    }
}

fn client(sim: &SimHandle, number: usize) -> Client {
    client_with(sim, number, fast_config())
}

fn client_with(sim: &SimHandle, number: usize, config: ClientConfig) -> Client {
    let key = Sensitive::new(sim.numbers[number].api_key.clone());
    Client::with_config(&sim.base_url, key, config).unwrap()
}

async fn admin(sim: &SimHandle, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url))
        .json(&body)
        .send()
        .await
        .unwrap();
    resp.json().await.unwrap_or(Value::Null)
}

async fn sim_state(sim: &SimHandle) -> Value {
    reqwest::get(format!("{}/_sim/state", sim.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn api_err(e: impl Into<Error>) -> wabadesk_core::api::ApiError {
    match e.into() {
        Error::Api(a) => *a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn open_window(sim: &SimHandle, number: usize, from: &str) {
    let path = format!(
        "/_sim/numbers/{}/inbound",
        sim.numbers[number].phone_number_id
    );
    admin(sim, &path, json!({"from": from, "text": "hello"})).await;
}

fn text(body: &str) -> Outgoing {
    Outgoing::Text {
        to: USER.into(),
        body: body.into(),
        preview_url: false,
    }
}

#[tokio::test]
async fn health_status_verifies_the_key_and_names_the_ids() {
    let sim = sim().await;
    let h = client(&sim, 0).health_status().await.unwrap();
    assert_eq!(h.can_send_message, "AVAILABLE");
    assert_eq!(
        h.phone_number_id(),
        Some(sim.numbers[0].phone_number_id.as_str())
    );
    assert_eq!(h.waba_id(), Some(sim.numbers[0].waba_id.as_str()));

    let path = format!("/_sim/numbers/{}/health", sim.numbers[0].phone_number_id);
    admin(&sim, &path, json!({"can_send_message": "BLOCKED"})).await;
    let h = client(&sim, 0).health_status().await.unwrap();
    assert_eq!(h.can_send_message, "BLOCKED");
    assert!(h.entities[0].errors[0].error_description.is_some());
}

#[tokio::test]
async fn a_superseded_key_is_unauthorized() {
    let sim = sim().await;
    let old = client(&sim, 0);
    old.health_status().await.unwrap();
    let path = format!("/_sim/numbers/{}/keys", sim.numbers[0].phone_number_id);
    let new_key = admin(&sim, &path, json!({})).await["api_key"]
        .as_str()
        .unwrap()
        .to_string();

    let err = old.health_status().await.map_err(Error::from).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    let api = api_err(err);
    assert_eq!(api.kind, ApiErrorKind::Unauthorized);
    assert_eq!(api.http_status, Some(401));
    assert!(api.explanation.unwrap().contains("newest key"));

    let fresh = Client::with_config(&sim.base_url, Sensitive::new(new_key), fast_config()).unwrap();
    fresh.health_status().await.unwrap();
}

#[tokio::test]
async fn text_outside_the_window_is_131047_and_inside_it_is_sent() {
    let sim = sim().await;
    let c = client(&sim, 0);
    let err = api_err(c.send(&text("Hi")).await.unwrap_err());
    assert_eq!(
        (err.kind, err.code, err.http_status),
        (ApiErrorKind::Upstream, Some(131047), Some(400))
    );
    assert_eq!(
        err.message.as_deref(),
        Some("(#131047) Re-engagement message")
    );
    assert!(err.details.unwrap().contains("24 hours"));
    assert!(err.explanation.unwrap().contains("approved template"));
    assert!(err.fbtrace_id.is_some());

    open_window(&sim, 0, "4915123456789").await;
    let sent = c.send(&text("Hi")).await.unwrap();
    assert!(sent.wamid().unwrap().starts_with("wamid."));
    assert_eq!(sent.contacts[0].input, USER);
    assert_eq!(sent.contacts[0].wa_id, "4915123456789");
}

#[tokio::test]
async fn mark_read_of_an_unknown_message_is_131009() {
    let sim = sim().await;
    let err = api_err(client(&sim, 0).mark_read("wamid.nope").await.unwrap_err());
    assert_eq!(err.code, Some(131009));
}

fn template(name: &str, language: &str) -> Value {
    json!({"name": name, "category": "UTILITY", "language": language,
           "components": [{"type": "BODY", "text": "Hi {{1}}, order {{2}} is on its way.",
                           "example": {"body_text": [["Ana", "A-1"]]}}]})
}

fn body_params(n: usize) -> Vec<Value> {
    let params: Vec<Value> = (0..n)
        .map(|i| json!({"type": "text", "text": format!("v{i}")}))
        .collect();
    vec![json!({"type": "body", "parameters": params})]
}

#[tokio::test]
async fn templates_create_review_list_send_delete() {
    let sim = sim().await;
    let c = client(&sim, 0);
    let created = c
        .create_template(&template("order_update", "en_US"))
        .await
        .unwrap();
    assert!(created.status_is("pending"));
    for lang in ["de", "fr", "es"] {
        c.create_template(&template("order_update", lang))
            .await
            .unwrap();
    }
    c.create_template(&template("reject_this", "en_US"))
        .await
        .unwrap();

    let bad = c
        .create_template(
            &json!({"name": "Bad Name", "category": "UTILITY", "language": "en", "components": []}),
        )
        .await
        .unwrap_err();
    let bad = api_err(bad);
    assert_eq!((bad.code, bad.kind), (Some(100), ApiErrorKind::Upstream));
    assert_eq!(
        bad.message.as_deref(),
        Some("Invalid template name"),
        "Meta's title verbatim"
    );

    let send = |n| Outgoing::Template {
        to: USER.into(),
        name: "order_update".into(),
        language: "en_US".into(),
        components: body_params(n),
    };
    let pending = api_err(c.send(&send(2)).await.unwrap_err());
    assert_eq!(pending.code, Some(132001));

    tokio::time::sleep(Duration::from_millis(120)).await;
    let all = c.list_all_templates(2).await.unwrap();
    assert_eq!(all.len(), 5, "three pages of two");
    assert!(all
        .iter()
        .filter(|t| t.name == "order_update")
        .all(|t| t.status_is("APPROVED")));
    let rejected = all.iter().find(|t| t.name == "reject_this").unwrap();
    assert!(rejected.status_is("REJECTED"));
    assert_eq!(rejected.rejected_reason.as_deref(), Some("INVALID_FORMAT"));

    let mismatch = api_err(c.send(&send(1)).await.unwrap_err());
    assert_eq!(mismatch.code, Some(132000));
    assert!(mismatch.explanation.unwrap().contains("placeholders"));
    let ok = c.send(&send(2)).await.unwrap();
    assert_eq!(ok.messages[0].message_status.as_deref(), Some("accepted"));

    c.delete_template("order_update").await.unwrap();
    assert_eq!(c.list_all_templates(100).await.unwrap().len(), 1);
    let gone = api_err(c.delete_template("order_update").await.unwrap_err());
    assert_eq!(gone.http_status, Some(404));
    assert!(matches!(
        c.delete_template("../health_status").await,
        Err(wabadesk_core::api::Error::Validation(_))
    ));
}

#[tokio::test]
async fn webhook_get_set_and_rejection() {
    let sim = sim().await;
    let c = client(&sim, 0);
    assert_eq!(c.get_webhook().await.unwrap().url, None);
    let headers = BTreeMap::from([("Authorization".to_string(), "Basic abc".to_string())]);
    let echoed = c
        .set_webhook("https://hooks.example.com/wa", &headers)
        .await
        .unwrap();
    assert_eq!(echoed.url.as_deref(), Some("https://hooks.example.com/wa"));
    let read = c.get_webhook().await.unwrap();
    assert_eq!(read.headers, headers);

    let err = api_err(
        c.set_webhook("https://my_hooks.example.com/wa", &BTreeMap::new())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (err.kind, err.http_status),
        (ApiErrorKind::Upstream, Some(400))
    );
    assert!(err.message.unwrap().contains("'_'"));
}

#[tokio::test]
async fn media_upload_returns_an_id() {
    let sim = sim().await;
    let id = client(&sim, 0)
        .upload_media(vec![0x89, b'P', b'N', b'G'], "image/png", "h.png")
        .await
        .unwrap();
    assert!(!id.is_empty());
    assert!(matches!(
        client(&sim, 0)
            .upload_media(vec![1], "not a mime", "x")
            .await,
        Err(wabadesk_core::api::Error::Validation(_))
    ));
}

#[tokio::test]
async fn rate_limits_are_retried_honouring_retry_after() {
    let sim = sim().await;
    let c = client(&sim, 0);
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "rate_limit", "retry_after": 1, "path": "/health_status"}),
    )
    .await;
    let t = Instant::now();
    c.health_status().await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_secs(1),
        "waited Retry-After: {:?}",
        t.elapsed()
    );

    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "server_error", "status": 503, "count": 2}),
    )
    .await;
    c.health_status().await.unwrap();
    assert_eq!(sim_state(&sim).await["faults"], json!([]));
}

#[tokio::test]
async fn retries_are_bounded() {
    let sim = sim().await;
    let c = client_with(
        &sim,
        0,
        ClientConfig {
            max_retries: 2,
            ..fast_config()
        },
    );
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "rate_limit", "retry_after": 0, "count": 10}),
    )
    .await;
    let err = c.health_status().await.map_err(Error::from).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RateLimited);
    assert_eq!(api_err(err).retry_after_secs, Some(0));
    assert_eq!(
        sim_state(&sim).await["faults"][0]["count"],
        7,
        "three attempts in all"
    );
}

#[tokio::test]
async fn a_500_is_not_retried() {
    let sim = sim().await;
    let c = client(&sim, 0);
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "server_error", "status": 500, "count": 2}),
    )
    .await;
    let err = api_err(c.health_status().await.unwrap_err());
    assert_eq!(
        (err.kind, err.http_status),
        (ApiErrorKind::Upstream, Some(500))
    );
    assert_eq!(err.message.as_deref(), Some("Internal server error"));
    assert_eq!(sim_state(&sim).await["faults"][0]["count"], 1);
}

#[tokio::test]
async fn a_send_that_times_out_is_outcome_unknown_and_not_retried() {
    let sim = sim().await;
    open_window(&sim, 0, "4915123456789").await;
    let c = client_with(
        &sim,
        0,
        ClientConfig {
            timeout: Duration::from_millis(300),
            ..fast_config()
        },
    );
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "latency", "ms": 800, "path": "/messages"}),
    )
    .await;
    let err = c
        .send(&text("maybe"))
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OutcomeUnknown);
    assert!(
        err.to_string().contains("may or may not have been sent"),
        "{err}"
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        sim_state(&sim).await["numbers"][0]["sent"],
        1,
        "it was in fact sent, exactly once"
    );

    // A read that times out is a plain network error.
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "latency", "ms": 800, "path": "/health_status"}),
    )
    .await;
    let err = c.health_status().await.map_err(Error::from).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network);
    let text = err.to_string();
    assert!(
        text.contains("the API was reached but did not answer /health_status within 0.3 s"),
        "a timeout names its limit and that the API was reached: {text}"
    );
    assert!(!text.contains("could not reach"), "{text}");
    assert!(
        api_err(err).raw.is_some_and(|r| r.contains("timed out")),
        "the library's text is kept for the details"
    );
}

#[rstest::rstest]
#[case::refused(
    "http://127.0.0.1:1",
    "the connection to 127.0.0.1:1 was refused",
    "refused"
)]
#[case::dns(
    "http://no-such-host.invalid",
    "host name could not be found (no-such-host.invalid:80)",
    "dns"
)]
#[tokio::test]
async fn network_failures_are_named_by_their_cause(
    #[case] base: &str,
    #[case] words: &str,
    #[case] raw_has: &str,
) {
    let c = Client::with_config(base, Sensitive::new("k".repeat(20)), fast_config()).unwrap();
    let err = c.health_status().await.map_err(Error::from).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network);
    let text = err.to_string();
    assert!(text.contains(words), "{text}");
    assert!(
        !text.contains("os error"),
        "no library text in the message: {text}"
    );
    let raw = api_err(err).raw.unwrap_or_default();
    assert!(
        raw.to_ascii_lowercase().contains(raw_has),
        "raw text kept: {raw}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_outcome_unknown_for_a_send_and_network_for_a_read() {
    let sim = sim().await;
    open_window(&sim, 0, "4915123456789").await;
    let c = client(&sim, 0);
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "drop", "path": "/messages"}),
    )
    .await;
    assert_eq!(
        c.send(&text("lost"))
            .await
            .map_err(Error::from)
            .unwrap_err()
            .code(),
        ErrorCode::OutcomeUnknown
    );
    assert_eq!(sim_state(&sim).await["numbers"][0]["sent"], 1);
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "drop", "path": "/health_status"}),
    )
    .await;
    assert_eq!(
        c.health_status()
            .await
            .map_err(Error::from)
            .unwrap_err()
            .code(),
        ErrorCode::Network
    );
}

#[tokio::test]
async fn a_refused_connection_is_network_even_for_a_send() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::with_config(
        &format!("http://127.0.0.1:{port}"),
        Sensitive::new("k".repeat(20)),
        fast_config(),
    )
    .unwrap();
    let err = c.send(&text("x")).await.map_err(Error::from).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network, "nothing was sent: {err}");
}

/// Collects everything any tracing event writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_key_never_appears_in_debug_logs_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = sim().await;
    let key = sim.numbers[0].api_key.clone();
    let c = client_with(
        &sim,
        0,
        ClientConfig {
            timeout: Duration::from_millis(300),
            ..fast_config()
        },
    );
    let mut texts = vec![format!("{c:?}")];
    c.health_status().await.unwrap();
    texts.push(format!("{:?}", c.send(&text("x")).await.unwrap_err())); // 131047
    admin(
        &sim,
        "/_sim/faults",
        json!({"kind": "latency", "ms": 600, "path": "/messages"}),
    )
    .await;
    let e = c.send(&text("x")).await.map_err(Error::from).unwrap_err();
    texts.push(e.to_string());
    texts.push(format!("{e:?}"));
    texts.push(serde_json::to_string(&e.payload()).unwrap());
    let path = format!("/_sim/numbers/{}/keys", sim.numbers[0].phone_number_id);
    admin(&sim, &path, json!({})).await;
    let e = c.health_status().await.unwrap_err(); // 401
    texts.push(e.to_string());
    texts.push(format!("{e:?}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("360dialog call"), "the capture works: {logs}");
    assert!(!logs.contains(&key), "key found in logs");
    for t in texts {
        assert!(!t.contains(&key), "key found in: {t}");
    }
    assert!(
        format!("{c:?}").contains(&key[key.len() - 4..]),
        "Debug shows only the last 4"
    );
}
