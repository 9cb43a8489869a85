//! Webhook delivery: Cloud-API-shaped events POSTed to the number's webhook URL, retried with
//! growing delays until the endpoint answers 200 (reference §4).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::state::DeliveryRecord;
use crate::Sim;

fn unix_now() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        .to_string()
}

/// The envelope every event travels in.
pub fn envelope(sim: &Sim, idx: usize, value: Value) -> Value {
    let inner = sim.lock();
    let n = &inner.numbers[idx];
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({
        "display_phone_number": n.display_phone_number,
        "phone_number_id": n.phone_number_id,
    });
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": n.waba_id, "changes": [{"field": "messages", "value": value}]}]
    })
}

/// The status script for a recipient (see the crate docs).
fn script(wa_id: &str) -> &'static [&'static str] {
    if wa_id.ends_with("0000") {
        &["sent", "failed"]
    } else if wa_id.ends_with("1111") {
        &["sent", "delivered"]
    } else {
        &["sent", "delivered", "read"]
    }
}

fn status_event(
    wamid: &str,
    status: &str,
    wa_id: &str,
    category: &str,
    conv: &str,
    callback: Option<&str>,
) -> Value {
    let mut s = json!({
        "id": wamid,
        "status": status,
        "timestamp": unix_now(),
        "recipient_id": wa_id,
    });
    if let Some(c) = callback {
        // Meta echoes the send's `biz_opaque_callback_data` in every status.
        s["biz_opaque_callback_data"] = json!(c);
    }
    match status {
        "sent" | "delivered" => {
            s["pricing"] = json!({
                "billable": true, "pricing_model": "PMP", "type": "regular", "category": category
            });
            if status == "sent" {
                s["conversation"] = json!({"id": conv, "origin": {"type": category}});
            }
        }
        "failed" => {
            s["errors"] = json!([{
                "code": 131026,
                "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": {"details": "Message Undeliverable."},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
            }]);
        }
        _ => {}
    }
    json!({"statuses": [s]})
}

/// After a send: the status events of its script, one after another, each delivered with
/// retries before the next is sent.
pub fn schedule_statuses(
    sim: Arc<Sim>,
    idx: usize,
    wamid: String,
    wa_id: String,
    category: &str,
    callback: Option<String>,
) {
    let category = category.to_string();
    tokio::spawn(async move {
        let conv = format!("conv_{}", &wamid[wamid.len().saturating_sub(12)..]);
        for status in script(&wa_id) {
            tokio::time::sleep(sim.config.status_delay).await;
            let event = envelope(
                &sim,
                idx,
                status_event(
                    &wamid,
                    status,
                    &wa_id,
                    &category,
                    &conv,
                    callback.as_deref(),
                ),
            );
            deliver(&sim, idx, event, "status", Some(&wamid), Some(status)).await;
        }
    });
}

/// An incoming user message: opens the 24-hour window and is delivered to the webhook.
pub fn incoming_text(sim: &Arc<Sim>, idx: usize, from: &str, name: &str, text: &str) -> String {
    incoming(
        sim,
        idx,
        from,
        name,
        json!({"type": "text", "text": {"body": text}}),
    )
}

/// An incoming message of any type (`content`: `type` and its object): opens the 24-hour
/// window and is delivered to the webhook.
pub fn incoming(sim: &Arc<Sim>, idx: usize, from: &str, name: &str, content: Value) -> String {
    let wamid = {
        let mut inner = sim.lock();
        let wamid = inner.new_wamid();
        let n = &mut inner.numbers[idx];
        n.last_inbound
            .insert(from.to_string(), std::time::Instant::now());
        n.inbound_ids.push(wamid.clone());
        wamid
    };
    let mut message = json!({"from": from, "id": wamid, "timestamp": unix_now()});
    if let (Some(m), Value::Object(c)) = (message.as_object_mut(), content) {
        m.extend(c);
    }
    let value = json!({
        "contacts": [{"profile": {"name": name}, "wa_id": from}],
        "messages": [message]
    });
    let event = envelope(sim, idx, value);
    let sim = sim.clone();
    let id = wamid.clone();
    tokio::spawn(async move {
        deliver(&sim, idx, event, "message", Some(&id), None).await;
    });
    wamid
}

/// POSTs one event to the number's webhook, retrying on anything but 200.
pub async fn deliver(
    sim: &Sim,
    idx: usize,
    event: Value,
    kind: &str,
    wamid: Option<&str>,
    status: Option<&str>,
) {
    let mut record = DeliveryRecord {
        kind: kind.to_string(),
        wamid: wamid.map(str::to_string),
        status: status.map(str::to_string),
        attempts: 0,
        delivered: false,
        last_http_status: None,
    };
    let mut delay = sim.config.webhook_retry_base;
    for attempt in 1..=sim.config.webhook_max_attempts {
        // Read the webhook on every attempt: a URL set meanwhile receives the retry.
        let Some(hook) = sim.lock().numbers[idx].webhook.clone() else {
            break;
        };
        record.attempts = attempt;
        let mut req = sim.http.post(&hook.url).json(&event);
        for (k, v) in &hook.headers {
            req = req.header(k, v);
        }
        match req.send().await {
            Ok(resp) => {
                record.last_http_status = Some(resp.status().as_u16());
                if resp.status().as_u16() == 200 {
                    record.delivered = true;
                    break;
                }
            }
            Err(e) => tracing::debug!(error = %e, attempt, "webhook delivery failed"),
        }
        if attempt < sim.config.webhook_max_attempts {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(3600));
        }
    }
    let delivered = record.delivered;
    sim.lock().numbers[idx].deliveries.push(record);
    // Extra destinations get a clone, only once the main webhook answered 200.
    if delivered {
        let extra = {
            let inner = sim.lock();
            let m = &inner.numbers[idx].multi;
            if m.enabled {
                m.destinations.clone()
            } else {
                Vec::new()
            }
        };
        for d in extra {
            let mut req = sim.http.post(&d.url).json(&event);
            for (k, v) in &d.headers {
                req = req.header(k, v);
            }
            let ok = matches!(req.send().await, Ok(r) if r.status().as_u16() == 200);
            sim.lock().numbers[idx].deliveries.push(DeliveryRecord {
                kind: format!("{kind} -> {}", d.name),
                wamid: wamid.map(str::to_string),
                status: status.map(str::to_string),
                attempts: 1,
                delivered: ok,
                last_http_status: None,
            });
        }
    }
}
