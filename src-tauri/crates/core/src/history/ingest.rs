//! Ingest: statuses and incoming messages (from the inbox) and sent messages (from the send
//! path) recorded in history.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

use super::status::{advances, status_rank};
use super::{exec, text, unix_to_iso};
use crate::{Error, Result};

/// Where an event belongs: the number in WABA Desk (if known) and the phone-number id.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub number_id: Option<i64>,
    pub phone_number_id: Option<String>,
}

impl Route {
    fn window_key(&self) -> String {
        match (self.number_id, &self.phone_number_id) {
            (Some(id), _) => format!("number:{id}"),
            (None, Some(p)) => format!("pnid:{p}"),
            _ => "unknown".to_string(),
        }
    }
}

/// Applies one `statuses[]` entry. Returns false for a duplicate.
pub fn apply_status(
    tx: &Transaction<'_>,
    route: &Route,
    st: &Value,
    inbox_event_id: Option<i64>,
) -> Result<bool> {
    let (Some(wamid), Some(status)) = (text(st, &["id"]), text(st, &["status"])) else {
        return Err(Error::Validation("a status without id or status".into()));
    };
    if let Some(reference) = text(st, &["biz_opaque_callback_data"]) {
        link_attempt(tx, &reference, &wamid)?;
    }
    let timestamp = text(st, &["timestamp"]).unwrap_or_default();
    let recipient = text(st, &["recipient_id"]).or_else(|| text(st, &["recipient_user_id"]));
    let error = st.get("errors").and_then(|e| e.get(0));
    let error_code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
    // In a group, each participant's status is its own event.
    let participant = text(st, &["recipient_participant_id"]).unwrap_or_default();
    let inserted = exec(tx, "INSERT INTO status_events (wamid, status, timestamp, recipient, error_code, inbox_event_id, raw_json, participant) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (wamid, status, participant) DO NOTHING", params![wamid, status, timestamp, recipient, error_code, inbox_event_id, st.to_string(), participant], "recording a status event")?;
    if inserted == 0 {
        return Ok(false);
    }
    let at = unix_to_iso(&timestamp).unwrap_or_else(crate::util::now);
    let current: Option<String> = tx
        .prepare_cached("SELECT status FROM messages WHERE wamid = ?1")
        .and_then(|mut st| st.query_row([&wamid], |r| r.get(0)).optional())
        .map_err(Error::db("reading a message"))?;
    let column = match status.as_str() {
        "sent" => "sent_at",
        "delivered" => "delivered_at",
        "read" | "played" => "read_at",
        "failed" => "failed_at",
        _ => "",
    };
    let time_of = |col: &str| (column == col).then(|| at.clone());
    let pricing = st.get("pricing").map(Value::to_string);
    let conversation = st.get("conversation").map(Value::to_string);
    let title = error.and_then(|e| text(e, &["title"]).or_else(|| text(e, &["message"])));
    let details = error.and_then(|e| text(e, &["error_data", "details"]));
    match current {
        None => {
            // Known only from its statuses so far (sent by another system, or the webhook was
            // faster than the send's answer): create it; the send fills in the rest.
            let (state, rank) = match status_rank(&status) {
                Some(r) => (status.as_str(), r),
                None => ("accepted", 0),
            };
            exec(
                tx,
                "INSERT INTO messages (number_id, phone_number_id, direction, wamid, contact, type, status, status_rank, \
                 sent_at, delivered_at, read_at, failed_at, error_code, error_title, error_details, pricing_json, conversation_json, created_at, updated_at) \
                 VALUES (?1, ?2, 'out', ?3, ?4, 'unknown', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
                params![
                    route.number_id, route.phone_number_id, wamid, recipient.unwrap_or_default(), state, rank,
                    time_of("sent_at"), time_of("delivered_at"), time_of("read_at"), time_of("failed_at"),
                    error_code, title, details, pricing, conversation, at
                ],
                "recording a message",
            )?;
        }
        Some(current) => {
            let moves = advances(&current, &status);
            exec(
                tx,
                "UPDATE messages SET \
                   sent_at = COALESCE(sent_at, ?1), delivered_at = COALESCE(delivered_at, ?2), \
                   read_at = COALESCE(read_at, ?3), failed_at = COALESCE(failed_at, ?4), \
                   pricing_json = COALESCE(?5, pricing_json), conversation_json = COALESCE(?6, conversation_json), \
                   status = CASE WHEN ?7 THEN ?8 ELSE status END, \
                   status_rank = CASE WHEN ?7 THEN ?9 ELSE status_rank END, \
                   error_code = CASE WHEN ?7 THEN COALESCE(?10, error_code) ELSE error_code END, \
                   error_title = CASE WHEN ?7 THEN COALESCE(?11, error_title) ELSE error_title END, \
                   error_details = CASE WHEN ?7 THEN COALESCE(?12, error_details) ELSE error_details END, \
                   updated_at = CASE WHEN ?7 THEN ?13 ELSE updated_at END \
                 WHERE wamid = ?14",
                params![
                    time_of("sent_at"), time_of("delivered_at"), time_of("read_at"), time_of("failed_at"),
                    pricing, conversation, moves, status, status_rank(&status).unwrap_or(0),
                    error_code, title, details, crate::util::now(), wamid
                ],
                "advancing a message status",
            )?;
        }
    }
    Ok(true)
}

/// Gives an attempt whose answer never came the wamid its first status names (the status
/// carries the attempt's reference as `biz_opaque_callback_data`).
fn link_attempt(tx: &Transaction<'_>, reference: &str, wamid: &str) -> Result<()> {
    exec(
        tx,
        "UPDATE messages SET wamid = ?2 WHERE attempt_ref = ?1 AND wamid IS NULL \
         AND NOT EXISTS (SELECT 1 FROM messages WHERE wamid = ?2)",
        params![reference, wamid],
        "linking a status to its send attempt",
    )?;
    Ok(())
}

/// A number as a person writes it: `85`, `99.99`.
fn amount(n: f64) -> String {
    let s = format!("{n:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The name of a shared contact (`contacts[].name`).
fn contact_name(c: &Value) -> Option<String> {
    text(c, &["name", "formatted_name"]).or_else(|| {
        let parts: Vec<String> = ["first_name", "middle_name", "last_name"]
            .iter()
            .filter_map(|k| text(c, &["name", k]))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

/// The text of a message as a person reads it, for history, conversations, search and
/// export: what was written or chosen, with what makes it recognisable (a file's name, a
/// place's name and address, an order's items and total, a shared contact's name, an ad's
/// headline and link, Meta's error for a type it does not deliver).
fn summary(m: &Value) -> Option<String> {
    let t = m.get("type").and_then(Value::as_str).unwrap_or("unknown");
    let main = match t {
        "text" => text(m, &["text", "body"]),
        "button" => {
            let label = text(m, &["button", "text"]);
            match (label, text(m, &["button", "payload"])) {
                (Some(l), Some(p)) if p != l => Some(format!("{l} (payload {p})")),
                (l, p) => l.or(p),
            }
        }
        "interactive" => {
            let i = m.get("interactive").unwrap_or(&Value::Null);
            if let Some(title) = text(i, &["button_reply", "title"]) {
                Some(title)
            } else if let Some(title) = text(i, &["list_reply", "title"]) {
                Some(match text(i, &["list_reply", "description"]) {
                    Some(d) => format!("{title}: {d}"),
                    None => title,
                })
            } else if let Some(reply) = i.get("nfm_reply") {
                let body = text(reply, &["body"]).unwrap_or_else(|| "Sent".into());
                let name = text(reply, &["name"]).unwrap_or_else(|| "flow".into());
                let mut s = format!("[{name} reply] {body}");
                if let Some(json) = text(reply, &["response_json"]) {
                    s.push_str(&format!(": {json}"));
                }
                Some(s)
            } else {
                Some("[interactive]".into())
            }
        }
        "reaction" => Some(match text(m, &["reaction", "emoji"]) {
            Some(e) => format!("reacted {e}"),
            None => "removed a reaction".into(),
        }),
        "image" | "video" | "document" | "audio" | "sticker" => {
            let mut s = format!("[{t}]");
            if let Some(f) = text(m, &[t, "filename"]) {
                s.push_str(&format!(" {f}"));
            }
            if let Some(c) = text(m, &[t, "caption"]) {
                s.push_str(if s.ends_with(']') { " " } else { ": " });
                s.push_str(&c);
            }
            Some(s)
        }
        "location" => {
            let l = m.get("location").unwrap_or(&Value::Null);
            let place: Vec<String> = ["name", "address"]
                .iter()
                .filter_map(|k| text(l, &[k]))
                .collect();
            Some(if place.is_empty() {
                match (text(l, &["latitude"]), text(l, &["longitude"])) {
                    (Some(a), Some(b)) => format!("[location] {a}, {b}"),
                    _ => "[location]".into(),
                }
            } else {
                format!("[location] {}", place.join(", "))
            })
        }
        "contacts" => {
            let names: Vec<String> = m
                .get("contacts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(contact_name)
                .collect();
            Some(if names.is_empty() {
                "[contacts]".into()
            } else {
                format!("[contacts] {}", names.join(", "))
            })
        }
        "order" => {
            let o = m.get("order").unwrap_or(&Value::Null);
            let items: Vec<&Value> = o
                .get("product_items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .collect();
            let count: f64 = items
                .iter()
                .map(|i| i.get("quantity").and_then(Value::as_f64).unwrap_or(1.0))
                .sum();
            let total: f64 = items
                .iter()
                .map(|i| {
                    i.get("quantity").and_then(Value::as_f64).unwrap_or(1.0)
                        * i.get("item_price").and_then(Value::as_f64).unwrap_or(0.0)
                })
                .sum();
            let currency = items
                .first()
                .and_then(|i| text(i, &["currency"]))
                .unwrap_or_default();
            let n = amount(count);
            let mut s = format!(
                "[order] {n} item{}, total {} {currency}",
                if n == "1" { "" } else { "s" },
                amount(total)
            );
            if let Some(note) = text(o, &["text"]) {
                s.push_str(&format!(": {note}"));
            }
            Some(s.replace(" :", ":"))
        }
        "system" => text(m, &["system", "body"]),
        "edit" => m
            .pointer("/edit/message")
            .and_then(summary)
            .map(|s| format!("[edited] {s}")),
        "revoke" => Some("[deleted a message]".into()),
        // Conversational components: a user opened the chat for the first time and the
        // welcome message is on.
        "request_welcome" => Some("opened the chat (welcome requested)".into()),
        "unsupported" => {
            let what = text(m, &["unsupported", "type"]);
            let err = m.get("errors").and_then(|e| e.get(0));
            let mut s = match what {
                Some(w) => format!("[unsupported: {w}]"),
                None => "[unsupported]".into(),
            };
            if let Some(e) = err {
                let title = text(e, &["title"]).or_else(|| text(e, &["message"]));
                let code = text(e, &["code"]);
                match (title, code) {
                    (Some(t), Some(c)) => s.push_str(&format!(" {t} ({c})")),
                    (Some(t), None) => s.push_str(&format!(" {t}")),
                    (None, Some(c)) => s.push_str(&format!(" error {c}")),
                    _ => {}
                }
                if let Some(d) = text(e, &["error_data", "details"]) {
                    s.push_str(&format!(": {d}"));
                }
            }
            Some(s)
        }
        other => Some(format!("[{other}]")),
    };
    // A click-to-WhatsApp ad the customer came from.
    match m.get("referral") {
        Some(r) if r.is_object() => {
            let mut ad = "ad".to_string();
            if let Some(h) = text(r, &["headline"]) {
                ad.push_str(&format!(" \"{h}\""));
            }
            if let Some(u) = text(r, &["source_url"]) {
                ad.push_str(&format!(" {u}"));
            } else if let Some(t) = text(r, &["source_type"]) {
                ad.push_str(&format!(" ({t})"));
            }
            Some(match main {
                Some(m) => format!("{m} [from {ad}]"),
                None => format!("[from {ad}]"),
            })
        }
        _ => main,
    }
}

/// Applies one incoming `messages[]` entry. Returns false for a duplicate.
pub fn apply_incoming(
    tx: &Transaction<'_>,
    route: &Route,
    m: &Value,
    contacts: Option<&Value>,
) -> Result<bool> {
    let Some(wamid) = text(m, &["id"]) else {
        return Err(Error::Validation("an incoming message without id".into()));
    };
    // A phone number when Meta gives one, otherwise the business-scoped user id (of the
    // message, or of the only contact in the event): never an empty contact.
    let only_contact = contacts
        .and_then(Value::as_array)
        .filter(|cs| cs.len() == 1)
        .and_then(|cs| cs.first());
    let Some(contact) = text(m, &["from"])
        .filter(|f| !f.is_empty())
        .or_else(|| text(m, &["from_user_id"]))
        .or_else(|| text(m, &["user_id"]))
        .or_else(|| {
            only_contact.and_then(|c| text(c, &["wa_id"]).or_else(|| text(c, &["user_id"])))
        })
        .filter(|f| !f.is_empty())
    else {
        return Err(Error::Validation(format!(
            "incoming message {wamid} names no sender (no from, from_user_id or contact)"
        )));
    };
    let name = contacts.and_then(Value::as_array).and_then(|cs| {
        cs.iter()
            .find(|c| {
                text(c, &["wa_id"]).as_deref() == Some(contact.as_str())
                    || text(c, &["user_id"]).as_deref() == Some(contact.as_str())
            })
            .or_else(|| cs.first())
            .and_then(|c| text(c, &["profile", "name"]))
    });
    let at = text(m, &["timestamp"])
        .and_then(|t| unix_to_iso(&t))
        .unwrap_or_else(crate::util::now);
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("unknown");
    // An edit or a deletion changes the message it names, not a new row (when that message
    // is in history; otherwise it is kept as its own row, so nothing is lost).
    if let Some(original) = text(m, &[kind, "original_message_id"]) {
        let changed = match kind {
            "edit" => {
                let edited = m
                    .pointer("/edit/message")
                    .and_then(summary)
                    .unwrap_or_default();
                exec(
                    tx,
                    "UPDATE messages SET body = ?1, edited_at = ?2, updated_at = ?3 WHERE wamid = ?4",
                    params![edited, at, crate::util::now(), original],
                    "recording an edit",
                )?
            }
            "revoke" => exec(
                tx,
                "UPDATE messages SET deleted_at = ?1, updated_at = ?2 WHERE wamid = ?3",
                params![at, crate::util::now(), original],
                "recording a deletion",
            )?,
            _ => 0,
        };
        if changed > 0 {
            return Ok(true);
        }
    }
    // Meta's error on a message it could not deliver as such (`unsupported`, 131051).
    let error = m.get("errors").and_then(|e| e.get(0));
    let error_code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
    let error_title = error.and_then(|e| text(e, &["title"]).or_else(|| text(e, &["message"])));
    let error_details = error.and_then(|e| text(e, &["error_data", "details"]));
    let inserted = exec(tx, "INSERT INTO messages (number_id, phone_number_id, direction, wamid, contact, contact_name, type, body, status, status_rank, \
             error_code, error_title, error_details, event_json, created_at, updated_at) \
             VALUES (?1, ?2, 'in', ?3, ?4, ?5, ?6, ?7, 'received', 0, ?8, ?9, ?10, ?11, ?12, ?12) ON CONFLICT (wamid) DO NOTHING",
             params![route.number_id, route.phone_number_id, wamid, contact, name, kind, summary(m), error_code, error_title, error_details, m.to_string(), at], "recording an incoming message")?;
    if kind == "reaction" {
        // Shown on the message reacted to; a reaction without an emoji removes it.
        if let Some(target) = text(m, &["reaction", "message_id"]) {
            let emoji = text(m, &["reaction", "emoji"]).filter(|e| !e.is_empty());
            exec(
                tx,
                "UPDATE messages SET reaction = ?1 WHERE wamid = ?2",
                params![emoji, target],
                "recording a reaction",
            )?;
            exec(
                tx,
                "UPDATE messages SET reacts_to = ?1 WHERE wamid = ?2",
                params![target, wamid],
                "recording a reaction",
            )?;
        }
    } else if inserted > 0 {
        // A reaction that arrived before this message.
        exec(
            tx,
            "UPDATE messages SET reaction = (SELECT NULLIF(json_extract(r.event_json, '$.reaction.emoji'), '') \
               FROM messages r WHERE r.reacts_to = ?1 ORDER BY r.created_at DESC, r.id DESC LIMIT 1) \
             WHERE wamid = ?1 AND EXISTS (SELECT 1 FROM messages r WHERE r.reacts_to = ?1)",
            params![wamid],
            "recording an earlier reaction",
        )?;
    }
    if inserted > 0 && !contact.is_empty() {
        exec(tx, "INSERT INTO contact_windows (number_key, contact, last_inbound_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (number_key, contact) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)", params![route.window_key(), contact, at], "recording the customer-service window")?;
    }
    Ok(inserted > 0)
}

/// What a send looked like, for [`record_outbound`].
#[derive(Debug, Clone)]
pub struct Outbound<'a> {
    pub number_id: i64,
    pub phone_number_id: Option<&'a str>,
    pub wamid: &'a str,
    pub contact: &'a str,
    pub kind: &'a str,
    pub template_name: Option<&'a str>,
    pub template_language: Option<&'a str>,
    pub body: Option<&'a str>,
    pub request: &'a Value,
    pub response: &'a Value,
}

/// Records a message the app sent. If its statuses arrived first, the row they created is
/// completed and keeps its status.
pub fn record_outbound(tx: &Transaction<'_>, o: &Outbound<'_>) -> Result<()> {
    let now = crate::util::now();
    exec(tx, "INSERT INTO messages (number_id, phone_number_id, direction, wamid, contact, type, template_name, template_language, body, status, status_rank, request_json, response_json, created_at, updated_at) \
         VALUES (?1, ?2, 'out', ?3, ?4, ?5, ?6, ?7, ?8, 'accepted', 0, ?9, ?10, ?11, ?11) \
         ON CONFLICT (wamid) DO UPDATE SET number_id = excluded.number_id, phone_number_id = COALESCE(excluded.phone_number_id, phone_number_id), \
           contact = excluded.contact, type = excluded.type, template_name = excluded.template_name, template_language = excluded.template_language, \
           body = excluded.body, request_json = excluded.request_json, response_json = excluded.response_json, created_at = min(created_at, excluded.created_at)", params![o.number_id, o.phone_number_id, o.wamid, o.contact, o.kind, o.template_name, o.template_language, o.body, o.request.to_string(), o.response.to_string(), now], "recording a sent message")?;
    Ok(())
}

/// A send a colleague's desktop made, as the team relay's feed carries it.
#[derive(Debug, Clone)]
pub struct ReportedSend<'a> {
    pub number_id: Option<i64>,
    pub phone_number_id: Option<&'a str>,
    pub wamid: &'a str,
    pub contact: &'a str,
    pub kind: &'a str,
    pub template_name: Option<&'a str>,
    pub template_language: Option<&'a str>,
    pub body: Option<&'a str>,
    pub sent_at: &'a str,
    /// The sending desktop's name.
    pub sender: &'a str,
}

/// Records a colleague's send in history as an outbound message. Its statuses (arriving by
/// webhook, before or after it) keep their state: a row they created is completed, and a row
/// this computer sent itself is left as it is. Returns whether a row was created.
pub fn record_reported_send(tx: &Transaction<'_>, s: &ReportedSend<'_>) -> Result<bool> {
    let now = crate::util::now();
    let created = exec(tx, "INSERT INTO messages (number_id, phone_number_id, direction, wamid, contact, type, template_name, template_language, body, status, status_rank, sent_by, created_at, updated_at) \
         VALUES (?1, ?2, 'out', ?3, ?4, ?5, ?6, ?7, ?8, 'accepted', 0, ?9, ?10, ?11) ON CONFLICT (wamid) DO NOTHING",
        params![s.number_id, s.phone_number_id, s.wamid, s.contact, s.kind, s.template_name, s.template_language, s.body, s.sender, s.sent_at, now], "recording a colleague's send")?;
    if created == 0 {
        // Known already: from its statuses only (type `unknown`, no text), or this
        // computer's own send (which has its request; nothing to fill in).
        exec(tx, "UPDATE messages SET number_id = COALESCE(number_id, ?2), phone_number_id = COALESCE(phone_number_id, ?10), contact = CASE WHEN contact = '' THEN ?3 ELSE contact END, \
               type = ?4, template_name = ?5, template_language = ?6, body = ?7, sent_by = ?8, created_at = min(created_at, ?9) \
             WHERE wamid = ?1 AND type = 'unknown' AND request_json IS NULL",
            params![s.wamid, s.number_id, s.contact, s.kind, s.template_name, s.template_language, s.body, s.sender, s.sent_at, s.phone_number_id], "completing a colleague's send")?;
    }
    Ok(created > 0)
}

/// Delivery state of an attempt before its answer: going out now.
pub const SENDING: &str = "sending";
/// The answer to the send was lost: it may or may not have gone out.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";
/// 360dialog or Meta refused the send: nothing went out.
pub const NOT_SENT: &str = "not_sent";

/// A send about to go out, for [`record_attempt`].
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub number_id: i64,
    pub phone_number_id: Option<&'a str>,
    /// `biz_opaque_callback_data` of the request.
    pub reference: &'a str,
    pub contact: &'a str,
    pub kind: &'a str,
    pub template_name: Option<&'a str>,
    pub template_language: Option<&'a str>,
    /// The text, or the template rendered with its parameters.
    pub body: Option<&'a str>,
    pub parameters: Option<&'a Value>,
    pub request: &'a Value,
}

/// Records a send before it goes out, in state `sending`. Returns the row id.
pub fn record_attempt(tx: &Transaction<'_>, a: &Attempt<'_>) -> Result<i64> {
    let now = crate::util::now();
    exec(tx, "INSERT INTO messages (number_id, phone_number_id, direction, attempt_ref, contact, type, template_name, template_language, body, parameters_json, status, status_rank, request_json, created_at, updated_at) \
         VALUES (?1, ?2, 'out', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12, ?12)", params![a.number_id, a.phone_number_id, a.reference, a.contact, a.kind, a.template_name, a.template_language, a.body, a.parameters.map(Value::to_string), SENDING, a.request.to_string(), now], "recording a send attempt")?;
    Ok(tx.last_insert_rowid())
}

/// The answer to an attempt arrived: it gets its wamid and the answer. Statuses recorded
/// before (a row created from them, or linked through the reference) are kept.
pub fn attempt_accepted(
    tx: &Transaction<'_>,
    attempt_id: i64,
    wamid: &str,
    contact: &str,
    response: &Value,
) -> Result<()> {
    // An answer without a message id (not documented, but tolerated) keeps the row unnamed.
    let wamid = (!wamid.is_empty()).then_some(wamid);
    // A row the statuses created without the reference: its state moves to the attempt.
    exec(
        tx,
        "UPDATE messages SET (status, status_rank, sent_at, delivered_at, read_at, failed_at, error_code, error_title, error_details, pricing_json, conversation_json) = \
           (SELECT o.status, o.status_rank, o.sent_at, o.delivered_at, o.read_at, o.failed_at, o.error_code, o.error_title, o.error_details, o.pricing_json, o.conversation_json \
            FROM messages o WHERE o.wamid = ?2 AND o.id <> ?1) \
         WHERE id = ?1 AND EXISTS (SELECT 1 FROM messages o WHERE o.wamid = ?2 AND o.id <> ?1)",
        params![attempt_id, wamid],
        "moving early statuses to the attempt",
    )?;
    exec(
        tx,
        "DELETE FROM messages WHERE wamid = ?2 AND id <> ?1",
        params![attempt_id, wamid],
        "merging early statuses into the attempt",
    )?;
    exec(
        tx,
        "UPDATE messages SET wamid = COALESCE(?2, wamid), contact = ?3, response_json = ?4, \
           status = CASE WHEN status IN ('sending', 'outcome_unknown') THEN 'accepted' ELSE status END, \
           updated_at = ?5 WHERE id = ?1",
        params![attempt_id, wamid, contact, response.to_string(), crate::util::now()],
        "recording the answer to a send",
    )?;
    Ok(())
}

/// The attempt ended without an answer (`outcome_unknown`) or with a refusal (`not_sent`,
/// with the error). A status that already arrived through the reference is kept; an attempt
/// settled as `outcome_unknown` at another process's start takes the answer that came.
pub fn attempt_ended(
    tx: &Transaction<'_>,
    attempt_id: i64,
    state: &str,
    error_code: Option<i64>,
    error_title: Option<&str>,
    error_details: Option<&str>,
) -> Result<()> {
    exec(
        tx,
        "UPDATE messages SET status = ?2, error_code = ?3, error_title = ?4, error_details = ?5, updated_at = ?6 \
         WHERE id = ?1 AND status IN ('sending', 'outcome_unknown')",
        params![attempt_id, state, error_code, error_title, error_details, crate::util::now()],
        "recording the end of a send attempt",
    )?;
    Ok(())
}

/// The title of an attempt settled at start ([`settle_interrupted`])...
pub const INTERRUPTED_TITLE: &str = "Outcome unknown — check before resending";
/// ...and what it says about itself.
pub const INTERRUPTED_DETAILS: &str = "WABA Desk stopped before 360dialog answered this send, \
so it may or may not have gone out: check before resending (a status for it, if it went out, \
settles it)";

/// A send attempt left in `sending` by a process that stopped before its answer.
#[derive(Debug, Clone)]
pub struct Interrupted {
    pub id: i64,
    pub number_id: Option<i64>,
    pub reference: Option<String>,
    pub contact: String,
    pub template_name: Option<String>,
    pub template_language: Option<String>,
}

/// Moves every attempt still `sending` to `outcome_unknown` (with [`INTERRUPTED_TITLE`]):
/// run at start, when no send of this process is in flight. Returns the attempts moved. An
/// answer that still arrives (a send of another process that was in flight) completes the row
/// as usual ([`attempt_accepted`], [`attempt_ended`]).
pub fn settle_interrupted(tx: &Transaction<'_>) -> Result<Vec<Interrupted>> {
    let rows = {
        let mut stmt = tx
            .prepare(
                "SELECT id, number_id, attempt_ref, contact, template_name, template_language \
                 FROM messages WHERE status = ?1 ORDER BY id",
            )
            .map_err(Error::db("reading interrupted sends"))?;
        let rows = stmt
            .query_map([SENDING], |r| {
                Ok(Interrupted {
                    id: r.get(0)?,
                    number_id: r.get(1)?,
                    reference: r.get(2)?,
                    contact: r.get(3)?,
                    template_name: r.get(4)?,
                    template_language: r.get(5)?,
                })
            })
            .map_err(Error::db("reading interrupted sends"))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::db("reading interrupted sends"))?
    };
    for r in &rows {
        exec(
            tx,
            "UPDATE messages SET status = ?2, error_title = ?3, error_details = ?4, updated_at = ?5 \
             WHERE id = ?1 AND status = ?6",
            params![r.id, OUTCOME_UNKNOWN, INTERRUPTED_TITLE, INTERRUPTED_DETAILS, crate::util::now(), SENDING],
            "settling an interrupted send",
        )?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use crate::db::Db;
    use crate::history::testutil::status;
    use crate::history::*;
    use crate::Error;
    use serde_json::json;

    #[test]
    fn a_status_before_the_send_is_linked_when_the_send_is_recorded() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            tx.execute("INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES ('+1555', 'n', 'simulator', 'x', 'x')", []).unwrap();
            apply_status(tx, &Route::default(), &status("wamid.C", "delivered", 5), None)?;
            record_outbound(tx, &Outbound {
                number_id: 1, phone_number_id: Some("123"), wamid: "wamid.C", contact: "4915123456789", kind: "template",
                template_name: Some("order_update"), template_language: Some("en"), body: None,
                request: &json!({}), response: &json!({}),
            })
        })
        .unwrap();
        let m = db
            .with_conn(|c| message_by_wamid(c, "wamid.C"))
            .unwrap()
            .unwrap();
        assert_eq!(m.status, "delivered", "the earlier status is kept");
        assert_eq!(m.template_name.as_deref(), Some("order_update"));
        assert_eq!(m.number_id, Some(1));
    }

    #[test]
    fn a_failed_status_is_explained_in_plain_words() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| apply_status(tx, &Route::default(), &status("wamid.F", "failed", 5), None))
            .unwrap();
        let m = db
            .with_conn(|c| message_by_wamid(c, "wamid.F"))
            .unwrap()
            .unwrap();
        assert_eq!(m.error_code, Some(131026));
        assert!(
            m.error_explanation
                .as_deref()
                .is_some_and(|e| e.contains("could not be delivered")),
            "not a bare 131026 Message undeliverable: {m:?}"
        );
    }

    #[test]
    fn an_answer_after_unlinked_statuses_merges_them_into_the_attempt() {
        let db = Db::open_in_memory().unwrap();
        let attempt = |tx: &rusqlite::Transaction<'_>, reference: &str| {
            record_attempt(
                tx,
                &Attempt {
                    number_id: 1,
                    phone_number_id: None,
                    reference,
                    contact: "4915123456789",
                    kind: "text",
                    template_name: None,
                    template_language: None,
                    body: Some("Hi"),
                    parameters: None,
                    request: &json!({}),
                },
            )
        };
        let (id, rows) = db
            .with_tx(|tx| {
                tx.execute("INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES ('+1555', 'n', 'simulator', 'x', 'x')", []).unwrap();
                let id = attempt(tx, "wd-2")?;
                // Statuses without the reference (an older gateway): they make their own row.
                apply_status(tx, &Route::default(), &status("wamid.M", "delivered", 5), None)?;
                attempt_accepted(tx, id, "wamid.M", "4915123456789", &json!({}))?;
                // Answers without a message id do not collide on an empty wamid.
                let a = attempt(tx, "wd-3")?;
                let b = attempt(tx, "wd-4")?;
                attempt_accepted(tx, a, "", "4915123456789", &json!({}))?;
                attempt_accepted(tx, b, "", "4915123456789", &json!({}))?;
                let rows: i64 = tx.query_row("SELECT count(*) FROM messages", [], |r| r.get(0)).unwrap();
                Ok((id, rows))
            })
            .unwrap();
        assert_eq!(rows, 3);
        let m = db
            .with_conn(|c| message_by_wamid(c, "wamid.M"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (m.id, m.status.as_str(), m.body.as_deref()),
            (id, "delivered", Some("Hi"))
        );
    }

    #[test]
    fn a_status_naming_an_attempt_gives_it_its_wamid() {
        let db = Db::open_in_memory().unwrap();
        let (id, rows) = db
            .with_tx(|tx| {
                tx.execute("INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES ('+1555', 'n', 'simulator', 'x', 'x')", []).unwrap();
                let id = record_attempt(tx, &Attempt {
                    number_id: 1, phone_number_id: None, reference: "wd-1", contact: "4915123456789", kind: "text",
                    template_name: None, template_language: None, body: Some("Hi"), parameters: None, request: &json!({}),
                })?;
                attempt_ended(tx, id, OUTCOME_UNKNOWN, None, None, None)?;
                let mut st = status("wamid.L", "sent", 5);
                st["biz_opaque_callback_data"] = json!("wd-1");
                apply_status(tx, &Route::default(), &st, None)?;
                let rows: i64 = tx.query_row("SELECT count(*) FROM messages", [], |r| r.get(0)).unwrap();
                Ok((id, rows))
            })
            .unwrap();
        assert_eq!(rows, 1, "no second, text-less row");
        let m = db
            .with_conn(|c| message_by_wamid(c, "wamid.L"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (m.id, m.status.as_str(), m.body.as_deref()),
            (id, "sent", Some("Hi"))
        );
    }

    #[test]
    fn incoming_messages_open_the_window_and_dedupe() {
        let db = Db::open_in_memory().unwrap();
        let m = json!({"from": "4915123456789", "id": "wamid.IN", "timestamp": "1732489100", "type": "text", "text": {"body": "Hi"}});
        let contacts = json!([{"profile": {"name": "Ana"}, "wa_id": "4915123456789"}]);
        let route = Route {
            number_id: None,
            phone_number_id: Some("106540352242922".into()),
        };
        let (a, b) = db
            .with_tx(|tx| {
                Ok((
                    apply_incoming(tx, &route, &m, Some(&contacts))?,
                    apply_incoming(tx, &route, &m, Some(&contacts))?,
                ))
            })
            .unwrap();
        assert_eq!((a, b), (true, false));
        let v = db
            .with_conn(|c| message_by_wamid(c, "wamid.IN"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                v.direction.as_str(),
                v.body.as_deref(),
                v.contact_name.as_deref()
            ),
            ("in", Some("Hi"), Some("Ana"))
        );
        let n: i64 = db
            .with_conn(|c| {
                c.query_row("SELECT count(*) FROM contact_windows", [], |r| r.get(0))
                    .map_err(Error::db("x"))
            })
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn reactions_edits_and_deletions_change_the_original_message() {
        let db = Db::open_in_memory().unwrap();
        let route = Route::default();
        let msg = |id: &str, extra: serde_json::Value| {
            let mut m = json!({"from": "16505551234", "id": id, "timestamp": "1750000000"});
            for (k, v) in extra.as_object().unwrap() {
                m[k] = v.clone();
            }
            m
        };
        let apply = |m: serde_json::Value| {
            db.with_tx(|tx| apply_incoming(tx, &route, &m, None))
                .unwrap()
        };
        let get = |w: &str| db.with_conn(|c| message_by_wamid(c, w)).unwrap().unwrap();
        apply(msg(
            "wamid.O",
            json!({"type": "text", "text": {"body": "See you at 5"}}),
        ));
        apply(msg(
            "wamid.R1",
            json!({"type": "reaction", "reaction": {"message_id": "wamid.O", "emoji": "\u{1f44d}"}}),
        ));
        assert_eq!(get("wamid.O").reaction.as_deref(), Some("\u{1f44d}"));
        apply(msg(
            "wamid.R2",
            json!({"type": "reaction", "reaction": {"message_id": "wamid.O"}}),
        ));
        assert_eq!(
            get("wamid.O").reaction,
            None,
            "a reaction without emoji removes it"
        );
        // A reaction that arrives before the message it reacts to.
        apply(msg(
            "wamid.R3",
            json!({"type": "reaction", "reaction": {"message_id": "wamid.LATE", "emoji": "\u{2764}"}}),
        ));
        apply(msg(
            "wamid.LATE",
            json!({"type": "text", "text": {"body": "late"}}),
        ));
        assert_eq!(get("wamid.LATE").reaction.as_deref(), Some("\u{2764}"));

        apply(msg(
            "wamid.E",
            json!({"type": "edit", "edit": {"original_message_id": "wamid.O", "message": {"type": "text", "text": {"body": "See you at 6"}}}}),
        ));
        let o = get("wamid.O");
        assert_eq!(o.body.as_deref(), Some("See you at 6"));
        assert!(o.edited_at.is_some());
        assert!(
            db.with_conn(|c| message_by_wamid(c, "wamid.E"))
                .unwrap()
                .is_none(),
            "no new row"
        );

        apply(msg(
            "wamid.V",
            json!({"type": "revoke", "revoke": {"original_message_id": "wamid.O"}}),
        ));
        assert!(get("wamid.O").deleted_at.is_some());
        assert!(
            db.with_conn(|c| message_by_wamid(c, "wamid.V"))
                .unwrap()
                .is_none(),
            "no new row"
        );

        // An edit of a message history does not have is kept as its own row.
        apply(msg(
            "wamid.E2",
            json!({"type": "edit", "edit": {"original_message_id": "wamid.GONE", "message": {"type": "text", "text": {"body": "x"}}}}),
        ));
        assert_eq!(get("wamid.E2").body.as_deref(), Some("[edited] x"));
    }

    #[test]
    fn the_timeline_orders_equal_timestamps_by_status_and_shows_pricing_and_participant() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            for s in ["read", "delivered", "sent"] {
                let mut st = status("wamid.T", s, 1_700_000_000);
                st["recipient_participant_id"] = json!("4915100000001");
                st["biz_opaque_callback_data"] = json!("campaign-7");
                st["pricing"] =
                    json!({"billable": true, "pricing_model": "PMP", "category": "marketing"});
                st["conversation"] = json!({"id": "conv-1", "origin": {"type": "marketing"}});
                apply_status(tx, &Route::default(), &st, None)?;
            }
            Ok(())
        })
        .unwrap();
        let d = db.with_conn(|c| detail(c, "wamid.T")).unwrap().unwrap();
        let order: Vec<&str> = d.events.iter().map(|e| e.status.as_str()).collect();
        assert_eq!(order, ["sent", "delivered", "read"]);

        // A second participant's read is its own event; a repeat is not.
        db.with_tx(|tx| {
            let mut st = status("wamid.T", "read", 1_700_000_001);
            st["recipient_participant_id"] = json!("4915100000002");
            assert!(apply_status(tx, &Route::default(), &st, None)?);
            assert!(!apply_status(tx, &Route::default(), &st, None)?);
            Ok(())
        })
        .unwrap();
        let d2 = db.with_conn(|c| detail(c, "wamid.T")).unwrap().unwrap();
        let readers: Vec<Option<&str>> = d2
            .events
            .iter()
            .filter(|e| e.status == "read")
            .map(|e| e.participant.as_deref())
            .collect();
        assert_eq!(readers, [Some("4915100000001"), Some("4915100000002")]);
        let e = &d.events[0];
        assert_eq!(e.participant.as_deref(), Some("4915100000001"));
        assert_eq!(e.pricing_category.as_deref(), Some("marketing"));
        assert_eq!(e.billable, Some(true));
        assert_eq!(e.conversation_id.as_deref(), Some("conv-1"));
        assert_eq!(e.conversation_origin.as_deref(), Some("marketing"));
        assert_eq!(e.biz_opaque_callback_data.as_deref(), Some("campaign-7"));
    }

    #[test]
    fn a_sender_without_a_phone_number_is_keyed_on_the_user_id() {
        let db = Db::open_in_memory().unwrap();
        let m = json!({"from_user_id": "US.13491208655302741918", "id": "wamid.U", "timestamp": "1750000000", "type": "text", "text": {"body": "Hi"}});
        let contacts =
            json!([{"profile": {"name": "Sheena"}, "user_id": "US.13491208655302741918"}]);
        db.with_tx(|tx| apply_incoming(tx, &Route::default(), &m, Some(&contacts)))
            .unwrap();
        let v = db
            .with_conn(|c| message_by_wamid(c, "wamid.U"))
            .unwrap()
            .unwrap();
        assert_eq!(v.contact, "US.13491208655302741918");
        assert_eq!(v.contact_name.as_deref(), Some("Sheena"));
        let nobody = json!({"id": "wamid.N", "timestamp": "1750000000", "type": "text", "text": {"body": "?"}});
        let e = db
            .with_tx(|tx| apply_incoming(tx, &Route::default(), &nobody, None))
            .unwrap_err();
        assert!(e.to_string().contains("names no sender"), "{e}");
    }
}
