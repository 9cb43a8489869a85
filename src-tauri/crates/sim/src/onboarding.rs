//! Business profile (`/whatsapp_business_profile`), conversational components
//! (`/conversational_automation`) and the block list (`/block_users`), with Meta's limits and
//! errors as documented (reference §2.10; Meta's business-profile, conversational-components
//! and block-users pages).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::api::{authenticate, WINDOW};
use crate::{errors, Sim};

/// Meta's industries (reference §2.10).
pub const VERTICALS: [&str; 19] = [
    "UNDEFINED",
    "OTHER",
    "AUTO",
    "BEAUTY",
    "APPAREL",
    "EDU",
    "ENTERTAIN",
    "EVENT_PLAN",
    "FINANCE",
    "GROCERY",
    "GOVT",
    "HOTEL",
    "HEALTH",
    "NONPROFIT",
    "PROF_SERVICES",
    "RETAIL",
    "TRAVEL",
    "RESTAURANT",
    "NOT_A_BIZ",
];

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route(
            "/whatsapp_business_profile",
            get(get_profile).post(set_profile),
        )
        .route(
            "/conversational_automation",
            get(get_automation).post(set_automation),
        )
        .route(
            "/block_users",
            get(list_blocked).post(block).delete(unblock),
        )
}

macro_rules! auth {
    ($sim:expr, $headers:expr) => {
        match authenticate(&$sim, &$headers) {
            Ok(i) => i,
            Err(resp) => return resp,
        }
    };
}

fn invalid(details: &str) -> Response {
    errors::meta(StatusCode::BAD_REQUEST, 100, "Invalid parameter", details)
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

async fn get_profile(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let idx = auth!(sim, headers);
    let inner = sim.lock();
    let mut p = inner.numbers[idx].profile.clone();
    p.insert("messaging_product".into(), Value::from("whatsapp"));
    Json(json!({"data": [Value::Object(p)]})).into_response()
}

fn email_ok(s: &str) -> bool {
    match s.split_once('@') {
        Some((l, d)) => {
            !l.is_empty() && d.contains('.') && !d.contains('@') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Checks a profile update; `Err` is the details of Meta's "Invalid parameter".
fn check_profile(body: &Map<String, Value>, current: &Map<String, Value>) -> Result<(), String> {
    let text = |k: &str| -> Result<Option<String>, String> {
        match body.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("Param {k} must be a string.")),
        }
    };
    if let Some(a) = text("about")? {
        if a.trim().is_empty() || chars(&a) > 139 {
            return Err("Param about must be between 1 and 139 characters.".into());
        }
    }
    if let Some(d) = text("description")? {
        if chars(&d) > 512 {
            return Err("Param description must be at most 512 characters.".into());
        }
    }
    if let Some(a) = text("address")? {
        if chars(&a) > 256 {
            return Err("Param address must be at most 256 characters.".into());
        }
    }
    if let Some(e) = text("email")? {
        if chars(&e) > 128 || (!e.is_empty() && !email_ok(&e)) {
            return Err(
                "Param email must be a valid email address of at most 128 characters.".into(),
            );
        }
    }
    if let Some(w) = body.get("websites") {
        let Some(list) = w.as_array() else {
            return Err("Param websites must be an array.".into());
        };
        if list.len() > 2 {
            return Err("Param websites must have at most 2 elements.".into());
        }
        for u in list {
            let u = u.as_str().unwrap_or_default();
            let scheme = u.starts_with("http://") || u.starts_with("https://");
            if !scheme || chars(u) > 256 {
                return Err(
                    "Param websites[] must be URLs with http:// or https:// of at most 256 characters."
                        .into(),
                );
            }
        }
    }
    if let Some(v) = text("vertical")? {
        if !VERTICALS.contains(&v.as_str()) {
            return Err(format!(
                "Param vertical must be one of {{{}}}.",
                VERTICALS.join(", ")
            ));
        }
        let was = current
            .get("vertical")
            .and_then(Value::as_str)
            .unwrap_or("UNDEFINED");
        if v == "UNDEFINED" && was != "UNDEFINED" {
            return Err("Param vertical cannot be reset once it is set.".into());
        }
    }
    if let Some(h) = text("profile_picture_handle")? {
        if h.trim().is_empty() {
            return Err("Param profile_picture_handle is not a valid upload handle.".into());
        }
    }
    Ok(())
}

async fn set_profile(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(Value::Object(body))) = body else {
        return invalid("The request body must be a JSON object.");
    };
    if body.get("messaging_product").and_then(Value::as_str) != Some("whatsapp") {
        return invalid("The parameter messaging_product is required and must be \"whatsapp\".");
    }
    let mut inner = sim.lock();
    // A profile photo is a completed resumable upload of an image (Meta: JPEG or PNG).
    if let Some(h) = body.get("profile_picture_handle").and_then(Value::as_str) {
        let upload = inner
            .uploads
            .values()
            .find(|u| u.handle.as_deref() == Some(h));
        match upload {
            None => {
                return invalid(
                    "Param profile_picture_handle is not a handle of a completed upload.",
                )
            }
            Some(u)
                if !matches!(
                    u.file_type.as_str(),
                    "image/jpeg" | "image/jpg" | "image/png"
                ) =>
            {
                return invalid("The profile photo must be a JPEG or PNG image.")
            }
            Some(_) => {}
        }
    }
    let n = &mut inner.numbers[idx];
    if let Err(details) = check_profile(&body, &n.profile) {
        return invalid(&details);
    }
    for (k, v) in body {
        match k.as_str() {
            "messaging_product" => {}
            "profile_picture_handle" => {
                let handle = v.as_str().unwrap_or_default();
                n.profile.insert(
                    "profile_picture_url".into(),
                    Value::from(format!(
                        "https://pps.whatsapp.net/v/sim/{}.jpg",
                        handle.replace(|c: char| !c.is_ascii_alphanumeric(), "")
                    )),
                );
            }
            "about" | "address" | "description" | "email" | "websites" | "vertical" => {
                n.profile.insert(k, v);
            }
            _ => {}
        }
    }
    Json(json!({"success": true})).into_response()
}

async fn get_automation(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let idx = auth!(sim, headers);
    let inner = sim.lock();
    let n = &inner.numbers[idx];
    let mut a = n.automation.clone();
    a["id"] = Value::from(n.phone_number_id.clone());
    Json(json!({"conversational_automation": a, "id": n.phone_number_id})).into_response()
}

/// Checks a components body; `Err` is the answer.
#[allow(clippy::result_large_err)]
fn check_automation(body: &Value) -> Result<Value, Response> {
    let welcome = body
        .get("enable_welcome_message")
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| invalid("Param enable_welcome_message must be a boolean."))
        })
        .transpose()?
        .unwrap_or(false);
    let prompts: Vec<String> = match body.get("prompts") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|p| p.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid("Param prompts must be an array of strings."))?,
        Some(_) => return Err(invalid("Param prompts must be an array of strings.")),
    };
    if prompts.len() > 4 {
        return Err(invalid("Too many prompts provided. Maximum allowed is 4"));
    }
    if prompts.iter().any(|p| chars(p) > 80 || p.trim().is_empty()) {
        return Err(invalid(
            "Prompt text exceeds maximum length of 80 characters",
        ));
    }
    let commands = match body.get("commands") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(invalid("Param commands must be an array.")),
    };
    if commands.len() > 30 {
        return Err(invalid("Too many commands provided. Maximum allowed is 30"));
    }
    let mut names: Vec<String> = Vec::new();
    for c in &commands {
        let name = c
            .get("command_name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let desc = c
            .get("command_description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if name.is_empty()
            || chars(name) > 32
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            return Err(invalid("Invalid command name format. Command names must contain only alphanumeric characters and underscores"));
        }
        if desc.trim().is_empty() || chars(desc) > 256 {
            return Err(invalid(
                "Command description must be between 1 and 256 characters",
            ));
        }
        let lower = name.to_ascii_lowercase();
        if names.contains(&lower) {
            return Err(errors::meta(
                StatusCode::UNPROCESSABLE_ENTITY,
                100,
                "Invalid parameter",
                &format!("Command names must be unique. Duplicate command name found: {name}"),
            ));
        }
        names.push(lower);
    }
    Ok(json!({
        "enable_welcome_message": welcome,
        "prompts": prompts,
        "commands": commands.iter().map(|c| json!({
            "command_name": c.get("command_name").cloned().unwrap_or_default(),
            "command_description": c.get("command_description").cloned().unwrap_or_default(),
        })).collect::<Vec<_>>(),
    }))
}

async fn set_automation(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let Some(Json(body)) = body else {
        return invalid("The request body must be JSON.");
    };
    match check_automation(&body) {
        Ok(a) => {
            sim.lock().numbers[idx].automation = a;
            Json(json!({"success": true})).into_response()
        }
        Err(resp) => resp,
    }
}

async fn list_blocked(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let idx = auth!(sim, headers);
    let inner = sim.lock();
    let data: Vec<Value> = inner.numbers[idx]
        .blocked
        .iter()
        .map(|w| json!({"messaging_product": "whatsapp", "wa_id": w}))
        .collect();
    Json(json!({"data": data, "paging": {"cursors": {"before": "", "after": ""}}})).into_response()
}

/// The users of a block/unblock body, or the answer refusing it.
#[allow(clippy::result_large_err)]
fn users_of(body: Option<Json<Value>>) -> Result<Vec<String>, Response> {
    let Some(Json(body)) = body else {
        return Err(invalid("The request body must be JSON."));
    };
    if body.get("messaging_product").and_then(Value::as_str) != Some("whatsapp") {
        return Err(invalid(
            "The parameter messaging_product is required and must be \"whatsapp\".",
        ));
    }
    let Some(list) = body.get("block_users").and_then(Value::as_array) else {
        return Err(invalid("The parameter block_users is required."));
    };
    if list.is_empty() {
        return Err(invalid("The parameter block_users must not be empty."));
    }
    if list.len() > 1000 {
        return Err(errors::meta(
            StatusCode::BAD_REQUEST,
            130429,
            "Rate limit hit",
            "Too many users in one request: at most 1000.",
        ));
    }
    Ok(list
        .iter()
        .map(|u| {
            u.get("user")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        })
        .collect())
}

fn failed(input: &str, wa_id: Option<&str>, code: i64, message: &str, details: &str) -> Value {
    let mut v = json!({"input": input, "errors": [{
        "message": message, "code": code, "error_data": {"details": details}
    }]});
    if let Some(w) = wa_id {
        v["wa_id"] = Value::from(w);
    }
    v
}

/// The answer of a block or unblock: 200 with the list, or 400 (139100) with both lists when
/// some users failed.
fn answer(list_name: &str, done: Vec<Value>, failed_users: Vec<Value>) -> Response {
    let mut lists = json!({ list_name: done });
    if failed_users.is_empty() {
        return Json(json!({"messaging_product": "whatsapp", "block_users": lists}))
            .into_response();
    }
    lists["failed_users"] = Value::from(failed_users);
    let body = json!({
        "messaging_product": "whatsapp",
        "block_users": lists,
        "error": {
            "message": "(#139100) Failed to block/unblock users",
            "type": "OAuthException",
            "code": 139100,
            "error_data": {"details": "Failed to block some users, see the block_users response list for details"},
            "fbtrace_id": "AsimBlockUsers",
        }
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

async fn block(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let users = match users_of(body) {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let mut inner = sim.lock();
    let n = &mut inner.numbers[idx];
    let (mut added, mut failed_users) = (Vec::new(), Vec::new());
    for input in users {
        let wa_id: String = input.chars().filter(char::is_ascii_digit).collect();
        if wa_id.len() < 7 {
            failed_users.push(failed(
                &input,
                None,
                131047,
                "Re-engagement required",
                "The number is not a valid WhatsApp user.",
            ));
        } else if wa_id == n.display_phone_number {
            failed_users.push(failed(
                &input,
                Some(&wa_id),
                131021,
                "Self block",
                "Failed to block self phone number.",
            ));
        } else if n
            .last_inbound
            .get(&wa_id)
            .is_none_or(|at| at.elapsed() >= WINDOW)
        {
            failed_users.push(failed(
                &input,
                Some(&wa_id),
                131047,
                "Re-engagement required",
                "User has not messaged in the last 24 hours",
            ));
        } else {
            if !n.blocked.contains(&wa_id) {
                n.blocked.push(wa_id.clone());
            }
            added.push(json!({"input": input, "wa_id": wa_id}));
        }
    }
    answer("added_users", added, failed_users)
}

async fn unblock(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let idx = auth!(sim, headers);
    let users = match users_of(body) {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let mut inner = sim.lock();
    let n = &mut inner.numbers[idx];
    let (mut removed, mut failed_users) = (Vec::new(), Vec::new());
    for input in users {
        let wa_id: String = input.chars().filter(char::is_ascii_digit).collect();
        if wa_id.len() < 7 {
            failed_users.push(failed(
                &input,
                None,
                139100,
                "Failed to unblock user",
                "The number is not a valid WhatsApp user.",
            ));
            continue;
        }
        n.blocked.retain(|b| b != &wa_id);
        removed.push(json!({"input": input, "wa_id": wa_id}));
    }
    answer("removed_users", removed, failed_users)
}
