//! All SQL of the onboarding feature: `onboarding_state`, and the two reads the checklist makes
//! of other features' tables (a delivered message in `messages`, an event in `inbox_events`).

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Error, Result};

/// What the checklist last learnt of a number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct State {
    pub profile_complete: Option<bool>,
    pub profile_missing: String,
    pub profile_checked_at: Option<String>,
    pub components_set: Option<bool>,
    pub components_checked_at: Option<String>,
    pub endpoint_test_ok: Option<bool>,
    pub endpoint_test_url: Option<String>,
    pub endpoint_tested_at: Option<String>,
}

fn ensure_row(c: &Connection, number_id: i64) -> Result<()> {
    c.execute(
        "INSERT OR IGNORE INTO onboarding_state (number_id) VALUES (?1)",
        [number_id],
    )
    .map_err(Error::db("writing the onboarding state"))?;
    Ok(())
}

/// Returns whether the state changed (a read that learnt nothing new is not a change).
pub(crate) fn set_profile_state(
    c: &Connection,
    number_id: i64,
    complete: bool,
    missing: &str,
) -> Result<bool> {
    let before = state(c, number_id)?;
    if before.profile_complete == Some(complete) && before.profile_missing == missing {
        return Ok(false);
    }
    ensure_row(c, number_id)?;
    c.execute(
        "UPDATE onboarding_state SET profile_complete = ?2, profile_missing = ?3, profile_checked_at = ?4 WHERE number_id = ?1",
        params![number_id, complete, missing, crate::util::now()],
    )
    .map_err(Error::db("writing the onboarding state"))?;
    Ok(true)
}

/// Returns whether the state changed.
pub(crate) fn set_components_state(c: &Connection, number_id: i64, set: bool) -> Result<bool> {
    if state(c, number_id)?.components_set == Some(set) {
        return Ok(false);
    }
    ensure_row(c, number_id)?;
    c.execute(
        "UPDATE onboarding_state SET components_set = ?2, components_checked_at = ?3 WHERE number_id = ?1",
        params![number_id, set, crate::util::now()],
    )
    .map_err(Error::db("writing the onboarding state"))?;
    Ok(true)
}

pub(crate) fn set_endpoint_test(c: &Connection, number_id: i64, ok: bool, url: &str) -> Result<()> {
    ensure_row(c, number_id)?;
    c.execute(
        "UPDATE onboarding_state SET endpoint_test_ok = ?2, endpoint_test_url = ?3, endpoint_tested_at = ?4 WHERE number_id = ?1",
        params![number_id, ok, url, crate::util::now()],
    )
    .map_err(Error::db("writing the onboarding state"))?;
    Ok(())
}

pub(crate) fn state(c: &Connection, number_id: i64) -> Result<State> {
    c.query_row(
        "SELECT profile_complete, profile_missing, profile_checked_at, components_set, components_checked_at, \
         endpoint_test_ok, endpoint_test_url, endpoint_tested_at FROM onboarding_state WHERE number_id = ?1",
        [number_id],
        |r| {
            Ok(State {
                profile_complete: r.get(0)?,
                profile_missing: r.get(1)?,
                profile_checked_at: r.get(2)?,
                components_set: r.get(3)?,
                components_checked_at: r.get(4)?,
                endpoint_test_ok: r.get(5)?,
                endpoint_test_url: r.get(6)?,
                endpoint_tested_at: r.get(7)?,
            })
        },
    )
    .optional()
    .map_err(Error::db("reading the onboarding state"))
    .map(Option::unwrap_or_default)
}

/// When the number's newest message that reached its recipient (delivered, read or played)
/// was sent, if any.
pub(crate) fn delivered_message_at(c: &Connection, number_id: i64) -> Result<Option<String>> {
    c.query_row(
        "SELECT max(created_at) FROM messages WHERE number_id = ?1 AND direction = 'out' \
         AND status IN ('delivered', 'read', 'played')",
        [number_id],
        |r| r.get(0),
    )
    .map_err(Error::db("reading delivered messages"))
}

/// When the inbox last stored an event for the number (360dialog reached its webhook).
pub(crate) fn last_event_at(c: &Connection, number_id: i64) -> Result<Option<String>> {
    c.query_row(
        "SELECT max(received_at) FROM inbox_events WHERE number_id = ?1",
        [number_id],
        |r| r.get(0),
    )
    .map_err(Error::db("reading the inbox"))
}
