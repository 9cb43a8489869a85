//! The `numbers` table: every SQL statement that reads or writes it lives here (numbers, their
//! key state and health, the webhook URL last known, and routing an event to its number).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{KeyState, NumberView};
use crate::api::Environment;
use crate::{Error, Result};

const NUMBER_COLUMNS: &str = "id, phone, label, environment, base_url, notes, key_state, \
    key_hint, key_fingerprint, key_set_at, key_verified_at, phone_number_id, waba_id, \
    health_json, health_checked_at, created_at, updated_at";

/// The base URL of an environment, as the core's settings say now.
pub(crate) type BaseUrlOf<'a> = dyn Fn(Environment) -> String + 'a;

fn view(r: &Row<'_>, base_url_of: &BaseUrlOf<'_>) -> rusqlite::Result<NumberView> {
    let environment = Environment::parse(&r.get::<_, String>(3)?);
    let base_url_override: Option<String> = r.get(4)?;
    let health_json: Option<String> = r.get(13)?;
    Ok(NumberView {
        id: r.get(0)?,
        phone: r.get(1)?,
        label: r.get(2)?,
        environment,
        base_url: base_url_override
            .clone()
            .unwrap_or_else(|| base_url_of(environment)),
        base_url_override,
        notes: r.get(5)?,
        key_state: KeyState::parse(&r.get::<_, String>(6)?),
        key_hint: r.get(7)?,
        key_fingerprint: r.get(8)?,
        key_set_at: r.get(9)?,
        key_verified_at: r.get(10)?,
        phone_number_id: r.get(11)?,
        waba_id: r.get(12)?,
        health: health_json.and_then(|j| serde_json::from_str(&j).ok()),
        health_checked_at: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
    })
}

pub(crate) fn list(c: &Connection, base_url_of: &BaseUrlOf<'_>) -> Result<Vec<NumberView>> {
    let mut stmt = c
        .prepare(&format!(
            "SELECT {NUMBER_COLUMNS} FROM numbers ORDER BY label"
        ))
        .map_err(Error::db("listing numbers"))?;
    let rows = stmt
        .query_map([], |r| view(r, base_url_of))
        .map_err(Error::db("listing numbers"))?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::db("reading numbers"))
}

/// Every number's label and phone, by id (what exports show instead of the id).
pub(crate) fn labels(c: &Connection) -> Result<std::collections::BTreeMap<i64, (String, String)>> {
    let mut stmt = c
        .prepare("SELECT id, label, phone FROM numbers")
        .map_err(Error::db("listing numbers"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .map_err(Error::db("listing numbers"))?;
    rows.collect::<std::result::Result<_, _>>()
        .map_err(Error::db("reading numbers"))
}

pub(crate) fn get(
    c: &Connection,
    id: i64,
    base_url_of: &BaseUrlOf<'_>,
) -> Result<Option<NumberView>> {
    c.query_row(
        &format!("SELECT {NUMBER_COLUMNS} FROM numbers WHERE id = ?1"),
        [id],
        |r| view(r, base_url_of),
    )
    .optional()
    .map_err(Error::db("reading a number"))
}

/// The number with this phone, else the one with this label.
pub(crate) fn find(c: &Connection, phone: Option<&str>, label: &str) -> Result<Option<i64>> {
    c.query_row(
        "SELECT id FROM numbers WHERE phone = ?1 OR label = ?2 ORDER BY phone = ?1 DESC LIMIT 1",
        params![phone, label],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("finding a number"))
}

/// `phone` or `label`: what another number already has, if anything.
pub(crate) fn taken_by(c: &Connection, phone: &str, label: &str) -> Result<Option<String>> {
    c.query_row(
        "SELECT CASE WHEN phone = ?1 THEN 'phone' ELSE 'label' END FROM numbers \
         WHERE phone = ?1 OR label = ?2",
        params![phone, label],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("checking for duplicates"))
}

/// Whether a number other than `id` has `label`.
pub(crate) fn label_taken(c: &Connection, label: &str, id: i64) -> Result<bool> {
    let taken: Option<i64> = c
        .query_row(
            "SELECT id FROM numbers WHERE label = ?1 AND id <> ?2",
            params![label, id],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("checking the label"))?;
    Ok(taken.is_some())
}

pub(crate) fn insert(
    c: &Connection,
    phone: &str,
    label: &str,
    environment: Environment,
    base_url: Option<&str>,
    notes: &str,
    now: &str,
) -> Result<i64> {
    c.execute(
        "INSERT INTO numbers (phone, label, environment, base_url, notes, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![phone, label, environment.as_str(), base_url, notes, now],
    )
    .map_err(Error::db("adding a number"))?;
    Ok(c.last_insert_rowid())
}

pub(crate) fn update(
    c: &Connection,
    id: i64,
    label: &str,
    environment: Environment,
    base_url: Option<&str>,
    notes: &str,
    now: &str,
) -> Result<()> {
    c.execute(
        "UPDATE numbers SET label = ?1, environment = ?2, base_url = ?3, notes = ?4, updated_at = ?5 WHERE id = ?6",
        params![label, environment.as_str(), base_url, notes, now, id],
    )
    .map_err(Error::db("updating a number"))?;
    Ok(())
}

pub(crate) fn delete(c: &Connection, id: i64) -> Result<()> {
    c.execute("DELETE FROM numbers WHERE id = ?1", [id])
        .map_err(Error::db("removing a number"))?;
    Ok(())
}

/// Marks the key superseded unless it already is or there is none. Whether it changed.
pub(crate) fn mark_superseded(c: &Connection, id: i64, now: &str) -> Result<bool> {
    let changed = c
        .execute(
            "UPDATE numbers SET key_state = 'superseded', updated_at = ?1 \
             WHERE id = ?2 AND key_state <> 'superseded' AND key_state <> 'none'",
            params![now, id],
        )
        .map_err(Error::db("marking a key superseded"))?;
    Ok(changed > 0)
}

pub(crate) fn key_fingerprint(c: &Connection, id: i64) -> Result<Option<String>> {
    c.query_row(
        "SELECT key_fingerprint FROM numbers WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .map_err(Error::db("reading the key fingerprint"))
}

pub(crate) fn key_state(c: &Connection, id: i64) -> Result<KeyState> {
    let s: String = c
        .query_row("SELECT key_state FROM numbers WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .map_err(Error::db("reading the key state"))?;
    Ok(KeyState::parse(&s))
}

/// The health answer and the ids it told (kept when it told none).
pub(crate) fn set_health(
    c: &Connection,
    id: i64,
    health_json: &str,
    now: &str,
    phone_number_id: Option<&str>,
    waba_id: Option<&str>,
) -> Result<usize> {
    c.execute(
        "UPDATE numbers SET health_json = ?1, health_checked_at = ?2, \
         phone_number_id = COALESCE(?3, phone_number_id), waba_id = COALESCE(?4, waba_id) \
         WHERE id = ?5",
        params![health_json, now, phone_number_id, waba_id, id],
    )
    .map_err(Error::db("storing health"))
}

/// A new key's state, hint and fingerprint (the key itself is in the keyring).
pub(crate) fn set_key(
    c: &Connection,
    id: i64,
    state: KeyState,
    hint: &str,
    fingerprint: &str,
    now: &str,
    verified: bool,
) -> Result<()> {
    c.execute(
        "UPDATE numbers SET key_state = ?1, key_hint = ?2, key_fingerprint = ?3, key_set_at = ?4, \
         key_verified_at = CASE WHEN ?5 THEN ?4 ELSE NULL END, updated_at = ?4 WHERE id = ?6",
        params![state.as_str(), hint, fingerprint, now, verified, id],
    )
    .map_err(Error::db("recording the new key"))?;
    Ok(())
}

pub(crate) fn mark_verified(c: &Connection, id: i64, now: &str) -> Result<()> {
    c.execute(
        "UPDATE numbers SET key_state = 'verified', key_verified_at = ?1 WHERE id = ?2",
        params![now, id],
    )
    .map_err(Error::db("recording verification"))?;
    Ok(())
}

pub(crate) fn clear_key(c: &Connection, id: i64, now: &str) -> Result<()> {
    c.execute(
        "UPDATE numbers SET key_state = 'none', key_hint = NULL, key_fingerprint = NULL, \
         key_set_at = NULL, key_verified_at = NULL, updated_at = ?1 WHERE id = ?2",
        params![now, id],
    )
    .map_err(Error::db("removing a key"))?;
    Ok(())
}

/// The number an event belongs to: by phone-number id, else by display phone.
pub(crate) fn route(
    c: &Connection,
    phone_number_id: Option<&str>,
    phone: Option<&str>,
) -> Result<Option<i64>> {
    c.prepare_cached(
        "SELECT id FROM numbers WHERE (?1 IS NOT NULL AND phone_number_id = ?1) OR (?2 IS NOT NULL AND phone = ?2) \
         ORDER BY phone_number_id = ?1 DESC LIMIT 1",
    )
    .and_then(|mut st| {
        st.query_row(params![phone_number_id, phone], |r| r.get(0))
            .optional()
    })
    .map_err(Error::db("routing an event"))
}

/// The webhook URL WABA Desk last set or accepted, and when it last read it.
pub(crate) fn webhook_known(c: &Connection, id: i64) -> Result<(Option<String>, Option<String>)> {
    c.query_row(
        "SELECT webhook_url_known, webhook_checked_at FROM numbers WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(Error::db("reading the webhook state"))
}

/// Labels of the other numbers whose known webhook is `url`.
pub(crate) fn labels_with_webhook(c: &Connection, url: &str, id: i64) -> Result<Vec<String>> {
    let mut stmt = c
        .prepare(
            "SELECT label FROM numbers WHERE webhook_url_known = ?1 AND id <> ?2 ORDER BY label",
        )
        .map_err(Error::db("checking shared webhooks"))?;
    let rows = stmt
        .query_map(params![url, id], |r| r.get(0))
        .map_err(Error::db("checking shared webhooks"))?;
    rows.collect::<std::result::Result<Vec<String>, _>>()
        .map_err(Error::db("checking shared webhooks"))
}

pub(crate) fn set_webhook_known(c: &Connection, id: i64, url: Option<&str>) -> Result<()> {
    c.execute(
        "UPDATE numbers SET webhook_url_known = ?1 WHERE id = ?2",
        params![url, id],
    )
    .map_err(Error::db("remembering the webhook"))?;
    Ok(())
}

pub(crate) fn set_webhook_checked(c: &Connection, id: i64, now: &str) -> Result<()> {
    c.execute(
        "UPDATE numbers SET webhook_checked_at = ?1 WHERE id = ?2",
        params![now, id],
    )
    .map_err(Error::db("remembering the webhook"))?;
    Ok(())
}

/// The webhook headers WABA Desk last set or accepted (JSON; the shared secret's value is
/// never in it).
pub(crate) fn webhook_headers_known(c: &Connection, id: i64) -> Result<Option<String>> {
    c.query_row(
        "SELECT webhook_headers_known FROM numbers WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .map_err(Error::db("reading the webhook state"))
}

pub(crate) fn set_webhook_headers_known(c: &Connection, id: i64, json: Option<&str>) -> Result<()> {
    c.execute(
        "UPDATE numbers SET webhook_headers_known = ?1 WHERE id = ?2",
        params![json, id],
    )
    .map_err(Error::db("remembering the webhook"))?;
    Ok(())
}
