//! The inbox store: raw webhook bodies, their processing state, and refused requests.

use axum::body::Bytes;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::events::Topic;
use crate::history::Route;
use crate::service::Core;
use crate::{Error, Result};

fn sha256_hex(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for x in Sha256::digest(b) {
        out.push(HEX[usize::from(x >> 4)] as char);
        out.push(HEX[usize::from(x & 0xf)] as char);
    }
    out
}

/// Refused requests kept (the newest).
pub const REJECTIONS_KEPT: i64 = 1000;

/// A stored body as received: text, or (not UTF-8) the bytes in `body_raw`.
const RAW_BODY: &str = "coalesce(body_raw, CAST(body AS BLOB))";

/// The raw body of a stored event, byte for byte as received.
pub(super) fn body(c: &Connection, id: i64) -> Result<Vec<u8>> {
    c.query_row(
        &format!("SELECT {RAW_BODY} FROM inbox_events WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::db("reading an event"))?
    .ok_or_else(|| Error::NotFound(format!("inbox event {id}")))
}

/// Bodies read per applying transaction (at least one event): one transaction never holds
/// the connection for long, whatever the bodies hold.
pub(super) const APPLY_BYTES: i64 = 256 * 1024;

/// An event waiting to be applied: its id, its size, and how many of its items earlier
/// chunks applied (and the problems they found, as stored).
pub(super) struct Pending {
    pub id: i64,
    pub bytes: i64,
    pub applied_items: usize,
    pub problems: Option<String>,
    /// Stored by the receiver and not yet checked for an earlier copy: its hash (see
    /// [`claim`]).
    pub unchecked: Option<String>,
}

/// Up to `limit` events not applied yet, oldest first, and no more than [`APPLY_BYTES`] of
/// bodies after the first. The bodies are read one by one ([`body`]) as they are applied.
/// Only events up to id `up_to` are read.
pub(super) fn pending(c: &Connection, limit: usize, up_to: i64) -> Result<Vec<Pending>> {
    let mut stmt = c
        .prepare_cached(
            "SELECT id, coalesce(length(body_raw), length(CAST(body AS BLOB))), applied_items, apply_problems, pending_sha256 \
             FROM inbox_events WHERE state = 'pending' AND id <= ?2 ORDER BY id LIMIT ?1",
        )
        .map_err(Error::db("reading pending events"))?;
    let mut rows = stmt
        .query(params![limit as i64, up_to])
        .map_err(Error::db("reading pending events"))?;
    let mut out = Vec::new();
    let mut bytes = 0i64;
    while let Some(r) = rows.next().map_err(Error::db("reading pending events"))? {
        if !out.is_empty() && bytes >= APPLY_BYTES {
            break;
        }
        let p = Pending {
            id: r.get(0).map_err(Error::db("reading pending events"))?,
            bytes: r.get(1).map_err(Error::db("reading pending events"))?,
            applied_items: r
                .get::<_, i64>(2)
                .map_err(Error::db("reading pending events"))?
                .max(0) as usize,
            problems: r.get(3).map_err(Error::db("reading pending events"))?,
            unchecked: r.get(4).map_err(Error::db("reading pending events"))?,
        };
        bytes += p.bytes;
        out.push(p);
    }
    Ok(out)
}

/// The key an event stored by [`Core::persist_unchecked`] has until it is checked: after
/// every hash (`~` sorts after hex digits) and in id order, so storing it writes the end of
/// the unique index only.
fn placeholder_key(id: i64) -> String {
    format!("~{id:020}")
}

/// Checks an event stored unchecked (with hash `sha`) for an earlier copy: gives it its hash
/// and returns false, or, when an event with that hash is stored already, counts it there as
/// a duplicate, deletes this copy and returns true (nothing of it was applied yet).
pub(super) fn claim(c: &Connection, id: i64, sha: &str) -> Result<bool> {
    let claimed = c
        .prepare_cached(
            "UPDATE OR IGNORE inbox_events SET body_sha256 = ?2, pending_sha256 = NULL WHERE id = ?1",
        )
        .and_then(|mut st| st.execute(params![id, sha]))
        .map_err(Error::db("checking a webhook event for an earlier copy"))?;
    if claimed == 1 {
        return Ok(false);
    }
    c.prepare_cached(
        "UPDATE inbox_events SET duplicates = duplicates + 1 + \
         (SELECT duplicates FROM inbox_events WHERE id = ?1) WHERE body_sha256 = ?2",
    )
    .and_then(|mut st| st.execute(params![id, sha]))
    .map_err(Error::db("counting a duplicate webhook event"))?;
    c.prepare_cached("DELETE FROM inbox_events WHERE id = ?1")
        .and_then(|mut st| st.execute([id]))
        .map_err(Error::db("removing a duplicate webhook event"))?;
    Ok(true)
}

/// Whether any event up to id `up_to` waits to be applied.
pub(super) fn any_pending(c: &Connection, up_to: i64) -> Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM inbox_events WHERE state = 'pending' AND id <= ?1)",
    )
    .and_then(|mut st| st.query_row([up_to], |r| r.get(0)))
    .map_err(Error::db("reading pending events"))
}

/// The id of the newest stored event (0 when there is none).
pub(super) fn newest(c: &Connection) -> Result<i64> {
    c.query_row("SELECT coalesce(max(id), 0) FROM inbox_events", [], |r| {
        r.get(0)
    })
    .map_err(Error::db("reading the newest event"))
}

/// How far applying an event got: its items applied so far and the problems found so far.
pub(super) fn progress(c: &Connection, id: i64) -> Result<(usize, Option<String>)> {
    c.query_row(
        "SELECT applied_items, apply_problems FROM inbox_events WHERE id = ?1",
        [id],
        |r| Ok((r.get::<_, i64>(0)?.max(0) as usize, r.get(1)?)),
    )
    .map_err(Error::db("reading how far an event is applied"))
}

/// A chunk of an event was applied: how many of its items are applied so far, and the
/// problems found so far.
pub(super) fn set_progress(
    c: &Connection,
    id: i64,
    applied_items: usize,
    problems: &str,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE inbox_events SET applied_items = ?1, apply_problems = ?2 WHERE id = ?3",
    )
    .and_then(|mut st| st.execute(params![applied_items as i64, problems, id]))
    .map_err(Error::db("recording how far an event is applied"))?;
    Ok(())
}

/// What applying an event found: its state, kinds, note and the number it belongs to.
pub(super) fn set_state(
    c: &Connection,
    id: i64,
    state: InboxState,
    kinds: &str,
    note: &str,
    route: &Route,
) -> Result<()> {
    c.prepare_cached(
        "UPDATE inbox_events SET state = ?1, kinds = ?2, note = ?3, number_id = ?4, phone_number_id = ?5, \
         applied_items = 0, apply_problems = NULL WHERE id = ?6",
    )
    .and_then(|mut st| {
        st.execute(params![state.as_str(), kinds, note, route.number_id, route.phone_number_id, id])
    })
    .map_err(Error::db("recording an event's state"))?;
    Ok(())
}

impl Core {
    /// Stores raw bodies in one transaction; returns each one's event id (a repeated body
    /// returns the first copy's id and counts a duplicate).
    ///
    /// The transaction is durable when this returns (`synchronous=FULL`): the receiver
    /// answers 200 after it, so a power loss must not take it back. A body that is not UTF-8
    /// is kept byte for byte (its hash is of those bytes).
    pub fn persist_events(&self, bodies: &[Bytes], source: &str) -> Result<Vec<i64>> {
        Ok(self
            .store_events(bodies, source)?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    }

    /// [`Core::persist_events`] for the receiver, which answers after it: the bodies are not
    /// looked up among the stored ones (that wrote a random page of the hash index per event,
    /// most of the cost); each is stored under a placeholder key with its hash beside it, and
    /// the applier checks it for an earlier copy before applying it (see [`claim`]), so a
    /// retried delivery is still kept once, counted as a duplicate. Durable when it returns.
    pub(crate) fn persist_unchecked(&self, bodies: &[Bytes]) -> Result<()> {
        let now = crate::util::now();
        self.db.with_tx_durable(|tx| {
            // Ids given here, in the write transaction: the placeholder key is made of it.
            let last: i64 = tx
                .query_row("SELECT coalesce(max(id), 0) FROM inbox_events", [], |r| {
                    r.get(0)
                })
                .map_err(Error::db("storing webhook events"))?;
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO inbox_events (id, received_at, source, body_sha256, pending_sha256, body, body_raw) \
                     VALUES (?1, ?2, 'receiver', ?3, ?4, ?5, ?6)",
                )
                .map_err(Error::db("storing webhook events"))?;
            for (i, b) in bodies.iter().enumerate() {
                let id = last + 1 + i as i64;
                let (text, raw) = match std::str::from_utf8(b) {
                    Ok(t) => (std::borrow::Cow::Borrowed(t), None),
                    Err(_) => (String::from_utf8_lossy(b), Some(&b[..])),
                };
                stmt.execute(params![id, now, placeholder_key(id), sha256_hex(b), text, raw])
                    .map_err(Error::db("storing a webhook event"))?;
            }
            Ok(())
        })?;
        self.emit(&[Topic::Inbox], None);
        Ok(())
    }

    /// [`Core::persist_events`], telling for each body whether this call stored it (true) or
    /// found it stored already: exact even while others store events at the same time.
    pub(crate) fn store_events(&self, bodies: &[Bytes], source: &str) -> Result<Vec<(i64, bool)>> {
        self.store_events_from(bodies, source, None)
    }

    /// [`Core::store_events`], with the relay's sequence number of each body when they come
    /// from its feed (then listed with source `relay`).
    pub(crate) fn store_events_from(
        &self,
        bodies: &[Bytes],
        source: &str,
        relay_seqs: Option<&[i64]>,
    ) -> Result<Vec<(i64, bool)>> {
        let now = crate::util::now();
        let ids = self.db.with_tx_durable(|tx| {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO inbox_events (received_at, source, body_sha256, body, body_raw, relay_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                     ON CONFLICT (body_sha256) DO UPDATE SET duplicates = duplicates + 1 RETURNING id, duplicates",
                )
                .map_err(Error::db("storing webhook events"))?;
            bodies
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let seq = relay_seqs.and_then(|s| s.get(i)).copied();
                    // Text when it is UTF-8; otherwise the bytes as received (`body_raw`), so the
                    // stored hash is that of the stored body.
                    let (text, raw) = match std::str::from_utf8(b) {
                        Ok(t) => (std::borrow::Cow::Borrowed(t), None),
                        Err(_) => (String::from_utf8_lossy(b), Some(&b[..])),
                    };
                    stmt.query_row(params![now, source, sha256_hex(b), text, raw, seq], |r| {
                        Ok((r.get(0)?, r.get::<_, i64>(1)? == 0))
                    })
                    .map_err(Error::db("storing a webhook event"))
                })
                .collect()
        })?;
        self.emit(&[Topic::Inbox], None);
        Ok(ids)
    }

    pub fn list_inbox(&self, filter: &InboxFilter) -> Result<Vec<InboxEventView>> {
        self.db.with_conn(|c| {
            let mut stmt = c
                .prepare(
                    "SELECT id, received_at, CASE WHEN relay_seq IS NOT NULL THEN 'relay' ELSE source END, duplicates, state, number_id, phone_number_id, kinds, note, coalesce(length(body_raw), length(CAST(body AS BLOB))) \
                     FROM inbox_events WHERE (?1 IS NULL OR number_id = ?1) AND (?2 IS NULL OR instr(',' || kinds || ',', ',' || ?2 || ',') > 0) \
                     AND (?3 IS NULL OR state = ?3) AND (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT ?5",
                )
                .map_err(Error::db("listing inbox events"))?;
            let rows = stmt
                .query_map(
                    params![filter.number_id, filter.kind, filter.state, filter.before_id, filter.limit.unwrap_or(200)],
                    |r| {
                        Ok(InboxEventView {
                            id: r.get(0)?,
                            received_at: r.get(1)?,
                            source: InboxSource::parse(&r.get::<_, String>(2)?)
                                .unwrap_or(InboxSource::Import),
                            duplicates: r.get(3)?,
                            state: r.get(4)?,
                            number_id: r.get(5)?,
                            phone_number_id: r.get(6)?,
                            kinds: r.get(7)?,
                            note: r.get(8)?,
                            bytes: r.get(9)?,
                            body: None,
                        })
                    },
                )
                .map_err(Error::db("listing inbox events"))?;
            rows.collect::<std::result::Result<_, _>>().map_err(Error::db("listing inbox events"))
        })
    }

    /// One event with its raw body.
    pub fn inbox_event(&self, id: i64) -> Result<InboxEventView> {
        let mut list = self.list_inbox(&InboxFilter {
            before_id: Some(id + 1),
            limit: Some(1),
            ..Default::default()
        })?;
        let mut ev = list
            .pop()
            .filter(|e| e.id == id)
            .ok_or_else(|| Error::NotFound(format!("inbox event {id}")))?;
        ev.body = Some(String::from_utf8_lossy(&self.db.with_conn(|c| body(c, id))?).into_owned());
        Ok(ev)
    }

    /// Requests the receiver refused (missing or wrong shared secret), newest first.
    pub fn list_rejections(&self, limit: u32) -> Result<Vec<Rejection>> {
        self.db.with_conn(|c| {
            let mut stmt = c
                .prepare("SELECT id, received_at, reason, bytes FROM inbox_rejections ORDER BY id DESC LIMIT ?1")
                .map_err(Error::db("listing rejections"))?;
            let rows = stmt
                .query_map([limit], |r| Ok(Rejection { id: r.get(0)?, received_at: r.get(1)?, reason: r.get(2)?, bytes: r.get(3)? }))
                .map_err(Error::db("listing rejections"))?;
            rows.collect::<std::result::Result<_, _>>().map_err(Error::db("listing rejections"))
        })
    }

    /// Records refused requests, keeping the newest [`REJECTIONS_KEPT`].
    pub(crate) fn record_rejections(&self, batch: &[(String, usize)]) {
        let now = crate::util::now();
        let r = self.db.with_tx(|tx| {
            for (reason, bytes) in batch {
                tx.execute(
                    "INSERT INTO inbox_rejections (received_at, reason, bytes) VALUES (?1, ?2, ?3)",
                    params![now, reason, *bytes as i64],
                )
                .map_err(Error::db("recording a rejection"))?;
            }
            tx.execute(
                "DELETE FROM inbox_rejections WHERE id <= (SELECT max(id) FROM inbox_rejections) - ?1",
                [REJECTIONS_KEPT],
            )
            .map_err(Error::db("pruning rejections"))
        });
        match r {
            Ok(_) => self.emit(&[Topic::Inbox], None),
            Err(e) => tracing::warn!(error = %e, "could not record a rejected webhook"),
        }
    }
}

/// A request the receiver refused.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Rejection {
    #[ts(type = "number")]
    pub id: i64,
    pub received_at: String,
    pub reason: String,
    #[ts(type = "number")]
    pub bytes: i64,
}

/// Whether the app's receiver runs, and where.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InboxStatus {
    pub running: bool,
    pub url: Option<String>,
    /// It runs without a shared secret (on loopback only): anything that reaches it may post.
    pub unauthenticated: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub total: u32,
    pub new: u32,
    pub duplicates: u32,
}

/// Where a stored webhook event stands, as stored in `inbox_events.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InboxState {
    /// Stored, not yet applied to history.
    Pending,
    /// Applied to history.
    Applied,
    /// For none of the app's numbers.
    UnknownNumber,
    /// Not JSON.
    Malformed,
    /// JSON, but no statuses, messages or errors the app reads.
    Unsupported,
}

impl InboxState {
    pub const ALL: [InboxState; 5] = [
        InboxState::Pending,
        InboxState::Applied,
        InboxState::UnknownNumber,
        InboxState::Malformed,
        InboxState::Unsupported,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Pending => "pending",
            InboxState::Applied => "applied",
            InboxState::UnknownNumber => "unknown_number",
            InboxState::Malformed => "malformed",
            InboxState::Unsupported => "unsupported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        InboxState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxState::Pending => "Pending",
            InboxState::Applied => "Applied",
            InboxState::UnknownNumber => "Unknown number",
            InboxState::Malformed => "Malformed",
            InboxState::Unsupported => "Unsupported",
        }
    }
}

/// Where a stored webhook event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InboxSource {
    /// This computer's own receiver.
    Receiver,
    /// A file or the command line (`wabadesk inbox import`).
    Import,
    /// The team relay's feed (stored as `import` with its `relay_seq`).
    Relay,
}

impl InboxSource {
    pub const ALL: [InboxSource; 3] = [
        InboxSource::Receiver,
        InboxSource::Import,
        InboxSource::Relay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxSource::Receiver => "receiver",
            InboxSource::Import => "import",
            InboxSource::Relay => "relay",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        InboxSource::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxSource::Receiver => "This computer's receiver",
            InboxSource::Import => "Imported",
            InboxSource::Relay => "Team relay",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct InboxFilter {
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    /// `status`, `message` or `error`.
    pub kind: Option<String>,
    pub state: Option<String>,
    /// Page backwards from this id (exclusive).
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InboxEventView {
    #[ts(type = "number")]
    pub id: i64,
    pub received_at: String,
    pub source: InboxSource,
    #[ts(type = "number")]
    pub duplicates: i64,
    /// pending, applied, unknown_number, malformed, unsupported
    pub state: String,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub phone_number_id: Option<String>,
    pub kinds: String,
    pub note: String,
    #[ts(type = "number")]
    pub bytes: i64,
    /// The raw body, in single-event views only.
    pub body: Option<String>,
}
