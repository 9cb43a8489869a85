//! Partner webhook events, received on the inbox's `/partner` path.
//!
//! 360dialog signs each partner event's body with HMAC-SHA256 under the partner's platform
//! secret and sends it in `x-360dialog-signature`. An event without a signature, with a wrong
//! one, or arriving while no platform secret is set is refused (401) and listed with the
//! inbox's other rejections. An accepted event is applied at once: a template status change
//! updates the template library, a channel or account event (channel live, account restricted
//! or in violation) is recorded on the number its channel was imported as.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::store;
use crate::events::Topic;
use crate::secrets::accounts::partner_webhook_secret_account;
use crate::service::Core;
use crate::{Error, Result};

/// The header 360dialog puts the signature in.
pub const SIGNATURE_HEADER: &str = "x-360dialog-signature";

/// The path partner events are posted to on the inbox receiver.
pub const PATH: &str = "/partner";

/// Largest partner event body accepted.
const MAX_BODY: usize = 1 << 20;

/// The route the inbox receiver adds for partner events.
pub(crate) fn routes(core: Arc<Core>) -> Router {
    Router::new()
        .route(PATH, post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(core)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The signature of `body` under `secret`, as lower-case hex.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `given` (hex in either case or base64, optionally after `sha256=`) is the
/// HMAC-SHA256 of `body` under `secret`. Compared in constant time.
pub fn signature_ok(secret: &[u8], body: &[u8], given: &str) -> bool {
    let given = given.trim();
    let given = given.strip_prefix("sha256=").unwrap_or(given);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let b64 = base64(&digest);
    let lower = given.to_ascii_lowercase();
    let hex_ok: bool = lower.as_bytes().ct_eq(hex.as_bytes()).into();
    let b64_ok: bool = given.as_bytes().ct_eq(b64.as_bytes()).into();
    hex_ok | b64_ok
}

async fn receive(
    State(core): State<Arc<Core>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let given = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let c = core.clone();
    let outcome =
        tokio::task::spawn_blocking(move || c.receive_partner_event(given.as_deref(), &body))
            .await
            .unwrap_or_else(|e| Err(Error::Internal(e.to_string())));
    match outcome {
        Ok(Received::Applied) => StatusCode::OK,
        Ok(Received::Refused) => StatusCode::UNAUTHORIZED,
        Ok(Received::Unreadable) => StatusCode::BAD_REQUEST,
        Err(e) => {
            tracing::warn!(error = %e, "could not store a partner event");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// What became of a partner event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Applied,
    /// Unsigned, wrongly signed, or no platform secret set: listed with the rejections.
    Refused,
    /// Signed, but not a JSON object.
    Unreadable,
}

/// The first of `names` found at the top of the event or in one of its usual wrappers.
fn field(v: &Value, names: &[&str]) -> Option<String> {
    let scopes = [
        Some(v),
        v.get("payload"),
        v.get("data"),
        v.get("template"),
        v.get("data").and_then(|d| d.get("template")),
        v.get("payload").and_then(|d| d.get("template")),
        v.get("channel"),
        v.get("value"),
    ];
    for scope in scopes.into_iter().flatten() {
        for n in names {
            match scope.get(n) {
                Some(Value::String(s)) if !s.is_empty() => return Some(s.clone()),
                Some(Value::Number(x)) => return Some(x.to_string()),
                _ => {}
            }
        }
    }
    None
}

fn summary_of(event: &str, v: &Value) -> String {
    let violation = field(v, &["violation_type", "reason"]);
    match event {
        "channel_live" => "the channel is live".to_string(),
        "channel_running" => "the channel is running".to_string(),
        "channel_ready" => "the channel is ready to be registered".to_string(),
        "channel_created" => "the channel was created".to_string(),
        "channel_submitted" => "the channel was submitted to Meta".to_string(),
        "account_restriction" => format!(
            "the account is restricted{}",
            violation.map(|x| format!(": {x}")).unwrap_or_default()
        ),
        "account_violation" => format!(
            "the account has a policy violation{}",
            violation.map(|x| format!(": {x}")).unwrap_or_default()
        ),
        other => other.replace('_', " "),
    }
}

impl Core {
    /// Checks and applies one partner event body (the receiver's `/partner` path calls this).
    pub fn receive_partner_event(&self, signature: Option<&str>, body: &[u8]) -> Result<Received> {
        let secret = self.secrets.get(&partner_webhook_secret_account())?;
        let refused = match (&secret, signature) {
            (None, _) => Some(
                "partner event refused: no platform secret is set for partner webhook signatures",
            ),
            (Some(_), None) => Some("unsigned partner event (no x-360dialog-signature)"),
            (Some(s), Some(sig)) if !signature_ok(s.expose().as_bytes(), body, sig) => {
                Some("partner event with a wrong x-360dialog-signature")
            }
            _ => None,
        };
        if let Some(reason) = refused {
            tracing::warn!(reason, "inbox refused a partner event");
            self.record_rejections(&[(reason.to_string(), body.len())]);
            return Ok(Received::Refused);
        }
        let Ok(v) = serde_json::from_slice::<Value>(body) else {
            return Ok(Received::Unreadable);
        };
        if !v.is_object() {
            return Ok(Received::Unreadable);
        }
        self.apply_partner_event(&v, &String::from_utf8_lossy(body))?;
        Ok(Received::Applied)
    }

    fn apply_partner_event(&self, v: &Value, raw: &str) -> Result<()> {
        let event = field(v, &["event", "type", "event_type"]).unwrap_or_else(|| "unknown".into());
        let is_template = event.contains("template") && !event.contains("messaging");
        // `data.id` is the WABA of a template event and the channel of a channel event.
        let data_id = v
            .get("data")
            .and_then(|d| d.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let channel_id = field(v, &["channel_id"])
            .or_else(|| {
                v.get("channel")
                    .and_then(|c| c.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .or_else(|| (!is_template).then(|| data_id.clone()).flatten());
        let waba_id = field(v, &["waba_account_id", "waba_id"])
            .or_else(|| is_template.then(|| data_id.clone()).flatten());
        let phone = field(v, &["phone_number", "display_phone_number"]);
        let now = crate::util::now();
        let number_id = self.db.with_tx(|tx| {
            let mut number_id = match channel_id.as_deref() {
                Some(ch) => store::channel_by_id(tx, ch)?.map(|r| r.number_id),
                None => None,
            };
            if number_id.is_none() {
                if let Some(w) = waba_id.as_deref() {
                    number_id = store::number_of_waba(tx, w)?;
                }
            }
            if number_id.is_none() {
                if let Some(p) = phone
                    .as_deref()
                    .and_then(|p| crate::numbers::normalize_phone(p).ok())
                {
                    number_id = crate::numbers::store::find(tx, Some(&p), "")?;
                }
            }
            let summary = if is_template {
                let name = field(v, &["template_name", "name", "element_name"]);
                let language = field(v, &["language", "template_language", "language_code"]);
                let id = field(v, &["external_id", "message_template_id", "template_id"]);
                let status = field(v, &["status", "new_status", "template_status"])
                    .map(|s| s.to_ascii_uppercase());
                let reason = field(v, &["reason", "rejected_reason"])
                    .filter(|r| !r.eq_ignore_ascii_case("NONE"));
                if let Some(s) = status.as_deref() {
                    store::set_template_status(
                        tx,
                        number_id,
                        id.as_deref(),
                        name.as_deref(),
                        language.as_deref(),
                        s,
                        reason.as_deref(),
                    )?;
                }
                format!(
                    "template {}{} is now {}{}",
                    name.as_deref().or(id.as_deref()).unwrap_or("?"),
                    language.map(|l| format!(" ({l})")).unwrap_or_default(),
                    status.as_deref().unwrap_or("?"),
                    reason.map(|r| format!(": {r}")).unwrap_or_default()
                )
            } else {
                if let Some(ch) = channel_id.as_deref() {
                    let status = field(v, &["status"]).or_else(|| match event.as_str() {
                        "channel_live" => Some("live".to_string()),
                        "channel_running" => Some("running".to_string()),
                        "channel_ready" => Some("ready".to_string()),
                        "account_restriction" => Some("restricted".to_string()),
                        _ => None,
                    });
                    let mode = field(v, &["account_mode"]);
                    store::update_channel(tx, ch, status.as_deref(), mode.as_deref())?;
                }
                summary_of(&event, v)
            };
            store::insert_event(
                tx,
                &event,
                channel_id.as_deref(),
                number_id,
                &summary,
                raw,
                &now,
            )?;
            Ok(number_id)
        })?;
        // A template event refreshes the library's views even when it matched no row.
        let mut topics = vec![Topic::Numbers, Topic::Inbox];
        if is_template {
            topics.push(Topic::Templates);
        }
        self.emit(&topics, number_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_as_hex_or_base64() {
        let body = br#"{"event":"channel_live"}"#;
        let hex = sign(b"secret", body);
        assert!(signature_ok(b"secret", body, &hex));
        assert!(signature_ok(b"secret", body, &hex.to_ascii_uppercase()));
        assert!(signature_ok(b"secret", body, &format!("sha256={hex}")));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(body);
        let b64 = base64(&mac.finalize().into_bytes());
        assert!(signature_ok(b"secret", body, &b64));
        assert!(!signature_ok(b"other", body, &hex));
        assert!(!signature_ok(
            b"secret",
            br#"{"event":"channel_lived"}"#,
            &hex
        ));
        assert!(!signature_ok(b"secret", body, ""));
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn fields_are_found_in_wrappers() {
        let v = serde_json::json!({"event": "x", "payload": {"template_name": "t1", "status": "approved"}});
        assert_eq!(field(&v, &["event"]).as_deref(), Some("x"));
        assert_eq!(field(&v, &["template_name"]).as_deref(), Some("t1"));
        assert_eq!(field(&v, &["missing"]), None);
    }
}
