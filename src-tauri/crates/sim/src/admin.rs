//! Simulator-only endpoints under `/_sim/`: what 360dialog's Hub, Meta's reviewers and
//! WhatsApp users do in the real world.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::Fault;
use crate::state::Settings;
use crate::{webhooks, Sim};

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/_sim/state", get(state))
        .route("/_sim/faults", post(add_fault).delete(clear_faults))
        .route("/_sim/settings", get(get_settings).post(set_settings))
        .route("/_sim/numbers/{id}/keys", post(rotate_key))
        .route("/_sim/numbers/{id}/inbound", post(inbound))
        .route("/_sim/numbers/{id}/opens_chat", post(opens_chat))
        .route("/_sim/numbers/{id}/last_inbound", post(set_last_inbound))
        .route("/_sim/numbers/{id}/health", post(set_health))
        .route("/_sim/numbers/{id}/deliveries", get(deliveries))
        .route(
            "/_sim/numbers/{id}/templates/{name}/status",
            post(force_template_status),
        )
}

fn not_found(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": format!("no simulated number {id}")})),
    )
        .into_response()
}

macro_rules! number {
    ($sim:expr, $id:expr) => {
        match $sim.lock().number_by_id(&$id) {
            Some(i) => i,
            None => return not_found(&$id),
        }
    };
}

async fn state(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let inner = sim.lock();
    let numbers: Vec<Value> = inner
        .numbers
        .iter()
        .map(|n| {
            json!({
                "display_phone_number": n.display_phone_number,
                "phone_number_id": n.phone_number_id,
                "waba_id": n.waba_id,
                "api_key": n.key,
                "retired_keys": n.retired_keys.len(),
                "webhook": n.webhook,
                "templates": n.templates.len(),
                "sent": n.sent,
                "health": n.health,
                "webhook_deliveries": n.deliveries.len(),
            })
        })
        .collect();
    Json(json!({"numbers": numbers, "faults": inner.faults}))
}

async fn add_fault(State(sim): State<Arc<Sim>>, Json(fault): Json<Fault>) -> Response {
    if fault.count == 0 {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "count must be at least 1"})),
        )
            .into_response();
    }
    sim.lock().faults.push(fault);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn get_settings(State(sim): State<Arc<Sim>>) -> Json<Settings> {
    Json(sim.lock().settings.clone())
}

/// Fields left out keep their value.
#[derive(Deserialize)]
struct SettingsChange {
    new_key_clears_webhook: Option<bool>,
}

async fn set_settings(
    State(sim): State<Arc<Sim>>,
    Json(change): Json<SettingsChange>,
) -> Json<Settings> {
    let mut inner = sim.lock();
    if let Some(v) = change.new_key_clears_webhook {
        inner.settings.new_key_clears_webhook = v;
    }
    Json(inner.settings.clone())
}

/// What "generate a new API key" in the 360dialog Hub does: the old key stops working at once,
/// and with `new_key_clears_webhook` the number's webhook is gone too.
async fn rotate_key(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    let idx = number!(sim, id);
    let (key, clears) = sim.lock().issue_key(idx);
    Json(json!({"api_key": key, "webhook_cleared": clears})).into_response()
}

#[derive(Deserialize)]
struct Inbound {
    from: String,
    #[serde(default = "default_name")]
    name: String,
    text: String,
}

fn default_name() -> String {
    "Test User".to_string()
}

async fn inbound(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    Json(body): Json<Inbound>,
) -> Response {
    let idx = number!(sim, id);
    let from: String = body.from.chars().filter(char::is_ascii_digit).collect();
    let wamid = webhooks::incoming_text(&sim, idx, &from, &body.name, &body.text);
    Json(json!({"id": wamid})).into_response()
}

#[derive(Deserialize)]
struct OpensChat {
    from: String,
    #[serde(default = "default_name")]
    name: String,
}

/// A user opens the chat with the number for the first time: with the welcome message on,
/// Meta sends a `request_welcome` message (conversational components); otherwise nothing.
async fn opens_chat(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    Json(body): Json<OpensChat>,
) -> Response {
    let idx = number!(sim, id);
    let from: String = body.from.chars().filter(char::is_ascii_digit).collect();
    let (welcome, first) = {
        let inner = sim.lock();
        let n = &inner.numbers[idx];
        (
            n.automation["enable_welcome_message"] == Value::Bool(true),
            !n.last_inbound.contains_key(&from),
        )
    };
    if !(welcome && first) {
        return Json(json!({"id": null, "request_welcome": false})).into_response();
    }
    let wamid = webhooks::incoming(
        &sim,
        idx,
        &from,
        &body.name,
        json!({"type": "request_welcome"}),
    );
    Json(json!({"id": wamid, "request_welcome": true})).into_response()
}

#[derive(Deserialize)]
struct LastInbound {
    wa_id: String,
    /// How long ago the user wrote (0: now).
    #[serde(default)]
    age_secs: u64,
}

/// Records that a user wrote `age_secs` ago, without delivering an event: restores a 24-hour
/// window opened before this simulator started (the real service remembers it).
async fn set_last_inbound(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    Json(body): Json<LastInbound>,
) -> Response {
    let idx = number!(sim, id);
    let wa_id: String = body.wa_id.chars().filter(char::is_ascii_digit).collect();
    let now = Instant::now();
    let Some(at) = now.checked_sub(Duration::from_secs(body.age_secs)) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "age_secs is too large"})),
        )
            .into_response();
    };
    if wa_id.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "wa_id is required"})),
        )
            .into_response();
    }
    let open = at.elapsed() < crate::api::WINDOW;
    sim.lock().numbers[idx].last_inbound.insert(wa_id, at);
    Json(json!({"window_open": open})).into_response()
}

#[derive(Deserialize)]
struct Health {
    can_send_message: String,
}

async fn set_health(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    Json(body): Json<Health>,
) -> Response {
    let idx = number!(sim, id);
    let value = body.can_send_message.to_ascii_uppercase();
    if !matches!(value.as_str(), "AVAILABLE" | "LIMITED" | "BLOCKED") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "AVAILABLE, LIMITED or BLOCKED"})),
        )
            .into_response();
    }
    sim.lock().numbers[idx].health = value;
    StatusCode::NO_CONTENT.into_response()
}

async fn deliveries(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    let idx = number!(sim, id);
    let inner = sim.lock();
    Json(json!({"deliveries": inner.numbers[idx].deliveries})).into_response()
}

#[derive(Deserialize)]
struct ForceStatus {
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

/// Plays Meta's reviewers (or its quality system): sets the status of every language of a name.
async fn force_template_status(
    State(sim): State<Arc<Sim>>,
    Path((id, name)): Path<(String, String)>,
    Json(body): Json<ForceStatus>,
) -> Response {
    let idx = number!(sim, id);
    let mut inner = sim.lock();
    let mut found = false;
    for t in inner.numbers[idx]
        .templates
        .iter_mut()
        .filter(|t| t.name == name)
    {
        t.status = body.status.to_ascii_uppercase();
        t.rejected_reason = body.reason.clone().unwrap_or_else(|| "NONE".to_string());
        t.forced = true;
        found = true;
    }
    drop(inner);
    if found {
        crate::partner::template_status_changed(&sim, idx, &name);
        StatusCode::NO_CONTENT.into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no template {name}")})),
        )
            .into_response()
    }
}
