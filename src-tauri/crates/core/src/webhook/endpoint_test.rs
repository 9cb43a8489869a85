//! "Test endpoint": a synthetic Cloud-API-shaped event posted the way 360dialog would, and the
//! answer judged against 360dialog's requirements.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::{secret_account, SECRET_HEADER};
use super::url_rules::{check_headers, invalid};
use crate::audit::Actor;
use crate::service::Core;
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TestEventKind {
    Status,
    Message,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EndpointTest {
    pub url: String,
    pub status: Option<u16>,
    #[ts(type = "number")]
    pub latency_ms: u64,
    /// Answered 200, as 360dialog requires.
    pub ok: bool,
    /// Answered within 360dialog's 5-second limit (a failure that came at once is not "over").
    pub within_limit: bool,
    /// Why there was no answer, in plain words.
    pub error: Option<String>,
    /// The library's own text for `error`, for a "details" disclosure.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error_details: Option<String>,
}

impl Core {
    /// "Test endpoint" for a number: posts a synthetic event to `url` with the headers
    /// 360dialog would send for this number (its configured ones, and the real shared secret).
    pub async fn test_number_endpoint(
        &self,
        number_id: i64,
        url: &str,
        kind: TestEventKind,
    ) -> Result<EndpointTest> {
        let number = self.number(number_id)?;
        let mut headers = match self
            .call(
                number_id,
                Actor::Ui,
                |c| async move { c.get_webhook().await },
            )
            .await
        {
            Ok(w) => w.headers,
            Err(e) => {
                tracing::info!(error = %e, "testing without the configured headers");
                BTreeMap::new()
            }
        };
        headers.remove(SECRET_HEADER);
        if let Some(secret) = self.secrets.get(&secret_account(&number.phone))? {
            headers.insert(SECRET_HEADER.to_string(), secret.expose().clone());
        }
        let display = number.phone.trim_start_matches('+');
        let result = test_endpoint(
            &self.http,
            url,
            &headers,
            kind,
            number.phone_number_id.as_deref().unwrap_or_default(),
            display,
        )
        .await?;
        // The onboarding checklist's "webhook answering".
        self.record_endpoint_test(number_id, &result.url, result.ok)?;
        Ok(result)
    }
}

/// The top-level field that marks an event sent by "Send test event" (the endpoint tester):
/// `"wabadesk_test": true`. Such an event is kept in the inbox, never applied to history (so it
/// is in no conversation, 24-hour window or recent recipients).
pub const TEST_EVENT_FIELD: &str = "wabadesk_test";

/// POSTs a synthetic Cloud-API-shaped event to `url` with `headers`, the way 360dialog would,
/// and reports the answer against 360dialog's requirements (200, within 5 s).
pub async fn test_endpoint(
    http: &reqwest::Client,
    url: &str,
    headers: &BTreeMap<String, String>,
    kind: TestEventKind,
    phone_number_id: &str,
    display_phone_number: &str,
) -> Result<EndpointTest> {
    let parsed = url::Url::parse(url).map_err(|e| invalid(format!("not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(invalid("the endpoint must be http(s)"));
    }
    check_headers(headers)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        .to_string();
    let value = match kind {
        TestEventKind::Status => serde_json::json!({
            "statuses": [{"id": format!("wamid.WABADESK_TEST_{now}"), "status": "delivered", "timestamp": now, "recipient_id": "15550001234"}]
        }),
        TestEventKind::Message => serde_json::json!({
            "contacts": [{"profile": {"name": "WABA Desk test"}, "wa_id": "15550001234"}],
            "messages": [{"from": "15550001234", "id": format!("wamid.WABADESK_TEST_{now}"), "timestamp": now, "type": "text", "text": {"body": "Test event from WABA Desk"}}]
        }),
    };
    let mut value = value;
    value["messaging_product"] = serde_json::json!("whatsapp");
    value["metadata"] = serde_json::json!({"display_phone_number": display_phone_number, "phone_number_id": phone_number_id});
    let mut body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}]});
    // Marked, so WABA Desk's own inbox keeps it as a test and never applies it to history.
    body[TEST_EVENT_FIELD] = serde_json::json!(true);
    let mut req = http
        .post(parsed.clone())
        .timeout(Duration::from_secs(10))
        .json(&body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let started = Instant::now();
    let result = req.send().await;
    let latency_ms = started.elapsed().as_millis() as u64;
    Ok(match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            EndpointTest {
                url: parsed.to_string(),
                status: Some(status),
                latency_ms,
                ok: status == 200,
                within_limit: latency_ms <= 5000,
                error: None,
                error_details: None,
            }
        }
        Err(e) => {
            let (words, raw) = crate::api::describe_transport_failure(&e, Duration::from_secs(10));
            EndpointTest {
                url: parsed.to_string(),
                status: None,
                latency_ms,
                ok: false,
                within_limit: !e.is_timeout() && latency_ms <= 5000,
                error: Some(words),
                error_details: Some(raw),
            }
        }
    })
}
