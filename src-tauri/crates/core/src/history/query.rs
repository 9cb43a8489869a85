//! Queries: the filtered list, counts per status, one message's detail, and the stored request
//! of a sent message.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::facets::{self, indexed_search, search_words as fts_query, Dates};
use super::status::{Direction, MessageStatus};
use super::{text, unix_to_iso};
use crate::contact::Contact;
use crate::history;
use crate::service::Core;
use crate::{Error, Result};

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
    /// The template's language (a template send).
    pub template_language: Option<String>,
    /// The text, or for a template send the template as sent (its values filled in).
    pub body: Option<String>,
    pub status: String,
    pub sent_at: Option<String>,
    pub delivered_at: Option<String>,
    pub read_at: Option<String>,
    pub failed_at: Option<String>,
    #[ts(type = "number | null")]
    pub error_code: Option<i64>,
    pub error_title: Option<String>,
    /// What the error code means and what to do, in plain words (Meta's title alone, such as
    /// "Message undeliverable", says neither).
    pub error_explanation: Option<String>,
    pub created_at: String,
    /// The reference of a send made by WABA Desk (sent as `biz_opaque_callback_data`); the key
    /// of an attempt that has no wamid yet.
    pub attempt_ref: Option<String>,
    /// The emoji the customer reacted to this message with (none, or removed: null).
    pub reaction: Option<String>,
    /// When the customer edited it (`body` is then the edited text).
    pub edited_at: Option<String>,
    /// When the customer deleted it.
    pub deleted_at: Option<String>,
    /// A colleague's send that came through the team relay: the name of the desktop that sent
    /// it (its relay token's name). None for this computer's own sends.
    pub sent_by: Option<String>,
}

impl MessageView {
    /// What names this message in `message_detail` and `resend`: its wamid, or the attempt's
    /// reference while it has none.
    pub fn key(&self) -> Option<&str> {
        self.wamid.as_deref().or(self.attempt_ref.as_deref())
    }
}

/// Filters for the history list. Every field is optional. Pages are keyset windows on the
/// message id (no OFFSET scans), either way: `before_id` gives the next older page (the rows just
/// below that id), `after_id` the next newer one (the rows just above it; `after_id: 0` is the
/// oldest page). Rows always come newest first; the id is unique, so messages that share a
/// time are neither skipped nor repeated at a page boundary.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HistoryFilter {
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub direction: Option<Direction>,
    pub status: Option<MessageStatus>,
    pub contact: Option<String>,
    pub template: Option<String>,
    /// A template's language (Insights links to History with it).
    pub language: Option<String>,
    /// A failed or refused message's error code (Insights links to History with it).
    #[ts(type = "number | null")]
    pub error_code: Option<i64>,
    /// Inclusive, RFC 3339 or `YYYY-MM-DD`.
    pub since: Option<String>,
    /// Exclusive.
    pub until: Option<String>,
    /// Words in the text, template name, contact or contact name.
    pub search: Option<String>,
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    /// Only messages newer than this id, the ones closest to it first taken (a page upwards).
    #[ts(type = "number | null")]
    pub after_id: Option<i64>,
    pub limit: Option<u32>,
}

const MESSAGE_COLUMNS: &str =
    "id, number_id, direction, wamid, contact, contact_name, type, template_name, body, status, \
     sent_at, delivered_at, read_at, failed_at, error_code, error_title, created_at, attempt_ref, \
     reaction, edited_at, deleted_at, template_language, sent_by";

/// How many columns [`MESSAGE_COLUMNS`] names.
const MESSAGE_COLUMN_COUNT: usize = 23;

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
        template_language: r.get(21)?,
        body: r.get(8)?,
        status: r.get(9)?,
        sent_at: r.get(10)?,
        delivered_at: r.get(11)?,
        read_at: r.get(12)?,
        failed_at: r.get(13)?,
        error_code: r.get(14)?,
        error_title: r.get(15)?,
        error_explanation: r
            .get::<_, Option<i64>>(14)?
            .and_then(crate::api::explain)
            .map(str::to_string),
        created_at: r.get(16)?,
        attempt_ref: r.get(17)?,
        reaction: r.get(18)?,
        edited_at: r.get(19)?,
        deleted_at: r.get(20)?,
        sent_by: r.get(22)?,
    })
}

/// The WHERE clause and parameters for a filter (only the filters given, so SQLite can use the
/// index of each: number, status, contact, template, date). Values are always parameters.
fn where_clause(f: &HistoryFilter) -> (String, Vec<rusqlite::types::Value>) {
    where_clause_for(f, true)
}

/// [`where_clause`] for one page (`paged`: a search alone may then take only that page's
/// matches from the full-text index) or for every matching row (counts).
fn where_clause_for(f: &HistoryFilter, paged: bool) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value as V;
    let only_search = paged
        && f.number_id.is_none()
        && f.direction.is_none()
        && f.status.is_none()
        && f.contact.as_deref().and_then(Contact::lookup_key).is_none()
        && f.template.is_none()
        && f.language.is_none()
        && f.error_code.is_none()
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
        add("direction = ?", vec![V::Text(d.as_str().into())]);
    }
    if let Some(s) = &f.status {
        add("status = ?", vec![V::Text(s.as_str().into())]);
    }
    if let Some(c) = f.contact.as_deref().and_then(Contact::lookup_key) {
        add("contact = ?", vec![V::Text(c)]);
    }
    if let Some(t) = &f.template {
        add("template_name = ?", vec![V::Text(t.clone())]);
    }
    if let Some(l) = &f.language {
        add("template_language = ?", vec![V::Text(l.clone())]);
    }
    if let Some(c) = f.error_code {
        add("error_code = ?", vec![V::Integer(c)]);
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
    if let Some(a) = f.after_id {
        add("id > ?", vec![V::Integer(a)]);
    }
    if let Some(q) = f.search.as_deref().and_then(fts_query) {
        if only_search {
            // Nothing else narrows: take the page straight from the full-text index, newest
            // first, and stop there (common words need not be sorted in full).
            let limit = V::Integer(f.limit.unwrap_or(200) as i64);
            match (f.before_id, f.after_id) {
                // Upwards: the matches just above the key (a `before_id` with it only bounds).
                (b, Some(a)) => add(
                    "id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? \
                     AND rowid > ? AND rowid < ? ORDER BY rowid ASC LIMIT ?)",
                    vec![
                        V::Text(q),
                        V::Integer(a),
                        V::Integer(b.unwrap_or(i64::MAX)),
                        limit,
                    ],
                ),
                (Some(b), None) => add(
                    "id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? \
                     AND rowid < ? ORDER BY rowid DESC LIMIT ?)",
                    vec![V::Text(q), V::Integer(b), limit],
                ),
                (None, None) => add(
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

/// How a list is read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    /// Nothing can match (a date range outside the history, or an empty history).
    Empty,
    /// Straight from the table: no filter, or one filter with its own index by id.
    Table,
    /// From the full-text index by this MATCH expression (the filter's facet words and the
    /// search, see `facets`), each row checked exactly.
    FullText(String),
    /// The same through the prefix indexes (`facets::indexed_search`): this MATCH expression,
    /// and the words each row must still start a word with; the `FullText` expression when
    /// that reads too many rows that fail the check.
    Prefixed {
        expr: String,
        checks: Vec<String>,
        full: String,
    },
}

/// Rows the prefix plan reads (passing the filter) before it leaves a search to the plain
/// full-text one: its words share their first 4 characters with many words they do not start.
const PREFIX_SCAN: usize = 2_000;

/// How to answer `f`.
fn plan(conn: &rusqlite::Connection, f: &HistoryFilter) -> Result<Plan> {
    let contact = f.contact.as_deref().and_then(Contact::lookup_key);
    let search = f.search.as_deref().and_then(fts_query);
    // The filters with an index of their own by id: alone, the table answers them directly.
    let indexed = [
        f.number_id.is_some(),
        f.status.is_some(),
        contact.is_some(),
        f.template.is_some(),
    ];
    let others = [
        f.direction.is_some(),
        f.language.is_some(),
        f.error_code.is_some(),
        f.since.is_some() || f.until.is_some(),
    ];
    let filters = indexed.iter().chain(&others).filter(|x| **x).count();
    if search.is_none() && (filters == 0 || (filters == 1 && indexed.contains(&true))) {
        return Ok(Plan::Table);
    }

    let mut terms: Vec<String> = Vec::new();
    if let Some(n) = f.number_id {
        terms.push(facets::word('n', &n.to_string()));
    }
    if let Some(d) = f.direction {
        terms.push(facets::word('d', d.as_str()));
    }
    if let Some(s) = f.status {
        terms.push(facets::status_word(s.as_str()));
    }
    if let Some(c) = &contact {
        terms.push(facets::word('c', c));
    }
    if let Some(t) = &f.template {
        terms.push(facets::word('t', t));
    }
    if let Some(l) = &f.language {
        terms.push(facets::word('l', l));
    }
    if let Some(e) = f.error_code {
        terms.push(facets::word('e', &e.to_string()));
    }
    if f.since.is_some() || f.until.is_some() {
        let (first, last): (Option<String>, Option<String>) = conn
            .query_row(
                "SELECT (SELECT min(created_at) FROM messages), (SELECT max(created_at) FROM messages)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(Error::db("reading the history's time span"))?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Plan::Empty);
        };
        match facets::dates(f.since.as_deref(), f.until.as_deref(), &first, &last) {
            Dates::Empty => return Ok(Plan::Empty),
            Dates::Unknown => {}
            Dates::Words(words) => terms.push(format!("({})", words.join(" OR "))),
        }
    }
    let prefixed = f
        .search
        .as_deref()
        .and_then(indexed_search)
        .map(|(e, checks)| {
            let mut t = terms.clone();
            t.push(format!("({e})"));
            (t.join(" AND "), checks)
        });
    if let Some(s) = search {
        terms.push(format!("({s})"));
    }
    if terms.is_empty() {
        return Ok(Plan::Table);
    }
    let full = terms.join(" AND ");
    Ok(match prefixed {
        Some((expr, checks)) => Plan::Prefixed { expr, checks, full },
        None => Plan::FullText(full),
    })
}

/// Newest first, `limit` rows (default 200) from `before_id` down.
pub fn list(conn: &rusqlite::Connection, f: &HistoryFilter) -> Result<Vec<MessageView>> {
    match plan(conn, f)? {
        Plan::Empty => Ok(Vec::new()),
        Plan::Table => list_from_table(conn, f),
        Plan::FullText(expr) => {
            list_from_full_text(conn, f, expr, &[]).map(Option::unwrap_or_default)
        }
        Plan::Prefixed { expr, checks, full } => match list_from_full_text(conn, f, expr, &checks)?
        {
            Some(rows) => Ok(rows),
            // Too many rows read that fail the check: the plain index answers.
            None => list_from_full_text(conn, f, full, &[]).map(Option::unwrap_or_default),
        },
    }
}

fn columns() -> String {
    MESSAGE_COLUMNS
        .split(',')
        .map(|c| format!("m.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn query_rows(
    conn: &rusqlite::Connection,
    sql: &str,
    values: Vec<rusqlite::types::Value>,
) -> Result<Vec<MessageView>> {
    let mut stmt = conn
        .prepare_cached(sql)
        .map_err(Error::db("listing messages"))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(values), message_row)
        .map_err(Error::db("listing messages"))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(Error::db("listing messages"))
}

/// The straightforward query: the filter as a WHERE clause, newest first. The plan for no
/// filter or one filter with its own index by id (and the reference the full-text plan is
/// tested against).
pub(super) fn list_from_table(
    conn: &rusqlite::Connection,
    f: &HistoryFilter,
) -> Result<Vec<MessageView>> {
    let (clause, mut values) = where_clause(f);
    values.push(rusqlite::types::Value::Integer(
        f.limit.unwrap_or(200) as i64
    ));
    let columns = columns();
    // Upwards the rows nearest the key are taken first, then turned newest first.
    let upwards = f.after_id.is_some();
    let order = if upwards { "ASC" } else { "DESC" };
    let sql = format!(
        // sql-safe: columns, clause and order are built above from this file's fragments; values are bound.
        "SELECT {columns} FROM messages m WHERE {clause} ORDER BY m.id {order} LIMIT ?{}",
        values.len()
    );
    let mut rows = query_rows(conn, &sql, values)?;
    if upwards {
        rows.reverse();
    }
    Ok(rows)
}

/// From the full-text index, newest first: `expr` finds the rows of every filter and the
/// search at once (see `facets`); each row is still checked against the filter exactly, and
/// has a word starting with each of `checks` (see `facets::check_sql`). With checks, `None`
/// when [`PREFIX_SCAN`] rows passing the filter were read without filling the page.
fn list_from_full_text(
    conn: &rusqlite::Connection,
    f: &HistoryFilter,
    expr: String,
    checks: &[String],
) -> Result<Option<Vec<MessageView>>> {
    use rusqlite::types::Value as V;
    let exact = HistoryFilter {
        search: None,
        before_id: None,
        after_id: None,
        ..f.clone()
    };
    let (clause, mut values) = where_clause(&exact);
    values.push(V::Text(expr));
    let mut keyset = format!("messages_fts MATCH ?{}", values.len());
    if let Some(b) = f.before_id {
        values.push(V::Integer(b));
        keyset.push_str(&format!(" AND messages_fts.rowid < ?{}", values.len()));
    }
    if let Some(a) = f.after_id {
        values.push(V::Integer(a));
        keyset.push_str(&format!(" AND messages_fts.rowid > ?{}", values.len()));
    }
    let limit = f.limit.unwrap_or(200) as usize;
    let mut columns = columns();
    if !checks.is_empty() {
        // Whether the row has the words: read as the last column, so that rows without them
        // are counted (and skipped) rather than read on without end.
        let mut all = Vec::new();
        for w in checks {
            values.push(V::Text(w.clone()));
            all.push(facets::check_sql(values.len()));
        }
        columns.push_str(&format!(", ({})", all.join(" AND ")));
    }
    values.push(V::Integer(if checks.is_empty() {
        limit as i64
    } else {
        PREFIX_SCAN as i64
    }));
    // Upwards (the rows just above `after_id`) the nearest are taken first, then turned
    // newest first.
    let upwards = f.after_id.is_some();
    let order = if upwards { "ASC" } else { "DESC" };
    // The index leads (CROSS JOIN keeps it outside) and gives its rows in rowid order, so the
    // query stops after `limit` rows that pass the exact check.
    let sql = format!(
        // sql-safe: columns, keyset, clause and order are built above from this file's fragments; values are bound.
        "SELECT {columns} FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid WHERE {keyset} AND {clause} ORDER BY messages_fts.rowid {order} LIMIT ?{}",
        values.len()
    );
    let mut rows = if checks.is_empty() {
        query_rows(conn, &sql, values)?
    } else {
        let mut stmt = conn
            .prepare_cached(&sql)
            .map_err(Error::db("listing messages"))?;
        let mut found = stmt
            .query(rusqlite::params_from_iter(values))
            .map_err(Error::db("listing messages"))?;
        let (mut rows, mut read) = (Vec::new(), 0usize);
        while rows.len() < limit {
            let Some(r) = found.next().map_err(Error::db("listing messages"))? else {
                break;
            };
            read += 1;
            if r.get::<_, bool>(MESSAGE_COLUMN_COUNT)
                .map_err(Error::db("listing messages"))?
            {
                rows.push(message_row(r).map_err(Error::db("listing messages"))?);
            }
        }
        if rows.len() < limit && read == PREFIX_SCAN {
            return Ok(None);
        }
        rows
    };
    if upwards {
        rows.reverse();
    }
    Ok(Some(rows))
}

/// Messages per status for a filter (the dashboard strip), ignoring its status and paging.
pub fn counts(conn: &rusqlite::Connection, f: &HistoryFilter) -> Result<Vec<(String, i64)>> {
    let f = HistoryFilter {
        status: None,
        before_id: None,
        after_id: None,
        limit: None,
        ..f.clone()
    };
    let (clause, values) = where_clause_for(&f, false);
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

/// The message to send again for "resend as test": the stored request of a sent message.
/// The contacts a number sent to, most recent first, at most `limit`.
pub fn recent_recipients(
    conn: &rusqlite::Connection,
    number_id: i64,
    limit: u32,
) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(
            "SELECT contact FROM messages WHERE number_id = ?1 AND direction = 'out' \
             GROUP BY contact ORDER BY max(id) DESC LIMIT ?2",
        )
        .map_err(Error::db("reading recent recipients"))?;
    let rows = st
        .query_map(rusqlite::params![number_id, limit], |r| r.get(0))
        .map_err(Error::db("reading recent recipients"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::db("reading recent recipients"))
}

pub fn resend_request(
    conn: &rusqlite::Connection,
    wamid: &str,
) -> Result<(i64, crate::api::Outgoing)> {
    let (number_id, request): (Option<i64>, Option<String>) = conn
        .query_row(
            "SELECT number_id, request_json FROM messages WHERE (wamid = ?1 OR attempt_ref = ?1) AND direction = 'out'",
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
        Some(kind @ ("image" | "video" | "audio" | "document" | "sticker")) => {
            crate::api::Outgoing::Media {
                to,
                kind: kind.to_string(),
                source: text(&v, &[kind, "id"])
                    .or_else(|| text(&v, &[kind, "link"]))
                    .unwrap_or_default(),
                caption: text(&v, &[kind, "caption"]),
                filename: text(&v, &[kind, "filename"]),
            }
        }
        other => {
            return Err(Error::Validation(format!(
                "resending {} messages is not supported",
                other.unwrap_or("unknown")
            )))
        }
    };
    Ok((number_id, outgoing))
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
    /// In a group: the participant this status is for.
    pub participant: Option<String>,
    /// Pricing category (`pricing.category`), and whether it is billable.
    pub pricing_category: Option<String>,
    pub billable: Option<bool>,
    /// The conversation it opened or belongs to: id and origin type.
    pub conversation_id: Option<String>,
    pub conversation_origin: Option<String>,
    /// The sender's own tracking data, sent back by Meta.
    pub biz_opaque_callback_data: Option<String>,
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
    /// The values a template was sent with, as JSON (sends made by WABA Desk).
    pub parameters_json: Option<String>,
}

/// A message by its wamid, or a send attempt by its reference, with its timeline.
pub fn detail(conn: &rusqlite::Connection, key: &str) -> Result<Option<MessageDetail>> {
    let Some(message) = message_by_key(conn, key)? else {
        return Ok(None);
    };
    let (error_details, request_json, response_json, event_json, parameters_json) = conn
        .query_row(
            "SELECT error_details, request_json, response_json, event_json, parameters_json FROM messages WHERE id = ?1",
            [message.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .map_err(Error::db("reading a message"))?;
    let mut stmt = conn
        .prepare_cached("SELECT status, timestamp, error_code, raw_json FROM status_events WHERE wamid = ?1 ORDER BY CAST(timestamp AS INTEGER), id")
        .map_err(Error::db("reading status events"))?;
    let events = stmt
        .query_map([message.wamid.as_deref().unwrap_or("")], |r| {
            let ts: String = r.get(1)?;
            let raw_json: String = r.get(3)?;
            let raw: Value = serde_json::from_str(&raw_json).unwrap_or(Value::Null);
            Ok((
                ts.trim().parse::<i64>().unwrap_or(0),
                StatusEventView {
                    status: r.get(0)?,
                    at: unix_to_iso(&ts),
                    error_code: r.get(2)?,
                    participant: text(&raw, &["recipient_participant_id"]),
                    pricing_category: text(&raw, &["pricing", "category"])
                        .or_else(|| text(&raw, &["conversation", "pricing", "category"])),
                    billable: raw
                        .pointer("/pricing/billable")
                        .or_else(|| raw.pointer("/conversation/pricing/billable"))
                        .and_then(Value::as_bool),
                    conversation_id: text(&raw, &["conversation", "id"]),
                    conversation_origin: text(&raw, &["conversation", "origin", "type"]),
                    biz_opaque_callback_data: text(&raw, &["biz_opaque_callback_data"]),
                    raw_json,
                },
            ))
        })
        .map_err(Error::db("reading status events"))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::db("reading status events"))?;
    // Events that share a timestamp are shown in the order of their status (sent before
    // delivered before read), not in the order they arrived.
    let mut events = events;
    events.sort_by_key(|(ts, e)| (*ts, history::status_rank(&e.status).unwrap_or(0)));
    let events: Vec<StatusEventView> = events.into_iter().map(|(_, e)| e).collect();
    Ok(Some(MessageDetail {
        message,
        events,
        error_details,
        request_json,
        response_json,
        event_json,
        parameters_json,
    }))
}

/// The message a wamid names, or the send attempt a reference names.
pub fn message_by_key(conn: &rusqlite::Connection, key: &str) -> Result<Option<MessageView>> {
    conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE wamid = ?1 OR attempt_ref = ?1 ORDER BY wamid IS NULL LIMIT 1"
    ))
    .and_then(|mut st| st.query_row([key], message_row).optional())
    .map_err(Error::db("reading a message"))
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

impl Core {
    /// Messages, newest first, filtered.
    pub fn list_messages(
        &self,
        filter: &history::HistoryFilter,
    ) -> Result<Vec<history::MessageView>> {
        self.db.with_conn(|c| history::list(c, filter))
    }

    /// Sends a sent message again ("resend as test"), recorded as a new message. `key` is
    /// its wamid, or the reference of an attempt without one.
    pub async fn resend(
        &self,
        key: &str,
        actor: crate::audit::Actor,
    ) -> Result<crate::api::SendResponse> {
        self.resend_with_progress(key, actor, None).await
    }

    /// [`Core::resend`], telling `progress` of each retry after a capacity limit.
    pub async fn resend_with_progress(
        &self,
        key: &str,
        actor: crate::audit::Actor,
        progress: Option<crate::api::ProgressFn>,
    ) -> Result<crate::api::SendResponse> {
        let (number_id, outgoing) = self.db.with_conn(|c| history::resend_request(c, key))?;
        self.send_message_with_progress(number_id, &outgoing, actor, progress)
            .await
    }

    /// Messages per status for a filter.
    pub fn message_counts(&self, filter: &history::HistoryFilter) -> Result<Vec<(String, i64)>> {
        self.db.with_conn(|c| history::counts(c, filter))
    }

    /// A message with its status timeline and raw JSON.
    pub fn message_detail(&self, wamid: &str) -> Result<history::MessageDetail> {
        self.db
            .with_conn(|c| history::detail(c, wamid))?
            .ok_or_else(|| Error::NotFound(format!("message {wamid}")))
    }

    /// A message by its wamid, or a send attempt by its reference.
    pub fn message_by_key(&self, key: &str) -> Result<Option<history::MessageView>> {
        self.db.with_conn(|c| history::message_by_key(c, key))
    }

    /// The message a wamid names, as history has it.
    pub fn message_by_wamid(&self, wamid: &str) -> Result<Option<history::MessageView>> {
        self.db.with_conn(|c| history::message_by_wamid(c, wamid))
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Db;
    use crate::history::testutil::status;
    use crate::history::*;
    use serde_json::json;

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
                direction: Some(Direction::Inbound),
                ..Default::default()
            })
            .len(),
            5
        );
        assert_eq!(
            q(HistoryFilter {
                status: Some(MessageStatus::Read),
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

    /// Walks the whole list in pages down from the newest and back up from the oldest; every
    /// message comes exactly once each way, newest first within a page, although they share
    /// their times in groups (the key is the id, never the time).
    #[test]
    fn keyset_pages_both_ways_with_ties_on_time() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            for i in 0..23 {
                // Four messages per second: times tie across page boundaries.
                let m = json!({"from": format!("4915100000{:02}", i % 3), "id": format!("wamid.K{i}"),
                    "timestamp": format!("{}", 1_700_000_000 + i / 4), "type": "text",
                    "text": {"body": if i % 2 == 0 { format!("even order {i}") } else { format!("odd {i}") }}});
                apply_incoming(tx, &Route::default(), &m, None)?;
            }
            Ok(())
        })
        .unwrap();
        let q = |f: HistoryFilter| db.with_conn(|c| list(c, &f)).unwrap();
        let ids = |rows: &[MessageView]| rows.iter().map(|m| m.id).collect::<Vec<_>>();
        for (what, base) in [
            ("no filter", HistoryFilter::default()),
            (
                "search only",
                HistoryFilter {
                    search: Some("even".into()),
                    ..Default::default()
                },
            ),
            (
                "search and a filter",
                HistoryFilter {
                    search: Some("order".into()),
                    direction: Some(Direction::Inbound),
                    ..Default::default()
                },
            ),
            (
                "a filter",
                HistoryFilter {
                    contact: Some("+491510000001".into()),
                    ..Default::default()
                },
            ),
        ] {
            let all = ids(&q(HistoryFilter {
                limit: Some(1000),
                ..base.clone()
            }));
            assert!(all.len() > 3, "{what}: the data has rows for it");
            assert!(all.windows(2).all(|w| w[0] > w[1]), "{what}: newest first");
            // Down: older pages after the last key.
            let mut down = Vec::new();
            let mut before = None;
            loop {
                let page = q(HistoryFilter {
                    limit: Some(3),
                    before_id: before,
                    ..base.clone()
                });
                assert!(
                    page.windows(2).all(|w| w[0].id > w[1].id),
                    "{what}: page newest first"
                );
                down.extend(ids(&page));
                match page.last() {
                    Some(last) if page.len() == 3 => before = Some(last.id),
                    _ => break,
                }
            }
            assert_eq!(down, all, "{what}: down, each message once");
            // Up from the oldest page (after 0): newer pages before the first key.
            let mut up: Vec<i64> = Vec::new();
            let mut after = Some(0);
            loop {
                let page = q(HistoryFilter {
                    limit: Some(3),
                    after_id: after,
                    ..base.clone()
                });
                assert!(
                    page.windows(2).all(|w| w[0].id > w[1].id),
                    "{what}: page newest first"
                );
                if let Some(first) = page.first() {
                    assert!(
                        up.first().is_none_or(|&f| f < page.last().unwrap().id),
                        "{what}: the page is just above the one before"
                    );
                    after = Some(first.id);
                }
                let full = page.len() == 3;
                up.splice(0..0, ids(&page));
                if !full {
                    break;
                }
            }
            assert_eq!(up, all, "{what}: up, each message once");
            // The page just above a key in the middle is the rows nearest to it.
            let mid = all[all.len() / 2];
            let above = ids(&q(HistoryFilter {
                limit: Some(2),
                after_id: Some(mid),
                ..base.clone()
            }));
            let at = all.len() / 2;
            assert_eq!(
                above,
                all[at.saturating_sub(2)..at].to_vec(),
                "{what}: nearest above"
            );
            // Both keys: the rows strictly between them.
            let between = ids(&q(HistoryFilter {
                after_id: Some(*all.last().unwrap()),
                before_id: Some(all[0]),
                ..base.clone()
            }));
            assert_eq!(between, all[1..all.len() - 1].to_vec(), "{what}: between");
        }
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
            status: Some(MessageStatus::Failed),
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
            direction: Some(Direction::Outbound),
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
}

/// The full-text plan against the straightforward query, on a history with every kind of
/// value: each filter alone and in combination, with and without a search, every page.
#[cfg(test)]
mod plan_tests {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use rusqlite::params;

    use super::{list, list_from_table};
    use crate::db::Db;
    use crate::history::{Direction, HistoryFilter, MessageStatus};

    const CONTACTS: &[&str] = &[
        "4915100000001",
        "4915100000002",
        "4915100000003",
        "bsuid.AB12",
    ];
    const TEMPLATES: &[&str] = &["order_update", "bestätigung", "welcome"];
    const LANGUAGES: &[&str] = &["en", "de_DE"];
    const WORDS: &[&str] = &[
        "order",
        "parcel",
        "Grüße",
        "refund",
        "100%_done",
        "ordering",
    ];
    const STATUSES: &[&str] = &[
        "accepted",
        "sent",
        "delivered",
        "read",
        "failed",
        "received",
        "not_sent",
    ];

    /// A small deterministic generator, so the history is the same on every run.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    /// 600 messages over the turn of a year (times not in id order), then status changes,
    /// linked contacts and numbers, and deletions, as later writes bring them.
    fn history() -> Db {
        let db = Db::open_in_memory().unwrap();
        let mut r = Lcg(7);
        db.with_tx(|tx| {
            tx.execute_batch(
                "INSERT INTO numbers (id, phone, label, environment, created_at, updated_at) VALUES \
                 (1, '+4915111111111', 'One', 'sandbox', 'x', 'x'), \
                 (2, '+4915122222222', 'Two', 'sandbox', 'x', 'x');",
            )
            .unwrap();
            for i in 0..600 {
                let pick = |r: &mut Lcg, xs: &[&'static str]| -> Option<&'static str> {
                    let k = r.next(xs.len() + 1);
                    (k < xs.len()).then(|| xs[k])
                };
                let number = [None, Some(1), Some(2)][r.next(3)];
                let direction = ["out", "in"][r.next(2)];
                let status = STATUSES[r.next(STATUSES.len())];
                let template = pick(&mut r, TEMPLATES);
                let language = template.and_then(|_| pick(&mut r, LANGUAGES));
                let error = (status == "failed").then(|| [131026, 470][r.next(2)]);
                let body = format!(
                    "{} {} {i}",
                    WORDS[r.next(WORDS.len())],
                    WORDS[r.next(WORDS.len())]
                );
                // 2025-12-28 to 2026-03-03, any hour; a few in 2024.
                let day = r.next(66) as i64;
                let base = if r.next(20) == 0 { 1_704_067_200 } else { 1_766_880_000 };
                let t = base + day * 86_400 + r.next(86_400) as i64;
                let at = crate::util::format_time(
                    time::OffsetDateTime::from_unix_timestamp(t).unwrap(),
                );
                tx.execute(
                    "INSERT INTO messages (number_id, direction, wamid, contact, contact_name, type, \
                     template_name, template_language, body, status, status_rank, error_code, \
                     created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'text', ?6, ?7, ?8, ?9, 0, ?10, ?11, ?11)",
                    params![
                        number,
                        direction,
                        format!("wamid.P{i}"),
                        CONTACTS[r.next(CONTACTS.len())],
                        ["Anna", "Jörg"].get(r.next(3)).copied(),
                        template,
                        language,
                        body,
                        status,
                        error,
                        at
                    ],
                )
                .unwrap();
            }
            for id in (1..600).step_by(7) {
                tx.execute(
                    "UPDATE messages SET status = 'failed', error_code = 131026 WHERE id = ?1",
                    [id],
                )
                .unwrap();
            }
            for id in (3..600).step_by(11) {
                tx.execute(
                    "UPDATE messages SET contact = '4915100000009', number_id = 2 WHERE id = ?1",
                    [id],
                )
                .unwrap();
            }
            tx.execute("DELETE FROM messages WHERE id % 13 = 0", [])
                .unwrap();
            Ok(())
        })
        .unwrap();
        db
    }

    fn one_of<T: Clone + std::fmt::Debug + 'static>(
        xs: Vec<T>,
    ) -> impl Strategy<Value = Option<T>> {
        proptest::option::weighted(0.4, proptest::sample::select(xs))
    }

    fn filters() -> impl Strategy<Value = HistoryFilter> {
        let times = vec![
            "2026-01-01",
            "2026-01-15T10",
            "2026-01-15T10:30:00.000Z",
            "2025-12-31T23:59:59Z",
            "2026-02-01T00",
            "2026-02-29",
            "2026-03",
            "2024-01-10",
            "soon",
            "2030-01-01",
            "2020-01-01",
        ];
        (
            (
                one_of(vec![1i64, 2, 99]),
                one_of(vec![Direction::Outbound, Direction::Inbound]),
                one_of(MessageStatus::ALL.to_vec()),
                one_of(vec![
                    "+4915100000001",
                    "4915100000003",
                    "4915100000009",
                    "+4915199999999",
                    "bsuid.AB12",
                ]),
                one_of(vec!["order_update", "bestätigung", "welcome", "nope"]),
                one_of(vec!["en", "de_DE", "fr"]),
                one_of(vec![131026i64, 470, 1]),
            ),
            (
                one_of(times.clone()),
                one_of(times),
                one_of(vec![
                    "order",
                    "ord",
                    "grüsse",
                    "Grüße",
                    "refund parcel",
                    "ORDER upd",
                    "parc",
                    "refunds",
                    "4915100000001",
                    "x",
                    "%_",
                    "",
                    "anna",
                ]),
                one_of(vec![50i64, 300, 555, 2000]),
                1u32..40,
            ),
        )
            .prop_map(
                |(
                    (number_id, direction, status, contact, template, language, error_code),
                    (since, until, search, before_id, limit),
                )| {
                    HistoryFilter {
                        number_id,
                        direction,
                        status,
                        contact: contact.map(str::to_string),
                        template: template.map(str::to_string),
                        language: language.map(str::to_string),
                        error_code,
                        since: since.map(str::to_string),
                        until: until.map(str::to_string),
                        search: search.map(str::to_string),
                        before_id,
                        after_id: None,
                        limit: Some(limit),
                    }
                },
            )
    }

    /// Every page of `f` by both plans, followed to the end by keyset.
    fn same_pages(db: &Db, f: &HistoryFilter) -> std::result::Result<(), TestCaseError> {
        let mut page = f.clone();
        for _ in 0..100 {
            let (planned, straight) = db
                .with_conn(|c| Ok((list(c, &page)?, list_from_table(c, &page)?)))
                .unwrap();
            prop_assert_eq!(&planned, &straight, "filter {:?}", page);
            match planned.last() {
                Some(last) if planned.len() == page.limit.unwrap_or(200) as usize => {
                    page.before_id = Some(last.id)
                }
                _ => break,
            }
        }
        // And upwards by keyset, from the oldest page (or from the given key) to the newest.
        let mut page = HistoryFilter {
            after_id: Some(f.before_id.map(|b| b / 2).unwrap_or(0)),
            before_id: None,
            ..f.clone()
        };
        for _ in 0..100 {
            let (planned, straight) = db
                .with_conn(|c| Ok((list(c, &page)?, list_from_table(c, &page)?)))
                .unwrap();
            prop_assert_eq!(&planned, &straight, "filter {:?}", page);
            match planned.first() {
                Some(newest) if planned.len() == page.limit.unwrap_or(200) as usize => {
                    page.after_id = Some(newest.id)
                }
                _ => return Ok(()),
            }
        }
        Ok(())
    }

    fn check(db: &Db, cases: u32) {
        let mut runner = TestRunner::new(Config {
            cases,
            ..Config::default()
        });
        runner.run(&filters(), |f| same_pages(db, &f)).unwrap();
    }

    #[test]
    fn the_planned_query_returns_the_rows_of_the_straightforward_one() {
        let db = history();
        // The fixture holds what the filters ask for (so equal lists are not all empty).
        let some = db
            .with_conn(|c| {
                list(
                    c,
                    &HistoryFilter {
                        status: Some(MessageStatus::Failed),
                        template: Some("bestätigung".into()),
                        since: Some("2026-01-15T10".into()),
                        search: Some("ord".into()),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        assert!(!some.is_empty());
        check(&db, 400);
    }

    #[test]
    fn a_database_converted_by_the_migration_answers_the_same() {
        let db = history();
        // Back to the index as 0005 made it, then convert it as an existing database is.
        let old = include_str!("../../migrations/0005_history_search.sql");
        let old_fts = &old[old.find("CREATE VIRTUAL TABLE messages_fts").unwrap()..];
        db.with_tx(|tx| {
            tx.execute_batch(
                "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete; \
                 DROP TRIGGER messages_fts_update; DROP TABLE messages_fts;",
            )
            .unwrap();
            tx.execute_batch(old_fts).unwrap();
            tx.execute_batch(include_str!("../../migrations/0020_history_facets.sql"))
                .unwrap();
            tx.execute_batch(include_str!("../../migrations/0022_search_prefixes.sql"))
                .unwrap();
            tx.execute_batch(include_str!(
                "../../migrations/0024_search_without_positions.sql"
            ))
            .unwrap();
            Ok(())
        })
        .unwrap();
        check(&db, 100);
    }

    /// `n` sent text messages to one contact, each with the body and status `of(i)` gives.
    fn texts(n: usize, of: impl Fn(usize) -> (&'static str, &'static str)) -> Db {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            for i in 0..n {
                let (body, status) = of(i);
                tx.execute(
                    "INSERT INTO messages (direction, wamid, contact, type, body, status, status_rank, created_at, updated_at) \
                     VALUES ('out', ?1, '4915100000001', 'text', ?2, ?3, 3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                    rusqlite::params![format!("wamid.T{i}"), body, status],
                )
                .unwrap();
            }
            Ok(())
        })
        .unwrap();
        db
    }

    #[test]
    fn counts_under_a_search_count_every_match_not_one_page() {
        let db = texts(250, |i| {
            ("your refund", if i % 5 == 0 { "failed" } else { "read" })
        });
        let f = HistoryFilter {
            search: Some("refund".into()),
            limit: Some(100),
            ..Default::default()
        };
        let counts = db.with_conn(|c| super::counts(c, &f)).unwrap();
        assert_eq!(
            counts,
            vec![("failed".to_string(), 50), ("read".to_string(), 200)]
        );
    }

    #[test]
    fn words_the_tokenizer_splits_are_searched_as_its_tokens() {
        // "हैलो" is one word to Rust (its vowel signs are alphabetic) and three tokens to the
        // index (they are marks); an index without positions cannot answer that as a phrase.
        let db = texts(3, |i| {
            (["नमस्ते हैलो दुनिया", "e-mail sent", "plain text"][i], "read")
        });
        for (search, found) in [("हैलो", 1), ("e-mail", 1), ("mail", 1), ("plain", 1)] {
            let f = HistoryFilter {
                search: Some(search.into()),
                ..Default::default()
            };
            let rows = db.with_conn(|c| super::list(c, &f)).unwrap();
            assert_eq!(rows.len(), found, "{search}");
            let failed = HistoryFilter {
                status: Some(MessageStatus::Failed),
                ..f
            };
            assert!(db
                .with_conn(|c| super::list(c, &failed))
                .unwrap()
                .is_empty());
        }
    }

    #[test]
    fn the_column_count_is_that_of_the_column_list() {
        assert_eq!(
            super::MESSAGE_COLUMN_COUNT,
            super::MESSAGE_COLUMNS.split(',').count()
        );
    }

    #[test]
    fn a_search_sharing_its_first_characters_with_many_other_words_is_answered_in_full() {
        // More rows than the prefix plan reads have a word starting "parc" but not "parcels".
        let db = texts(super::PREFIX_SCAN + 50, |i| {
            (
                if i % 500 == 0 {
                    "two parcels"
                } else {
                    "parcel tracking"
                },
                "read",
            )
        });
        let f = HistoryFilter {
            search: Some("Parcels".into()),
            limit: Some(10),
            ..Default::default()
        };
        let (planned, straight) = db
            .with_conn(|c| Ok((list(c, &f)?, list_from_table(c, &f)?)))
            .unwrap();
        assert_eq!(planned.len(), 5);
        assert_eq!(planned, straight);
        assert!(planned
            .iter()
            .all(|m| m.body.as_deref() == Some("two parcels")));
    }

    #[test]
    fn the_full_text_plan_reads_newest_first_without_sorting() {
        let db = history();
        let plan: Vec<String> = db
            .with_conn(|c| {
                let f = HistoryFilter {
                    status: Some(MessageStatus::Read),
                    direction: Some(Direction::Inbound),
                    before_id: Some(300),
                    limit: Some(10),
                    ..Default::default()
                };
                let (super::Plan::FullText(expr) | super::Plan::Prefixed { expr, .. }) =
                    super::plan(c, &f)?
                else {
                    panic!("two filters are read from the full-text index");
                };
                let mut st = c
                    .prepare(
                        "EXPLAIN QUERY PLAN SELECT m.id FROM messages_fts CROSS JOIN messages m \
                         ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?1 AND \
                         messages_fts.rowid < 300 AND m.status = 'read' ORDER BY messages_fts.rowid DESC LIMIT 10",
                    )
                    .unwrap();
                let rows = st
                    .query_map([expr], |r| r.get::<_, String>(3))
                    .unwrap()
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .unwrap();
                Ok(rows)
            })
            .unwrap();
        assert!(plan[0].contains("VIRTUAL TABLE INDEX"), "{plan:?}");
        assert!(plan.iter().all(|p| !p.contains("TEMP B-TREE")), "{plan:?}");
    }
}
