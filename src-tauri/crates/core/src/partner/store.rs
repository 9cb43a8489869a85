//! All SQL of partner mode: `partner_account`, `partner_channels`, `partner_events`.

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Error, Result};

/// The stored partner account row.
pub(crate) struct AccountRow {
    pub partner_id: String,
    pub environment: String,
    pub base_url_override: Option<String>,
    pub key_hint: Option<String>,
    pub key_fingerprint: Option<String>,
    pub key_verified_at: Option<String>,
    pub webhook_url: Option<String>,
    pub updated_at: String,
}

pub(crate) fn account(c: &Connection) -> Result<Option<AccountRow>> {
    c.query_row(
        "SELECT partner_id, environment, base_url_override, key_hint, key_fingerprint, \
         key_verified_at, webhook_url, updated_at FROM partner_account WHERE id = 1",
        [],
        |r| {
            Ok(AccountRow {
                partner_id: r.get(0)?,
                environment: r.get(1)?,
                base_url_override: r.get(2)?,
                key_hint: r.get(3)?,
                key_fingerprint: r.get(4)?,
                key_verified_at: r.get(5)?,
                webhook_url: r.get(6)?,
                updated_at: r.get(7)?,
            })
        },
    )
    .optional()
    .map_err(Error::db("reading the partner account"))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn save_account(
    c: &Connection,
    partner_id: &str,
    environment: &str,
    base_url_override: Option<&str>,
    key_hint: &str,
    key_fingerprint: &str,
    verified_at: &str,
    now: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO partner_account (id, partner_id, environment, base_url_override, key_hint, \
         key_fingerprint, key_verified_at, created_at, updated_at) \
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) \
         ON CONFLICT (id) DO UPDATE SET partner_id = excluded.partner_id, \
         environment = excluded.environment, base_url_override = excluded.base_url_override, \
         key_hint = excluded.key_hint, key_fingerprint = excluded.key_fingerprint, \
         key_verified_at = excluded.key_verified_at, updated_at = excluded.updated_at",
        params![
            partner_id,
            environment,
            base_url_override,
            key_hint,
            key_fingerprint,
            verified_at,
            now
        ],
    )
    .map_err(Error::db("saving the partner account"))?;
    Ok(())
}

pub(crate) fn set_webhook_url(c: &Connection, url: Option<&str>, now: &str) -> Result<()> {
    c.execute(
        "UPDATE partner_account SET webhook_url = ?1, updated_at = ?2 WHERE id = 1",
        params![url, now],
    )
    .map_err(Error::db("saving the partner webhook URL"))?;
    Ok(())
}

/// A number's partner channel.
#[derive(Debug, Clone)]
pub(crate) struct ChannelRow {
    pub number_id: i64,
    pub channel_id: String,
    pub client_id: String,
    pub waba_id: Option<String>,
    pub status: Option<String>,
    pub account_mode: Option<String>,
    pub imported_at: String,
}

const CHANNEL_COLUMNS: &str =
    "number_id, channel_id, client_id, waba_id, status, account_mode, imported_at";

fn channel_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChannelRow> {
    Ok(ChannelRow {
        number_id: r.get(0)?,
        channel_id: r.get(1)?,
        client_id: r.get(2)?,
        waba_id: r.get(3)?,
        status: r.get(4)?,
        account_mode: r.get(5)?,
        imported_at: r.get(6)?,
    })
}

pub(crate) fn channel_of_number(c: &Connection, number_id: i64) -> Result<Option<ChannelRow>> {
    c.query_row(
        &format!("SELECT {CHANNEL_COLUMNS} FROM partner_channels WHERE number_id = ?1"),
        [number_id],
        channel_row,
    )
    .optional()
    .map_err(Error::db("reading the number's partner channel"))
}

pub(crate) fn channel_by_id(c: &Connection, channel_id: &str) -> Result<Option<ChannelRow>> {
    c.query_row(
        &format!("SELECT {CHANNEL_COLUMNS} FROM partner_channels WHERE channel_id = ?1"),
        [channel_id],
        channel_row,
    )
    .optional()
    .map_err(Error::db("reading a partner channel"))
}

pub(crate) fn channels(c: &Connection) -> Result<Vec<ChannelRow>> {
    let mut stmt = c
        .prepare(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM partner_channels ORDER BY number_id"
        ))
        .map_err(Error::db("reading partner channels"))?;
    let rows = stmt
        .query_map([], channel_row)
        .map_err(Error::db("reading partner channels"))?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::db("reading partner channels"))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_channel(
    c: &Connection,
    number_id: i64,
    channel_id: &str,
    client_id: &str,
    waba_id: Option<&str>,
    status: Option<&str>,
    account_mode: Option<&str>,
    now: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO partner_channels (number_id, channel_id, client_id, waba_id, status, \
         account_mode, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            number_id,
            channel_id,
            client_id,
            waba_id,
            status,
            account_mode,
            now
        ],
    )
    .map_err(Error::db("keeping the partner channel with the number"))?;
    Ok(())
}

/// Sets what a partner event says of a channel (`None` keeps the value).
pub(crate) fn update_channel(
    c: &Connection,
    channel_id: &str,
    status: Option<&str>,
    account_mode: Option<&str>,
) -> Result<()> {
    c.execute(
        "UPDATE partner_channels SET status = COALESCE(?2, status), \
         account_mode = COALESCE(?3, account_mode) WHERE channel_id = ?1",
        params![channel_id, status, account_mode],
    )
    .map_err(Error::db("updating a partner channel"))?;
    Ok(())
}

pub(crate) fn insert_event(
    c: &Connection,
    event: &str,
    channel_id: Option<&str>,
    number_id: Option<i64>,
    summary: &str,
    body: &str,
    now: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO partner_events (received_at, event, channel_id, number_id, summary, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now, event, channel_id, number_id, summary, body],
    )
    .map_err(Error::db("recording a partner event"))?;
    Ok(())
}

/// A partner event as listed on a number.
pub(crate) struct EventRow {
    pub id: i64,
    pub received_at: String,
    pub event: String,
    pub channel_id: Option<String>,
    pub number_id: Option<i64>,
    pub summary: String,
}

/// The newest `limit` events, of one number or of all.
pub(crate) fn events(c: &Connection, number_id: Option<i64>, limit: i64) -> Result<Vec<EventRow>> {
    let mut stmt = c
        .prepare(
            "SELECT id, received_at, event, channel_id, number_id, summary FROM partner_events \
             WHERE ?1 IS NULL OR number_id = ?1 ORDER BY id DESC LIMIT ?2",
        )
        .map_err(Error::db("reading partner events"))?;
    let rows = stmt
        .query_map(params![number_id, limit], |r| {
            Ok(EventRow {
                id: r.get(0)?,
                received_at: r.get(1)?,
                event: r.get(2)?,
                channel_id: r.get(3)?,
                number_id: r.get(4)?,
                summary: r.get(5)?,
            })
        })
        .map_err(Error::db("reading partner events"))?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::db("reading partner events"))
}

/// The number a WABA id belongs to, through its partner channel.
pub(crate) fn number_of_waba(c: &Connection, waba_id: &str) -> Result<Option<i64>> {
    c.query_row(
        "SELECT number_id FROM partner_channels WHERE waba_id = ?1 ORDER BY number_id LIMIT 1",
        [waba_id],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("finding the number of a WABA"))
}

/// Sets a template's status from a partner event, matched on the number and the template's
/// name (and language, when the event gives one) or its id. Returns how many rows changed.
pub(crate) fn set_template_status(
    c: &Connection,
    number_id: Option<i64>,
    template_id: Option<&str>,
    name: Option<&str>,
    language: Option<&str>,
    status: &str,
    reason: Option<&str>,
) -> Result<usize> {
    c.execute(
        "UPDATE templates SET status = ?5, rejected_reason = ?6 \
         WHERE (?2 IS NOT NULL AND template_id = ?2) \
            OR (?1 IS NOT NULL AND ?3 IS NOT NULL AND number_id = ?1 AND name = ?3 \
                AND (?4 IS NULL OR language = ?4))",
        params![number_id, template_id, name, language, status, reason],
    )
    .map_err(Error::db("updating a template from a partner event"))
}
