//! The 360dialog Cloud API paths (reference §1.2, §2). The key alone identifies the number.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::state::{Destination, MultiWebhook, Template, WebhookConfig};
use crate::{errors, templates, uploads, webhooks, Sim};

/// Largest request body taken: a 100 MB document plus its multipart framing.
const UPLOAD_BODY_LIMIT: usize = 101 * 1024 * 1024;

/// 24-hour customer-service window.
pub const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/health_status", get(health_status))
        .route("/messages", post(send_message))
        .route("/v1/configs/webhook", get(get_webhook).post(set_webhook))
        .route(
            "/v1/configs/templates",
            get(list_templates).post(create_template),
        )
        .route("/v1/configs/templates/{name}", delete(delete_template))
        .route("/media", post(uploads::upload_media))
        .route("/uploads", post(uploads::start))
        // `/upload:{session}` (and `/{media-id}`): one segment, told apart by its prefix.
        .route(
            "/{segment}",
            get(uploads::segment_get).post(uploads::segment_post),
        )
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .route(
            "/multi_webhook",
            get(get_multi)
                .post(set_multi)
                .put(add_destinations)
                .patch(update_destination),
        )
}

/// The number a request's `D360-API-KEY` belongs to; 401 for a missing, wrong or retired key.
#[allow(clippy::result_large_err)]
pub(crate) fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<usize, Response> {
    let Some(key) = headers.get("d360-api-key").and_then(|v| v.to_str().ok()) else {
        return Err(errors::d360(
            StatusCode::UNAUTHORIZED,
            "Requests sent without an API key will be rejected.",
        ));
    };
    sim.lock()
        .number_by_key(key)
        .ok_or_else(errors::invalid_key)
}

macro_rules! auth {
    ($sim:expr, $headers:expr) => {
        match authenticate(&$sim, &$headers) {
            Ok(i) => i,
            Err(resp) => return resp,
        }
    };
}

async fn health_status(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let idx = auth!(sim, headers);
    let inner = sim.lock();
    let n = &inner.numbers[idx];
    let errors = if n.health == "AVAILABLE" {
        json!([])
    } else {
        json!([{
            "error_code": 141010,
            "error_description": "The Business has not passed business verification.",
            "possible_solution": "Visit business settings and start or resolve the business verification request."
        }])
    };
    let mut phone = json!({"entity_type": "PHONE_NUMBER", "id": n.phone_number_id,
        "can_send_message": n.health, "can_receive_call_sip": "AVAILABLE"});
    if n.health != "AVAILABLE" {
        phone["errors"] = errors;
    }
    Json(json!({
        "health_status": {
            "can_send_message": n.health,
            "entities": [
                phone,
                {"entity_type": "WABA", "id": n.waba_id, "can_send_message": "AVAILABLE"},
                {"entity_type": "BUSINESS", "id": n.business_id, "can_send_message": "AVAILABLE"},
                {"entity_type": "APP", "id": "360dialog-app", "can_send_message": "AVAILABLE"}
            ]
        }
    }))
    .into_response()
}

fn invalid_param(details: &str) -> Response {
    errors::meta(StatusCode::BAD_REQUEST, 100, "Invalid parameter", details)
}

async fn send_message(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(body)) = body else {
        return invalid_param("The request body must be JSON.");
    };
    if body.get("messaging_product").and_then(Value::as_str) != Some("whatsapp") {
        return invalid_param(
            "The parameter messaging_product is required and must be \"whatsapp\".",
        );
    }

    // Mark as read.
    if body.get("status").and_then(Value::as_str) == Some("read") {
        let id = body
            .get("message_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let known = sim.lock().numbers[idx].inbound_ids.iter().any(|m| m == id);
        return if known {
            Json(json!({"success": true})).into_response()
        } else {
            errors::meta(
                StatusCode::BAD_REQUEST,
                131009,
                "Parameter value is not valid",
                "message_id is not a message received by this number",
            )
        };
    }

    let to = body
        .get("to")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let wa_id: String = to.chars().filter(char::is_ascii_digit).collect();
    let plausible = to
        .trim_start_matches('+')
        .chars()
        .all(|c| c.is_ascii_digit())
        && (7..=15).contains(&wa_id.len());
    if !plausible {
        return invalid_param("The parameter to must be a phone number with country code.");
    }
    let msg_type = body
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("text")
        .to_string();

    if let Some(resp) = uploads::check_media_message(&sim, idx, &msg_type, &body) {
        return resp;
    }

    let mut inner = sim.lock();
    let number = &mut inner.numbers[idx];
    if number.display_phone_number == wa_id {
        return errors::meta(
            StatusCode::BAD_REQUEST,
            131021,
            "Recipient cannot be sender",
            "Sender and recipient phone number is the same.",
        );
    }
    let mut category = "service";
    match msg_type.as_str() {
        "template" => {
            let t = body.get("template").cloned().unwrap_or_default();
            let name = t.get("name").and_then(Value::as_str).unwrap_or_default();
            let lang = t
                .get("language")
                .and_then(|l| l.get("code"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            sim.settle_reviews(number);
            let Some(tpl) = number
                .templates
                .iter()
                .find(|x| x.name == name && x.language == lang)
            else {
                return errors::meta(
                    StatusCode::NOT_FOUND,
                    132001,
                    "Template name does not exist in the translation",
                    &format!("template name ({name}) does not exist in {lang}"),
                );
            };
            match tpl.status.as_str() {
                "APPROVED" => {}
                "PAUSED" => {
                    return errors::meta(StatusCode::BAD_REQUEST, 132015, "Template is Paused",
                        "Template is paused due to low quality so it cannot be sent in a template message.")
                }
                "DISABLED" => {
                    return errors::meta(StatusCode::BAD_REQUEST, 132016, "Template is disabled",
                        "Template has been paused too many times due to low quality and is now permanently disabled.")
                }
                _ => {
                    return errors::meta(
                        StatusCode::NOT_FOUND,
                        132001,
                        "Template name does not exist in the translation",
                        &format!("template name ({name}) in {lang} is not approved (status {})", tpl.status),
                    )
                }
            }
            let named = tpl.parameter_format == "NAMED";
            let auth = tpl.category == "AUTHENTICATION";
            if let Err(m) = templates::check_send(&tpl.components, named, auth, t.get("components"))
            {
                return errors::meta(StatusCode::BAD_REQUEST, m.code, m.title(), &m.details);
            }
            category = match tpl.category.as_str() {
                "MARKETING" => "marketing",
                "AUTHENTICATION" => "authentication",
                _ => "utility",
            };
        }
        _ => {
            if msg_type == "text" {
                let text = body
                    .get("text")
                    .and_then(|t| t.get("body"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if text.is_empty() || text.chars().count() > 4096 {
                    return invalid_param("text.body is required and limited to 4096 characters.");
                }
            }
            let open = number
                .last_inbound
                .get(&wa_id)
                .is_some_and(|t| t.elapsed() < WINDOW);
            if !open {
                return errors::meta(
                    StatusCode::BAD_REQUEST,
                    131047,
                    "Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
                );
            }
        }
    }
    number.sent += 1;
    let wamid = inner.new_wamid();
    drop(inner);
    let callback = body
        .get("biz_opaque_callback_data")
        .and_then(Value::as_str)
        .map(str::to_string);
    webhooks::schedule_statuses(
        sim.clone(),
        idx,
        wamid.clone(),
        wa_id.clone(),
        category,
        callback,
    );

    let mut message = json!({"id": wamid});
    if msg_type == "template" {
        message["message_status"] = json!("accepted");
    }
    Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": wa_id}],
        "messages": [message]
    }))
    .into_response()
}

async fn get_webhook(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let idx = auth!(sim, headers);
    let inner = sim.lock();
    match &inner.numbers[idx].webhook {
        Some(w) => Json(json!({"url": w.url, "headers": w.headers})).into_response(),
        None => Json(json!({"url": null, "headers": {}})).into_response(),
    }
}

/// 360dialog's rules: HTTPS, no underscore in the host, no port (reference §2.4). On loopback
/// the simulator also accepts http and a port, so it can deliver to a local receiver.
fn check_webhook_url(raw: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(raw).map_err(|e| format!("invalid URL: {e}"))?;
    let host = url.host_str().unwrap_or_default();
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    if loopback {
        return Ok(());
    }
    if url.scheme() != "https" {
        return Err("Webhook URL must use https".into());
    }
    if host.contains('_') {
        return Err("Webhook URLs for Cloud API do not support '_' in (sub)domain names".into());
    }
    if url.port().is_some()
        || raw.split("://").nth(1).is_some_and(|r| {
            r.split('/')
                .next()
                .is_some_and(|authority| authority.contains(':'))
        })
    {
        return Err("Webhook URLs for Cloud API do not support ports".into());
    }
    Ok(())
}

async fn set_webhook(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(body)) = body else {
        return errors::d360(StatusCode::BAD_REQUEST, "The request body must be JSON.");
    };
    let config: WebhookConfig = match serde_json::from_value(body) {
        Ok(c) => c,
        Err(e) => return errors::d360(StatusCode::BAD_REQUEST, &format!("Invalid body: {e}")),
    };
    if let Err(msg) = check_webhook_url(&config.url) {
        return errors::d360(StatusCode::BAD_REQUEST, &msg);
    }
    let mut inner = sim.lock();
    inner.numbers[idx].webhook = Some(config.clone());
    Json(json!({"url": config.url, "headers": config.headers})).into_response()
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    sort: Option<String>,
    filters: Option<String>,
}

fn template_json(t: &Template, namespace: &str) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "language": t.language,
        "category": t.category,
        "components": t.components,
        "parameter_format": t.parameter_format,
        // 360dialog's list uses lower-case statuses where Meta uses upper case.
        "status": t.status.to_ascii_lowercase(),
        "rejected_reason": t.rejected_reason,
        "namespace": namespace,
        "quality_score": {"score": "UNKNOWN"}
    })
}

async fn list_templates(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let idx = auth!(sim, headers);
    let filters: Value = match q.filters.as_deref().map(serde_json::from_str).transpose() {
        Ok(f) => f.unwrap_or_else(|| json!({})),
        Err(_) => return errors::d360(StatusCode::BAD_REQUEST, "filters must be a JSON object"),
    };
    let limit = q.limit.unwrap_or(1000).clamp(1, 1000);
    let offset = q.offset.unwrap_or(0);
    let mut inner = sim.lock();
    let number = &mut inner.numbers[idx];
    sim.settle_reviews(number);
    let namespace = format!("ns_{}", number.waba_id);
    let matches = |t: &Template| {
        filters.as_object().into_iter().flatten().all(|(k, v)| {
            let want = v.as_str().unwrap_or_default();
            match k.as_str() {
                "business_templates.name" | "name" => t.name == want,
                "status" => t.status.eq_ignore_ascii_case(want),
                "category" => t.category.eq_ignore_ascii_case(want),
                "language" => t.language == want,
                _ => true,
            }
        })
    };
    let all: Vec<&Template> = number.templates.iter().filter(|t| matches(t)).collect();
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|t| template_json(t, &namespace))
        .collect();
    Json(json!({
        "count": page.len(),
        "filters": filters,
        "limit": limit,
        "offset": offset,
        "sort": [q.sort.unwrap_or_else(|| "id".to_string())],
        "total": all.len(),
        "waba_templates": page
    }))
    .into_response()
}

async fn create_template(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(body)) = body else {
        return errors::template_invalid(None, "Invalid request", "The request body must be JSON.");
    };
    if let Err(r) = templates::validate(&body) {
        return errors::template_invalid(r.subcode, &r.title, &r.message);
    }
    let name = body["name"].as_str().unwrap_or_default().to_string();
    let language = body["language"].as_str().unwrap_or_default().to_string();
    let mut inner = sim.lock();
    if inner.numbers[idx]
        .templates
        .iter()
        .any(|t| t.name == name && t.language == language)
    {
        return errors::template_invalid(
            Some(2388024),
            "Content in this language already exists",
            &format!("The template {name} already has content in {language}."),
        );
    }
    let id = inner.new_numeric_id(16);
    let number = &mut inner.numbers[idx];
    let template = Template {
        id: id.clone(),
        name,
        language,
        category: body["category"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_uppercase(),
        components: templates::meta_authored(&body),
        parameter_format: body
            .get("parameter_format")
            .and_then(Value::as_str)
            .unwrap_or("positional")
            .to_ascii_uppercase(),
        status: "PENDING".to_string(),
        rejected_reason: "NONE".to_string(),
        created: Instant::now(),
        forced: false,
    };
    let namespace = format!("ns_{}", number.waba_id);
    let mut out = template_json(&template, &namespace);
    out["status"] = json!("PENDING");
    let watched = (template.name.clone(), template.language.clone());
    number.templates.push(template);
    drop(inner);
    crate::partner::watch_review(sim.clone(), idx, watched.0, watched.1);
    (StatusCode::OK, Json(out)).into_response()
}

async fn delete_template(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let idx = auth!(sim, headers);
    let mut inner = sim.lock();
    let number = &mut inner.numbers[idx];
    let before = number.templates.len();
    number.templates.retain(|t| t.name != name);
    if number.templates.len() == before {
        return errors::meta(
            StatusCode::NOT_FOUND,
            100,
            "Invalid parameter",
            &format!("Message template \"{name}\" not found"),
        );
    }
    Json(json!({"success": true})).into_response()
}

#[cfg(test)]
mod tests {
    use super::check_webhook_url;

    #[test]
    fn webhook_url_rules() {
        assert!(check_webhook_url("https://hooks.example.com/wh_path?x_y=1").is_ok());
        assert!(check_webhook_url("http://hooks.example.com/").is_err());
        assert!(check_webhook_url("https://my_hooks.example.com/").is_err());
        assert!(check_webhook_url("https://hooks.example.com:443/").is_err());
        assert!(check_webhook_url("https://hooks.example.com:3000/").is_err());
        assert!(check_webhook_url("http://127.0.0.1:8080/hook").is_ok());
    }
}

/// `/multi_webhook` errors use a bare `{"error": "..."}` body (reference §2.6).
fn multi_error(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({"error": msg}))).into_response()
}

fn multi_json(m: &MultiWebhook) -> Response {
    Json(json!({"enabled": m.enabled, "destinations": m.destinations})).into_response()
}

/// At most 3 unique webhook URLs per number, the main one included.
#[allow(clippy::result_large_err)]
fn check_destinations(main: Option<&WebhookConfig>, list: &[Destination]) -> Result<(), Response> {
    let mut names = BTreeSet::new();
    for d in list {
        if d.name.is_empty() || !names.insert(d.name.as_str()) {
            return Err(multi_error(
                StatusCode::CONFLICT,
                &format!("Destination name '{}' is empty or already used", d.name),
            ));
        }
        if let Err(msg) = check_webhook_url(&d.url) {
            return Err(multi_error(StatusCode::BAD_REQUEST, &msg));
        }
    }
    let urls: BTreeSet<&str> = main
        .map(|w| w.url.as_str())
        .into_iter()
        .chain(list.iter().map(|d| d.url.as_str()))
        .collect();
    if urls.len() > 3 {
        return Err(multi_error(
            StatusCode::BAD_REQUEST,
            "Each phone number is limited to a maximum of 3 unique webhooks",
        ));
    }
    Ok(())
}

async fn get_multi(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let idx = auth!(sim, headers);
    multi_json(&sim.lock().numbers[idx].multi)
}

#[derive(Deserialize)]
struct MultiBody {
    enabled: Option<bool>,
    #[serde(default)]
    destinations: Option<Vec<Destination>>,
}

/// POST: enable/disable, optionally replacing the destinations.
async fn set_multi(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<MultiBody>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(body)) = body else {
        return multi_error(StatusCode::BAD_REQUEST, "enabled is required");
    };
    let Some(enabled) = body.enabled else {
        return multi_error(StatusCode::BAD_REQUEST, "enabled is required");
    };
    let mut inner = sim.lock();
    let n = &mut inner.numbers[idx];
    if let Some(list) = body.destinations {
        if let Err(r) = check_destinations(n.webhook.as_ref(), &list) {
            return r;
        }
        n.multi.destinations = list;
    }
    n.multi.enabled = enabled;
    multi_json(&n.multi)
}

/// PUT: appends destinations.
async fn add_destinations(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<MultiBody>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(MultiBody {
        destinations: Some(add),
        ..
    })) = body
    else {
        return multi_error(StatusCode::BAD_REQUEST, "destinations is required");
    };
    let mut inner = sim.lock();
    let n = &mut inner.numbers[idx];
    let mut list = n.multi.destinations.clone();
    list.extend(add);
    if let Err(r) = check_destinations(n.webhook.as_ref(), &list) {
        return r;
    }
    n.multi.destinations = list;
    multi_json(&n.multi)
}

/// PATCH: updates the url/headers of a destination named in the body.
async fn update_destination(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<MultiBody>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(MultiBody {
        destinations: Some(changes),
        ..
    })) = body
    else {
        return multi_error(StatusCode::BAD_REQUEST, "destinations is required");
    };
    let mut inner = sim.lock();
    let n = &mut inner.numbers[idx];
    let mut list = n.multi.destinations.clone();
    for c in changes {
        let Some(d) = list.iter_mut().find(|d| d.name == c.name) else {
            return multi_error(
                StatusCode::NOT_FOUND,
                &format!("No destination named '{}'", c.name),
            );
        };
        d.url = c.url;
        d.headers = c.headers;
    }
    if let Err(r) = check_destinations(n.webhook.as_ref(), &list) {
        return r;
    }
    n.multi.destinations = list;
    multi_json(&n.multi)
}
