//! The Partner API (`https://hub.360dialog.io/api/v2`, partner API key in `X-API-Key`), as
//! documented: the partner's channels (`GET /partners/{partner_id}/channels` with `offset`,
//! `limit` and a `filters` JSON object), minting a channel's API key
//! (`POST /partners/{partner_id}/channels/{channel_id}/api_keys`, which revokes every older key
//! of the channel at the Messaging API), and the partner webhook URL
//! (`GET`/`POST /partners/{partner_id}/webhook_url`). Partner webhook events are signed:
//! `x-360dialog-signature` is the HMAC-SHA256 of the body under the platform secret, in hex.
//!
//! Simulator-only: `GET /_sim/partner` tells the partner id, its API key and platform secret and
//! the channels; `POST /_sim/partner/channels/{id}/permission` `{"granted": false}` withdraws the
//! client's "partner API key permission"; `POST /_sim/partner/channels/{id}/events`
//! `{"event": "channel_live" | "account_restriction" | …}` sends a channel event.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::state::Inner;
use crate::Sim;

/// A channel: one per simulated number (same index).
#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub status: String,
    pub account_mode: String,
    /// The client shared "partner API key permission".
    pub permission: bool,
}

/// A partner webhook delivery, for `/_sim/partner`.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerDelivery {
    pub event: String,
    pub attempts: u32,
    pub delivered: bool,
    pub last_http_status: Option<u16>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Partner {
    pub id: String,
    pub api_key: String,
    /// The platform secret that signs partner webhook events.
    pub secret: String,
    pub webhook_url: Option<String>,
    pub channels: Vec<Channel>,
    pub deliveries: Vec<PartnerDelivery>,
}

impl Partner {
    pub fn seeded(inner: &mut Inner) -> Self {
        let id = inner.new_short_id("PA");
        let api_key = inner.new_key();
        let secret = inner.new_key();
        let mut channels = Vec::new();
        for i in 0..inner.numbers.len() {
            channels.push(Channel {
                id: inner.new_short_id("CH"),
                client_id: inner.new_short_id("CL"),
                client_name: format!("Client {}", i + 1),
                status: "ready".to_string(),
                account_mode: "live".to_string(),
                permission: true,
            });
        }
        Self {
            id,
            api_key,
            secret,
            webhook_url: None,
            channels,
            deliveries: Vec::new(),
        }
    }
}

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v2/partners/{pid}/channels", get(list_channels))
        .route(
            "/api/v2/partners/{pid}/channels/{cid}/api_keys",
            post(mint_key),
        )
        .route(
            "/api/v2/partners/{pid}/webhook_url",
            get(get_webhook_url).post(set_webhook_url),
        )
}

pub fn admin_routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/_sim/partner", get(partner_state))
        .route(
            "/_sim/partner/channels/{cid}/permission",
            post(set_permission),
        )
        .route("/_sim/partner/channels/{cid}/events", post(channel_event))
}

/// The Partner API's error body (`meta` with the HTTP code and a developer message).
fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"meta": {
            "http_code": status.as_u16(),
            "developer_message": message,
            "success": false,
        }})),
    )
        .into_response()
}

/// 401 for a missing or wrong partner API key, 403 for another partner's id.
#[allow(clippy::result_large_err)]
fn authenticate(sim: &Sim, headers: &HeaderMap, pid: &str) -> Result<(), Response> {
    let given = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let inner = sim.lock();
    match given {
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided: send the partner API key in X-API-Key.",
        )),
        Some(k) if k != inner.partner.api_key => {
            Err(error(StatusCode::UNAUTHORIZED, "Invalid API key."))
        }
        Some(_) if pid != inner.partner.id => Err(error(
            StatusCode::FORBIDDEN,
            "You do not have permission to perform this action.",
        )),
        Some(_) => Ok(()),
    }
}

macro_rules! partner_auth {
    ($sim:expr, $headers:expr, $pid:expr) => {
        if let Err(resp) = authenticate(&$sim, &$headers, &$pid) {
            return resp;
        }
    };
}

fn channel_json(inner: &Inner, idx: usize) -> Value {
    let c = &inner.partner.channels[idx];
    let n = &inner.numbers[idx];
    json!({
        "id": c.id,
        "client_id": c.client_id,
        "client": {"id": c.client_id, "name": c.client_name},
        "status": c.status,
        "account_mode": c.account_mode,
        "setup_info": {
            "phone_number": n.display_phone_number,
            "phone_name": format!("{} line", c.client_name),
        },
        "waba_account": {"id": format!("{}WA", c.id), "external_id": n.waba_id},
    })
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    offset: Option<usize>,
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    filters: Option<String>,
}

async fn list_channels(
    State(sim): State<Arc<Sim>>,
    Path(pid): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    partner_auth!(sim, headers, pid);
    let filters: BTreeMap<String, String> = match q.filters.as_deref() {
        None | Some("") => BTreeMap::new(),
        Some(raw) => match serde_json::from_str::<BTreeMap<String, Value>>(raw) {
            Ok(m) => m
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or(v.to_string())))
                .collect(),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "filters must be a JSON object of fields and their values",
                )
            }
        },
    };
    let allowed = ["id", "client_id", "status", "account_mode"];
    if let Some(k) = filters.keys().find(|k| !allowed.contains(&k.as_str())) {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("Filter key '{k}' is not allowed. Allowed keys: {allowed:?}"),
        );
    }
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let offset = q.offset.unwrap_or(0);
    let inner = sim.lock();
    let matching: Vec<Value> = (0..inner.partner.channels.len())
        .filter(|&i| {
            let c = &inner.partner.channels[i];
            filters.iter().all(|(k, v)| match k.as_str() {
                "id" => &c.id == v,
                "client_id" => &c.client_id == v,
                "status" => &c.status == v,
                "account_mode" => &c.account_mode == v,
                _ => false,
            })
        })
        .map(|i| channel_json(&inner, i))
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching.into_iter().skip(offset).take(limit).collect();
    Json(json!({
        "count": page.len(),
        "filters": filters,
        "limit": limit,
        "offset": offset,
        "partner_channels": page,
        "sort": ["id"],
        "total": total,
    }))
    .into_response()
}

async fn mint_key(
    State(sim): State<Arc<Sim>>,
    Path((pid, cid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    partner_auth!(sim, headers, pid);
    let mut inner = sim.lock();
    let Some(idx) = inner.partner.channels.iter().position(|c| c.id == cid) else {
        return error(StatusCode::NOT_FOUND, &format!("Channel {cid} not found."));
    };
    if !inner.partner.channels[idx].permission {
        return error(
            StatusCode::FORBIDDEN,
            "The client has not granted the partner permission to manage the API key of this channel.",
        );
    }
    let (key, _) = inner.issue_key(idx);
    (
        StatusCode::CREATED,
        Json(json!({
            "address": "https://waba-v2.360dialog.io",
            "api_key": key,
            "app_id": format!("{cid}AP"),
            "id": format!("{cid}KEY{}", inner.numbers[idx].retired_keys.len()),
        })),
    )
        .into_response()
}

async fn get_webhook_url(
    State(sim): State<Arc<Sim>>,
    Path(pid): Path<String>,
    headers: HeaderMap,
) -> Response {
    partner_auth!(sim, headers, pid);
    let url = sim.lock().partner.webhook_url.clone();
    Json(json!({ "webhook_url": url })).into_response()
}

#[derive(Deserialize)]
struct WebhookBody {
    webhook_url: String,
}

async fn set_webhook_url(
    State(sim): State<Arc<Sim>>,
    Path(pid): Path<String>,
    headers: HeaderMap,
    body: Option<Json<WebhookBody>>,
) -> Response {
    partner_auth!(sim, headers, pid);
    let Some(Json(body)) = body else {
        return error(StatusCode::BAD_REQUEST, "webhook_url is required");
    };
    let url = body.webhook_url.trim().to_string();
    let loopback = url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:");
    if !(url.starts_with("https://") || loopback) {
        return error(StatusCode::BAD_REQUEST, "webhook_url must be an https URL");
    }
    sim.lock().partner.webhook_url = Some(url.clone());
    Json(json!({ "webhook_url": url })).into_response()
}

async fn partner_state(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let inner = sim.lock();
    let channels: Vec<Value> = (0..inner.partner.channels.len())
        .map(|i| {
            let mut v = channel_json(&inner, i);
            v["permission"] = json!(inner.partner.channels[i].permission);
            v["phone_number_id"] = json!(inner.numbers[i].phone_number_id);
            v
        })
        .collect();
    Json(json!({
        "partner_id": inner.partner.id,
        "api_key": inner.partner.api_key,
        "webhook_secret": inner.partner.secret,
        "webhook_url": inner.partner.webhook_url,
        "channels": channels,
        "deliveries": inner.partner.deliveries,
    }))
}

#[derive(Deserialize)]
struct Permission {
    granted: bool,
}

async fn set_permission(
    State(sim): State<Arc<Sim>>,
    Path(cid): Path<String>,
    Json(body): Json<Permission>,
) -> Response {
    let mut inner = sim.lock();
    match inner.partner.channels.iter_mut().find(|c| c.id == cid) {
        Some(c) => {
            c.permission = body.granted;
            StatusCode::NO_CONTENT.into_response()
        }
        None => error(StatusCode::NOT_FOUND, &format!("Channel {cid} not found.")),
    }
}

#[derive(Deserialize)]
struct ChannelEvent {
    event: String,
    #[serde(default)]
    violation_type: Option<String>,
}

async fn channel_event(
    State(sim): State<Arc<Sim>>,
    Path(cid): Path<String>,
    Json(body): Json<ChannelEvent>,
) -> Response {
    let event = {
        let mut inner = sim.lock();
        let Some(idx) = inner.partner.channels.iter().position(|c| c.id == cid) else {
            return error(StatusCode::NOT_FOUND, &format!("Channel {cid} not found."));
        };
        match body.event.as_str() {
            "channel_live" => inner.partner.channels[idx].status = "live".into(),
            "channel_running" => inner.partner.channels[idx].status = "running".into(),
            "account_restriction" => inner.partner.channels[idx].status = "restricted".into(),
            _ => {}
        }
        let mut data = channel_json(&inner, idx);
        data["phone_number"] = json!(inner.numbers[idx].display_phone_number);
        if let Some(v) = &body.violation_type {
            data["violation_type"] = json!(v);
        }
        json!({"event": body.event, "data": data})
    };
    let s = sim.clone();
    tokio::spawn(async move { deliver(&s, event).await });
    StatusCode::ACCEPTED.into_response()
}

/// After a template's review delay, tells the partner webhook its new status.
pub fn watch_review(sim: Arc<Sim>, idx: usize, name: String, language: String) {
    tokio::spawn(async move {
        tokio::time::sleep(sim.config.review_delay + Duration::from_millis(5)).await;
        let settled = {
            let mut inner = sim.lock();
            sim.settle_reviews(&mut inner.numbers[idx]);
            inner.numbers[idx]
                .templates
                .iter()
                .find(|t| t.name == name && t.language == language)
                .filter(|t| t.status != "PENDING")
                .map(|t| template_event(&inner, idx, t))
        };
        if let Some(event) = settled {
            deliver(&sim, event).await;
        }
    });
}

/// A template's status was forced (the admin endpoint): tell the partner webhook.
pub fn template_status_changed(sim: &Arc<Sim>, idx: usize, name: &str) {
    let events: Vec<Value> = {
        let inner = sim.lock();
        inner.numbers[idx]
            .templates
            .iter()
            .filter(|t| t.name == name)
            .map(|t| template_event(&inner, idx, t))
            .collect()
    };
    let s = sim.clone();
    tokio::spawn(async move {
        for e in events {
            deliver(&s, e).await;
        }
    });
}

/// `waba_template_status_changed`: `data.id` is the WABA, `data.template` the template with
/// Meta's id as `external_id` and its `new_status`.
fn template_event(inner: &Inner, idx: usize, t: &crate::state::Template) -> Value {
    let channel = &inner.partner.channels[idx];
    json!({
        "event": "waba_template_status_changed",
        "data": {
            "id": inner.numbers[idx].waba_id,
            "channel_id": channel.id,
            "template": {
                "id": format!("{}TP", t.id),
                "external_id": t.id,
                "name": t.name,
                "language": t.language,
                "new_status": t.status,
                "rejected_reason": t.rejected_reason,
            }
        }
    })
}

/// The signature 360dialog sends: HMAC-SHA256 of the body under the platform secret, in hex.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// POSTs a signed event to the partner webhook, retrying on anything but 200.
async fn deliver(sim: &Sim, event: Value) {
    let body = serde_json::to_vec(&event).expect("JSON");
    let name = event["event"].as_str().unwrap_or_default().to_string();
    let mut record = PartnerDelivery {
        event: name,
        attempts: 0,
        delivered: false,
        last_http_status: None,
    };
    let mut delay = sim.config.webhook_retry_base;
    for attempt in 1..=sim.config.webhook_max_attempts {
        let (url, secret) = {
            let inner = sim.lock();
            (
                inner.partner.webhook_url.clone(),
                inner.partner.secret.clone(),
            )
        };
        let Some(url) = url else { break };
        record.attempts = attempt;
        let req = sim
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-360dialog-signature", sign(&secret, &body))
            .body(body.clone());
        match req.send().await {
            Ok(resp) => {
                record.last_http_status = Some(resp.status().as_u16());
                if resp.status().as_u16() == 200 {
                    record.delivered = true;
                    break;
                }
            }
            Err(e) => tracing::debug!(error = %e, attempt, "partner webhook delivery failed"),
        }
        if attempt < sim.config.webhook_max_attempts {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(3600));
        }
    }
    sim.lock().partner.deliveries.push(record);
}
