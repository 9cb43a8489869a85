//! Message history: every message sent, every message received, every status event.
//!
//! Status rules (reference §4.2): statuses only move forward (`accepted < sent < delivered <
//! read < played`); `failed` is terminal and keeps its error; `delivered` may never come;
//! duplicates are idempotent (one row per wamid and status); a status for a wamid not seen yet
//! creates the message from the status and is linked when the send is recorded.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{Error, Result};

/// Runs a statement through the connection's statement cache (the inbox applies thousands of
/// events a second; compiling each statement every time would dominate).
fn exec(
    tx: &Transaction<'_>,
    sql: &str,
    p: impl rusqlite::Params,
    what: &'static str,
) -> Result<usize> {
    tx.prepare_cached(sql)
        .and_then(|mut st| st.execute(p))
        .map_err(Error::db(what))
}

/// Order of delivery states; `failed` is handled apart (terminal).
pub fn status_rank(status: &str) -> Option<i64> {
    Some(match status {
        "received" | "accepted" => 0,
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "played" => 4,
        "failed" => 10,
        _ => return None,
    })
}

/// Whether `new` replaces `current` under the forward-only rule.
pub fn advances(current: &str, new: &str) -> bool {
    if current == "failed" {
        return false;
    }
    if new == "failed" {
        return true;
    }
    match (status_rank(current), status_rank(new)) {
        (Some(c), Some(n)) => n > c,
        (None, Some(_)) => true,
        _ => false,
    }
}

fn unix_to_iso(ts: &str) -> Option<String> {
    let secs: i64 = ts.trim().parse().ok()?;
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .map(crate::util::format_time)
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

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
    let timestamp = text(st, &["timestamp"]).unwrap_or_default();
    let recipient = text(st, &["recipient_id"]).or_else(|| text(st, &["recipient_user_id"]));
    let error = st.get("errors").and_then(|e| e.get(0));
    let error_code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
    let inserted = exec(tx, "INSERT INTO status_events (wamid, status, timestamp, recipient, error_code, inbox_event_id, raw_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (wamid, status) DO NOTHING", params![wamid, status, timestamp, recipient, error_code, inbox_event_id, st.to_string()], "recording a status event")?;
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

/// A short text for a message of any type.
fn summary(m: &Value) -> Option<String> {
    let t = m.get("type").and_then(Value::as_str).unwrap_or("unknown");
    match t {
        "text" => text(m, &["text", "body"]),
        "button" => text(m, &["button", "text"]),
        "interactive" => text(m, &["interactive", "button_reply", "title"])
            .or_else(|| text(m, &["interactive", "list_reply", "title"]))
            .or_else(|| Some("[interactive]".into())),
        "reaction" => text(m, &["reaction", "emoji"]).map(|e| format!("reacted {e}")),
        "image" | "video" | "document" | "audio" | "sticker" => {
            Some(match text(m, &[t, "caption"]) {
                Some(c) => format!("[{t}] {c}"),
                None => format!("[{t}]"),
            })
        }
        "location" => Some("[location]".into()),
        "contacts" => Some("[contacts]".into()),
        "system" => text(m, &["system", "body"]),
        other => Some(format!("[{other}]")),
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
    let contact = text(m, &["from"])
        .or_else(|| text(m, &["from_user_id"]))
        .unwrap_or_default();
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
    let inserted = exec(tx, "INSERT INTO messages (number_id, phone_number_id, direction, wamid, contact, contact_name, type, body, status, status_rank, event_json, created_at, updated_at) \
             VALUES (?1, ?2, 'in', ?3, ?4, ?5, ?6, ?7, 'received', 0, ?8, ?9, ?9) ON CONFLICT (wamid) DO NOTHING", params![route.number_id, route.phone_number_id, wamid, contact, name, kind, summary(m), m.to_string(), at], "recording an incoming message")?;
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

/// A message as history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MessageView {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub direction: String,
    pub wamid: Option<String>,
    pub contact: String,
    pub contact_name: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub template_name: Option<String>,
    pub body: Option<String>,
    pub status: String,
    pub sent_at: Option<String>,
    pub delivered_at: Option<String>,
    pub read_at: Option<String>,
    pub failed_at: Option<String>,
    #[ts(type = "number | null")]
    pub error_code: Option<i64>,
    pub error_title: Option<String>,
    pub created_at: String,
}

/// Filters for the history list. Every field is optional; pages go backwards by `before_id`
/// (keyset pagination: no OFFSET scans).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HistoryFilter {
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    /// `in` or `out`.
    pub direction: Option<String>,
    pub status: Option<String>,
    pub contact: Option<String>,
    pub template: Option<String>,
    /// Inclusive, RFC 3339 or `YYYY-MM-DD`.
    pub since: Option<String>,
    /// Exclusive.
    pub until: Option<String>,
    /// Words in the text, template name, contact or contact name.
    pub search: Option<String>,
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    pub limit: Option<u32>,
}

const MESSAGE_COLUMNS: &str =
    "id, number_id, direction, wamid, contact, contact_name, type, template_name, body, status, \
     sent_at, delivered_at, read_at, failed_at, error_code, error_title, created_at";

fn message_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MessageView> {
    Ok(MessageView {
        id: r.get(0)?,
        number_id: r.get(1)?,
        direction: r.get(2)?,
        wamid: r.get(3)?,
        contact: r.get(4)?,
        contact_name: r.get(5)?,
        kind: r.get(6)?,
        template_name: r.get(7)?,
        body: r.get(8)?,
        status: r.get(9)?,
        sent_at: r.get(10)?,
        delivered_at: r.get(11)?,
        read_at: r.get(12)?,
        failed_at: r.get(13)?,
        error_code: r.get(14)?,
        error_title: r.get(15)?,
        created_at: r.get(16)?,
    })
}

/// The user's words as an FTS5 query: every word must appear, each as a prefix.
fn fts_query(search: &str) -> Option<String> {
    let words: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The WHERE clause and parameters for a filter (only the filters given, so SQLite can use the
/// index of each: number, status, contact, template, date). Values are always parameters.
fn where_clause(f: &HistoryFilter) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value as V;
    let only_search = f.number_id.is_none()
        && f.direction.is_none()
        && f.status.is_none()
        && f.contact
            .as_deref()
            .is_none_or(|c| c.trim().trim_start_matches('+').is_empty())
        && f.template.is_none()
        && f.since.is_none()
        && f.until.is_none();
    let mut parts: Vec<String> = Vec::new();
    let mut values: Vec<V> = Vec::new();
    // Each `?` in a fragment becomes the numbered parameter of the next value.
    let mut add = |sql: &str, vs: Vec<V>| {
        let mut vs = vs.into_iter();
        let mut numbered = String::from("m.");
        for ch in sql.chars() {
            if ch == '?' {
                values.push(vs.next().expect("one value per placeholder"));
                numbered.push_str(&format!("?{}", values.len()));
            } else {
                numbered.push(ch);
            }
        }
        parts.push(numbered);
    };
    if let Some(n) = f.number_id {
        add("number_id = ?", vec![V::Integer(n)]);
    }
    if let Some(d) = &f.direction {
        add("direction = ?", vec![V::Text(d.clone())]);
    }
    if let Some(s) = &f.status {
        add("status = ?", vec![V::Text(s.clone())]);
    }
    if let Some(c) = f
        .contact
        .as_deref()
        .map(|c| c.trim().trim_start_matches('+'))
        .filter(|c| !c.is_empty())
    {
        add("contact = ?", vec![V::Text(c.to_string())]);
    }
    if let Some(t) = &f.template {
        add("template_name = ?", vec![V::Text(t.clone())]);
    }
    if let Some(s) = &f.since {
        add("created_at >= ?", vec![V::Text(s.clone())]);
    }
    if let Some(u) = &f.until {
        add("created_at < ?", vec![V::Text(u.clone())]);
    }
    if let Some(b) = f.before_id {
        add("id < ?", vec![V::Integer(b)]);
    }
    if let Some(q) = f.search.as_deref().and_then(fts_query) {
        if only_search {
            // Nothing else narrows: take the page straight from the full-text index, newest
            // first, and stop there (common words need not be sorted in full).
            let limit = V::Integer(f.limit.unwrap_or(200) as i64);
            match f.before_id {
                Some(b) => add(
                    "id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? \
                     AND rowid < ? ORDER BY rowid DESC LIMIT ?)",
                    vec![V::Text(q), V::Integer(b), limit],
                ),
                None => add(
                    "id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? \
                     ORDER BY rowid DESC LIMIT ?)",
                    vec![V::Text(q), limit],
                ),
            }
        } else {
            add(
                "id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)",
                vec![V::Text(q)],
            );
        }
    }
    let clause = if parts.is_empty() {
        "1".to_string()
    } else {
        parts.join(" AND ")
    };
    (clause, values)
}

/// Newest first, `limit` rows (default 200) from `before_id` down.
pub fn list(conn: &rusqlite::Connection, f: &HistoryFilter) -> Result<Vec<MessageView>> {
    let (clause, mut values) = where_clause(f);
    values.push(rusqlite::types::Value::Integer(
        f.limit.unwrap_or(200) as i64
    ));
    let columns = MESSAGE_COLUMNS
        .split(',')
        .map(|c| format!("m.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        // sql-safe: columns and clause are built above from this file's fragments; values are bound.
        "SELECT {columns} FROM messages m WHERE {clause} ORDER BY m.id DESC LIMIT ?{}",
        values.len()
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(Error::db("listing messages"))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values), message_row)
        .map_err(Error::db("listing messages"))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(Error::db("listing messages"))
}

/// Messages per status for a filter (the dashboard strip), ignoring its status and paging.
pub fn counts(conn: &rusqlite::Connection, f: &HistoryFilter) -> Result<Vec<(String, i64)>> {
    let f = HistoryFilter {
        status: None,
        before_id: None,
        ..f.clone()
    };
    let (clause, values) = where_clause(&f);
    let mut stmt = conn
        .prepare_cached(&format!(
            // sql-safe: the clause is built by where_clause from fixed fragments; values are bound.
            "SELECT m.status, count(*) FROM messages m WHERE {clause} GROUP BY m.status ORDER BY m.status"
        ))
        .map_err(Error::db("counting messages"))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(Error::db("counting messages"))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(Error::db("counting messages"))
}

/// The 24-hour customer-service window with a contact, as far as the inbox knows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WindowState {
    /// When the contact last wrote (captured by the inbox), if ever.
    pub last_inbound_at: Option<String>,
    /// Free-form messages are allowed until then.
    pub open_until: Option<String>,
    pub open: bool,
}

/// A conversation with one contact: messages both ways, oldest first, and the window state.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Conversation {
    pub contact: String,
    pub messages: Vec<MessageView>,
    pub window: WindowState,
}

pub fn conversation(
    conn: &rusqlite::Connection,
    number_id: Option<i64>,
    contact: &str,
    limit: u32,
) -> Result<Conversation> {
    let contact = contact.trim().trim_start_matches('+').to_string();
    let mut messages = list(
        conn,
        &HistoryFilter {
            number_id,
            contact: Some(contact.clone()),
            limit: Some(limit),
            ..Default::default()
        },
    )?;
    // Chronological, not by arrival: a captured incoming message can be stored after a reply
    // sent the same moment.
    messages.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    let last: Option<String> = conn
        .query_row(
            "SELECT max(last_inbound_at) FROM contact_windows WHERE contact = ?1 AND (?2 IS NULL OR number_key = 'number:' || ?2)",
            params![contact, number_id],
            |r| r.get(0),
        )
        .map_err(Error::db("reading the customer-service window"))?;
    let open_until = last.as_deref().and_then(|l| {
        time::OffsetDateTime::parse(l, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| t + time::Duration::hours(24))
    });
    let open = open_until.is_some_and(|u| u > time::OffsetDateTime::now_utc());
    Ok(Conversation {
        contact,
        messages,
        window: WindowState {
            last_inbound_at: last,
            open_until: open_until.map(crate::util::format_time),
            open,
        },
    })
}

/// The message to send again for "resend as test": the stored request of a sent message.
pub fn resend_request(
    conn: &rusqlite::Connection,
    wamid: &str,
) -> Result<(i64, crate::api::Outgoing)> {
    let (number_id, request): (Option<i64>, Option<String>) = conn
        .query_row(
            "SELECT number_id, request_json FROM messages WHERE wamid = ?1 AND direction = 'out'",
            [wamid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::db("reading a message"))?
        .ok_or_else(|| Error::NotFound(format!("sent message {wamid}")))?;
    let (Some(number_id), Some(request)) = (number_id, request) else {
        return Err(Error::Validation(
            "this message was not sent from WABA Desk, so there is no request to resend".into(),
        ));
    };
    let v: Value = serde_json::from_str(&request).map_err(|e| Error::Internal(e.to_string()))?;
    let to = text(&v, &["to"]).unwrap_or_default();
    let outgoing = match v.get("type").and_then(Value::as_str) {
        Some("template") => crate::api::Outgoing::Template {
            to,
            name: text(&v, &["template", "name"]).unwrap_or_default(),
            language: text(&v, &["template", "language", "code"]).unwrap_or_default(),
            components: v["template"]["components"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        },
        Some("text") => crate::api::Outgoing::Text {
            to,
            body: text(&v, &["text", "body"]).unwrap_or_default(),
            preview_url: v["text"]["preview_url"].as_bool().unwrap_or(false),
        },
        other => {
            return Err(Error::Validation(format!(
                "resending {} messages is not supported",
                other.unwrap_or("unknown")
            )))
        }
    };
    Ok((number_id, outgoing))
}

/// Export file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

const CSV_HEADER: &str = "created_at,number_id,direction,contact,contact_name,type,template_name,body,status,wamid,sent_at,delivered_at,read_at,failed_at,error_code,error_title\n";

fn csv_row(m: &MessageView) -> String {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let cols = [
        m.created_at.clone(),
        m.number_id.map(|n| n.to_string()).unwrap_or_default(),
        m.direction.clone(),
        m.contact.clone(),
        o(&m.contact_name),
        m.kind.clone(),
        o(&m.template_name),
        o(&m.body),
        m.status.clone(),
        o(&m.wamid),
        o(&m.sent_at),
        o(&m.delivered_at),
        o(&m.read_at),
        o(&m.failed_at),
        m.error_code.map(|c| c.to_string()).unwrap_or_default(),
        o(&m.error_title),
    ];
    let mut line = cols
        .iter()
        .map(|c| crate::util::csv_field(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// Writes every message matching `filter` (its `limit` and `before_id` are ignored), newest
/// first, in pages so memory stays constant and the database is never locked for long.
/// `progress` gets the running row count after each page. Returns the number of rows.
pub fn export(
    db: &crate::db::Db,
    filter: &HistoryFilter,
    format: ExportFormat,
    out: &mut dyn std::io::Write,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let io = |e: std::io::Error| Error::Internal(format!("writing the export: {e}"));
    if format == ExportFormat::Csv {
        out.write_all(CSV_HEADER.as_bytes()).map_err(io)?;
    }
    let mut page = HistoryFilter {
        limit: Some(5000),
        before_id: None,
        ..filter.clone()
    };
    let mut total = 0u64;
    loop {
        let rows = db.with_conn(|c| list(c, &page))?;
        for m in &rows {
            match format {
                ExportFormat::Csv => out.write_all(csv_row(m).as_bytes()).map_err(io)?,
                ExportFormat::Jsonl => {
                    serde_json::to_writer(&mut *out, m)
                        .map_err(|e| Error::Internal(e.to_string()))?;
                    out.write_all(b"\n").map_err(io)?;
                }
            }
        }
        total += rows.len() as u64;
        progress(total);
        match rows.last() {
            Some(last) if rows.len() == 5000 => page.before_id = Some(last.id),
            _ => break,
        }
    }
    out.flush().map_err(io)?;
    Ok(total)
}

/// Deletes messages (and their status events) created more than `days` days ago; with
/// `dry_run`, only counts them. Returns the number of messages.
pub fn prune(db: &crate::db::Db, days: u32, dry_run: bool) -> Result<u64> {
    let cutoff = crate::util::format_time(
        time::OffsetDateTime::now_utc() - time::Duration::days(days as i64),
    );
    db.with_tx(|tx| {
        let n: i64 = tx
            .query_row("SELECT count(*) FROM messages WHERE created_at < ?1", [&cutoff], |r| r.get(0))
            .map_err(Error::db("counting old messages"))?;
        if !dry_run && n > 0 {
            exec(tx, "DELETE FROM status_events WHERE wamid IN (SELECT wamid FROM messages WHERE created_at < ?1)", [&cutoff], "pruning status events")?;
            exec(tx, "DELETE FROM messages WHERE created_at < ?1", [&cutoff], "pruning messages")?;
        }
        Ok(n as u64)
    })
}

/// What [`seed`] did, and how fast.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub messages: u64,
    pub status_events: u64,
    /// Time to record the messages (as the send path does).
    pub message_secs: f64,
    /// Time to apply the status events (as the inbox does).
    pub status_secs: f64,
}

/// Synthetic messages for demos and benchmarks (marked `synthetic`): `count` messages to 1,000
/// contacts over the last 90 days; then, as webhooks would bring them later, every message's
/// `sent`, then `delivered`, then `read` (1 in 20 `failed`), applied through the same status
/// path as the inbox. `progress` gets the number of rows done in the current phase.
pub fn seed(db: &crate::db::Db, count: u64, mut progress: impl FnMut(u64)) -> Result<SeedReport> {
    const WORDS: &[&str] = &[
        "order",
        "parcel",
        "invoice",
        "appointment",
        "reminder",
        "delivery",
        "payment",
        "welcome",
        "support",
        "refund",
    ];
    const TEMPLATES: &[&str] = &[
        "order_update",
        "shipping_notice",
        "payment_reminder",
        "appointment_confirmation",
        "welcome_offer",
    ];
    const CHUNK: u64 = 10_000;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let start = now - 90 * 86400;
    let step = (90 * 86400 / count.max(1) as i64).max(1);
    let ts_of = |i: u64| start + i as i64 * step;
    let wamid_of = |i: u64| format!("wamid.SYNTH{i:09}");
    let contact_of = |i: u64| format!("491510{:07}", i % 1000);

    let t = std::time::Instant::now();
    let mut done = 0u64;
    while done < count {
        let end = (done + CHUNK).min(count);
        db.with_tx(|tx| {
            for i in done..end {
                let at = crate::util::format_time(
                    time::OffsetDateTime::from_unix_timestamp(ts_of(i))
                        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                );
                let template = (i % 3 == 0).then(|| TEMPLATES[(i as usize / 3) % TEMPLATES.len()]);
                let body = format!(
                    "{} {} number {}",
                    WORDS[i as usize % WORDS.len()],
                    WORDS[(i as usize * 7 + 3) % WORDS.len()],
                    i
                );
                exec(
                    tx,
                    "INSERT INTO messages (direction, wamid, contact, type, template_name, body, status, status_rank, synthetic, created_at, updated_at) \
                     VALUES ('out', ?1, ?2, ?3, ?4, ?5, 'accepted', 0, 1, ?6, ?6)",
                    params![
                        wamid_of(i),
                        contact_of(i),
                        if template.is_some() { "template" } else { "text" },
                        template,
                        body,
                        at
                    ],
                    "seeding messages",
                )?;
            }
            Ok(())
        })?;
        done = end;
        progress(done);
    }
    let message_secs = t.elapsed().as_secs_f64();

    let t = std::time::Instant::now();
    for (k, phase) in ["sent", "delivered", "last"].iter().enumerate() {
        let mut done = 0u64;
        while done < count {
            let end = (done + CHUNK).min(count);
            db.with_tx(|tx| {
                for i in done..end {
                    let status = match *phase {
                        "last" if i % 20 == 7 => "failed",
                        "last" => "read",
                        s => s,
                    };
                    let mut ev = serde_json::json!({
                        "id": wamid_of(i), "status": status,
                        "timestamp": (ts_of(i) + k as i64 * 5).to_string(), "recipient_id": contact_of(i)
                    });
                    if status == "failed" {
                        ev["errors"] = serde_json::json!([{"code": 131026, "title": "Message undeliverable"}]);
                    }
                    apply_status(tx, &Route::default(), &ev, None)?;
                }
                Ok(())
            })?;
            done = end;
            progress(done);
        }
    }
    Ok(SeedReport {
        messages: count,
        status_events: count * 3,
        message_secs,
        status_secs: t.elapsed().as_secs_f64(),
    })
}

/// One status event of a message's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatusEventView {
    pub status: String,
    /// When Meta says it happened (RFC 3339).
    pub at: Option<String>,
    #[ts(type = "number | null")]
    pub error_code: Option<i64>,
    pub raw_json: String,
}

/// A message with its timeline and raw JSON.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MessageDetail {
    pub message: MessageView,
    pub events: Vec<StatusEventView>,
    pub error_details: Option<String>,
    pub request_json: Option<String>,
    pub response_json: Option<String>,
    pub event_json: Option<String>,
}

pub fn detail(conn: &rusqlite::Connection, wamid: &str) -> Result<Option<MessageDetail>> {
    let Some(message) = message_by_wamid(conn, wamid)? else {
        return Ok(None);
    };
    let (error_details, request_json, response_json, event_json) = conn
        .query_row(
            "SELECT error_details, request_json, response_json, event_json FROM messages WHERE wamid = ?1",
            [wamid],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(Error::db("reading a message"))?;
    let mut stmt = conn
        .prepare_cached("SELECT status, timestamp, error_code, raw_json FROM status_events WHERE wamid = ?1 ORDER BY CAST(timestamp AS INTEGER), id")
        .map_err(Error::db("reading status events"))?;
    let events = stmt
        .query_map([wamid], |r| {
            let ts: String = r.get(1)?;
            Ok(StatusEventView {
                status: r.get(0)?,
                at: unix_to_iso(&ts),
                error_code: r.get(2)?,
                raw_json: r.get(3)?,
            })
        })
        .map_err(Error::db("reading status events"))?
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::db("reading status events"))?;
    Ok(Some(MessageDetail {
        message,
        events,
        error_details,
        request_json,
        response_json,
        event_json,
    }))
}

pub(crate) fn message_by_wamid(
    conn: &rusqlite::Connection,
    wamid: &str,
) -> Result<Option<MessageView>> {
    conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE wamid = ?1"
    ))
    .and_then(|mut st| st.query_row([wamid], message_row).optional())
    .map_err(Error::db("reading a message"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use serde_json::json;

    fn status(wamid: &str, s: &str, ts: u64) -> Value {
        let mut v = json!({"id": wamid, "status": s, "timestamp": ts.to_string(), "recipient_id": "4915123456789"});
        if s == "failed" {
            v["errors"] = json!([{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "x"}}]);
        }
        v
    }

    fn run(order: &[&str]) -> MessageView {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            for (i, s) in order.iter().enumerate() {
                apply_status(
                    tx,
                    &Route::default(),
                    &status("wamid.A", s, 1_700_000_000 + i as u64),
                    None,
                )?;
            }
            Ok(())
        })
        .unwrap();
        db.with_conn(|c| message_by_wamid(c, "wamid.A"))
            .unwrap()
            .unwrap()
    }

    /// Every ordering of sent, delivered, read ends at read; with failed, ends at failed.
    #[test]
    fn all_orderings_end_at_the_highest_state() {
        fn perms(items: &[&'static str]) -> Vec<Vec<&'static str>> {
            if items.len() <= 1 {
                return vec![items.to_vec()];
            }
            let mut out = Vec::new();
            for i in 0..items.len() {
                let mut rest = items.to_vec();
                let x = rest.remove(i);
                for mut p in perms(&rest) {
                    p.insert(0, x);
                    out.push(p);
                }
            }
            out
        }
        for p in perms(&["sent", "delivered", "read"]) {
            let m = run(&p);
            assert_eq!(m.status, "read", "{p:?}");
            assert!(
                m.sent_at.is_some() && m.delivered_at.is_some() && m.read_at.is_some(),
                "{p:?}"
            );
        }
        for p in perms(&["sent", "delivered", "read", "failed"]) {
            let m = run(&p);
            assert_eq!(m.status, "failed", "{p:?}");
            assert_eq!(m.error_code, Some(131026));
        }
        assert_eq!(
            run(&["sent", "read"]).status,
            "read",
            "delivered may never come"
        );
        assert!(run(&["sent", "read"]).delivered_at.is_none());
        assert_eq!(run(&["read", "played", "delivered"]).status, "played");
    }

    #[test]
    fn duplicates_are_idempotent_and_unknown_statuses_are_kept() {
        let db = Db::open_in_memory().unwrap();
        let (a, b, c) = db
            .with_tx(|tx| {
                let a = apply_status(tx, &Route::default(), &status("wamid.B", "sent", 1), None)?;
                let b = apply_status(tx, &Route::default(), &status("wamid.B", "sent", 1), None)?;
                let c = apply_status(
                    tx,
                    &Route::default(),
                    &status("wamid.B", "deleted", 2),
                    None,
                )?;
                Ok((a, b, c))
            })
            .unwrap();
        assert_eq!((a, b, c), (true, false, true));
        let m = db
            .with_conn(|c| message_by_wamid(c, "wamid.B"))
            .unwrap()
            .unwrap();
        assert_eq!(m.status, "sent");
    }

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
    fn a_conversation_is_chronological_even_when_the_incoming_message_is_stored_later() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            tx.execute("INSERT INTO numbers (phone, label, environment, created_at, updated_at) VALUES ('+1555', 'n', 'simulator', 'x', 'x')", []).unwrap();
            record_outbound(tx, &Outbound {
                number_id: 1, phone_number_id: None, wamid: "wamid.OUT", contact: "4915123456789", kind: "text",
                template_name: None, template_language: None, body: Some("On its way"),
                request: &json!({}), response: &json!({}),
            })?;
            // Captured afterwards, but the customer wrote first (its timestamp is in the past).
            let m = json!({"from": "4915123456789", "id": "wamid.IN", "timestamp": "1732489100", "type": "text", "text": {"body": "Where?"}});
            apply_incoming(tx, &Route::default(), &m, None)?;
            Ok(())
        })
        .unwrap();
        let c = db
            .with_conn(|c| conversation(c, None, "+4915123456789", 50))
            .unwrap();
        let order: Vec<&str> = c.messages.iter().map(|m| m.direction.as_str()).collect();
        assert_eq!(order, ["in", "out"]);
    }

    #[test]
    fn list_filters_search_and_pages() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            for i in 0..5 {
                let m = json!({"from": format!("49151000000{i}"), "id": format!("wamid.L{i}"), "timestamp": format!("{}", 1_700_000_000 + i), "type": "text", "text": {"body": format!("order {i} 100%_done")}});
                apply_incoming(tx, &Route::default(), &m, None)?;
            }
            apply_status(tx, &Route::default(), &status("wamid.OUT", "read", 1_700_000_100), None)?;
            Ok(())
        })
        .unwrap();
        let all = db
            .with_conn(|c| list(c, &HistoryFilter::default()))
            .unwrap();
        assert_eq!(all.len(), 6);
        assert_eq!(all[0].wamid.as_deref(), Some("wamid.OUT"), "newest first");
        let q = |f: HistoryFilter| db.with_conn(|c| list(c, &f)).unwrap();
        assert_eq!(
            q(HistoryFilter {
                direction: Some("in".into()),
                ..Default::default()
            })
            .len(),
            5
        );
        assert_eq!(
            q(HistoryFilter {
                status: Some("read".into()),
                ..Default::default()
            })
            .len(),
            1
        );
        assert_eq!(
            q(HistoryFilter {
                contact: Some("+491510000003".into()),
                ..Default::default()
            })
            .len(),
            1
        );
        assert_eq!(
            q(HistoryFilter {
                search: Some("order 2".into()),
                ..Default::default()
            })
            .len(),
            1
        );
        assert_eq!(
            q(HistoryFilter {
                search: Some("100%_".into()),
                ..Default::default()
            })
            .len(),
            5,
            "% and _ are literal"
        );
        assert_eq!(
            q(HistoryFilter {
                search: Some("0%x".into()),
                ..Default::default()
            })
            .len(),
            0
        );
        let page1 = q(HistoryFilter {
            limit: Some(4),
            ..Default::default()
        });
        let page2 = q(HistoryFilter {
            limit: Some(4),
            before_id: Some(page1[3].id),
            ..Default::default()
        });
        assert_eq!((page1.len(), page2.len()), (4, 2));
        let d = db.with_conn(|c| detail(c, "wamid.OUT")).unwrap().unwrap();
        assert_eq!(d.events.len(), 1);
        assert_eq!(d.events[0].status, "read");
    }

    #[test]
    fn every_filter_selects_what_it_names() {
        let db = Db::open_in_memory().unwrap();
        seed(&db, 60, |_| {}).unwrap();
        let q = |f: HistoryFilter| {
            db.with_conn(|c| {
                list(
                    c,
                    &HistoryFilter {
                        limit: Some(1000),
                        ..f
                    },
                )
            })
            .unwrap()
        };
        let all = q(HistoryFilter::default());
        assert_eq!(all.len(), 60);
        let failed = q(HistoryFilter {
            status: Some("failed".into()),
            ..Default::default()
        });
        assert_eq!(failed.len(), 3);
        assert!(failed
            .iter()
            .all(|m| m.status == "failed" && m.error_code == Some(131026)));
        let contact = q(HistoryFilter {
            contact: Some("+4915100000005".into()),
            ..Default::default()
        });
        assert!(!contact.is_empty() && contact.iter().all(|m| m.contact == "4915100000005"));
        let tpl = q(HistoryFilter {
            template: Some("order_update".into()),
            ..Default::default()
        });
        assert!(
            !tpl.is_empty()
                && tpl
                    .iter()
                    .all(|m| m.template_name.as_deref() == Some("order_update"))
        );
        let out = q(HistoryFilter {
            direction: Some("out".into()),
            ..Default::default()
        });
        assert_eq!(out.len(), 60);
        let mid = &all[30].created_at;
        let since = q(HistoryFilter {
            since: Some(mid.clone()),
            ..Default::default()
        });
        assert!(since.iter().all(|m| &m.created_at >= mid));
        let until = q(HistoryFilter {
            until: Some(mid.clone()),
            ..Default::default()
        });
        assert_eq!(since.len() + until.len(), 60);
        let words = q(HistoryFilter {
            search: Some("order appoint".into()),
            ..Default::default()
        });
        assert!(
            !words.is_empty()
                && words.iter().all(|m| {
                    let b = m.body.clone().unwrap();
                    b.starts_with("order appointment")
                })
        );
        let none = q(HistoryFilter {
            number_id: Some(99),
            ..Default::default()
        });
        assert!(none.is_empty());
        let counts = db
            .with_conn(|c| counts(c, &HistoryFilter::default()))
            .unwrap();
        assert_eq!(
            counts,
            vec![("failed".to_string(), 3), ("read".to_string(), 57)]
        );
    }

    #[test]
    fn export_streams_the_filtered_view_and_prune_counts_first() {
        let db = Db::open_in_memory().unwrap();
        seed(&db, 12_000, |_| {}).unwrap();
        let mut csv = Vec::new();
        let mut pages = Vec::new();
        let n = export(
            &db,
            &HistoryFilter {
                status: Some("failed".into()),
                ..Default::default()
            },
            ExportFormat::Csv,
            &mut csv,
            |p| pages.push(p),
        )
        .unwrap();
        assert_eq!(n, 600);
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text.lines().count(), 601);
        assert!(text.lines().skip(1).all(|l| l.contains(",failed,")));
        let mut jsonl = Vec::new();
        let pages_before = pages.len();
        let n = export(
            &db,
            &HistoryFilter::default(),
            ExportFormat::Jsonl,
            &mut jsonl,
            |p| pages.push(p),
        )
        .unwrap();
        assert_eq!(n, 12_000);
        assert_eq!(
            &pages[pages_before..],
            &[5000, 10_000, 12_000],
            "progress per page"
        );
        let first: serde_json::Value =
            serde_json::from_str(String::from_utf8(jsonl).unwrap().lines().next().unwrap())
                .unwrap();
        assert!(first["wamid"].as_str().unwrap().starts_with("wamid.SYNTH"));

        let old = prune(&db, 45, true).unwrap();
        assert!(old > 5000 && old < 7000, "{old}");
        assert_eq!(
            db.with_conn(|c| list(
                c,
                &HistoryFilter {
                    limit: Some(20_000),
                    ..Default::default()
                }
            ))
            .unwrap()
            .len(),
            12_000,
            "dry run deletes nothing"
        );
        assert_eq!(prune(&db, 45, false).unwrap(), old);
        assert_eq!(
            db.with_conn(|c| list(
                c,
                &HistoryFilter {
                    limit: Some(20_000),
                    ..Default::default()
                }
            ))
            .unwrap()
            .len() as u64,
            12_000 - old
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
}
