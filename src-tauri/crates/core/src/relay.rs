//! The team relay, from the desktop's side: its URL and access token (verified first; the
//! token in the keyring), and filling the local history from its feed — pull by cursor, then
//! the live stream — through the inbox's own store-and-apply path (each body stored once by
//! its hash, then applied to history). Offline, the local copy keeps working; the next sync
//! catches up from the stored cursor.
//!
//! Sends made here are reported to the relay (`POST /v1/sends`), so colleagues see them in
//! History: the transaction that records a send queues it in `relay_outbox`, and it is reported
//! at once when the relay answers, else on the next (re)connect; the relay serves it in the same
//! feed, and the other desktops record it as an outbound message with the sender's name.

use std::time::Duration;

use axum::body::Bytes;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::events::Topic;
use crate::secrets::accounts::relay_token_account;
use crate::sensitive::Sensitive;
use crate::service::Core;
use crate::{Error, Result};

/// Events asked for per pull.
pub const PULL_PAGE: usize = 5000;
/// Pulls one sync makes at most (then it returns; the next one goes on from the cursor).
const MAX_PULLS: usize = 10_000;
/// One pull's time limit.
const PULL_TIMEOUT: Duration = Duration::from_secs(60);
/// The stored source of relay events: `import` (the stored `source` is a closed list,
/// `receiver` or `import`); their `relay_seq` makes the inbox list them as
/// [`crate::inbox::InboxSource::Relay`].
pub const RELAY_SOURCE: &str = "import";
/// Sends read from the outbox per round of reporting.
const REPORT_BATCH: usize = 100;

/// The subscription as the Settings page shows it.
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct RelayStatus {
    pub connected: bool,
    pub url: Option<String>,
    /// The token's name, as the relay knows it.
    pub token_name: Option<String>,
    /// The last relay event stored here.
    #[ts(type = "number")]
    pub cursor: i64,
    pub last_sync_at: Option<String>,
    /// The last failure, in plain words.
    pub last_error: Option<String>,
    /// What kind of failure that is (what Settings offers to do about it).
    pub problem: Option<RelayProblem>,
    /// The raw text behind the failure (the library's or the relay's own words).
    pub problem_details: Option<String>,
    /// When the app tries to reach the relay again, while it is away.
    pub next_retry_at: Option<String>,
}

use crate::relay_health::RelayHealth;
pub use crate::relay_health::RelayProblem;

/// A failed exchange with the relay: its kind, the plain words, the raw text.
#[derive(Debug)]
struct Fault {
    problem: RelayProblem,
    message: String,
    raw: String,
}

impl Fault {
    fn unreachable(url: &str, e: &reqwest::Error) -> Self {
        let mut raw = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            raw.push_str(": ");
            raw.push_str(&s.to_string());
            source = s.source();
        }
        Fault {
            problem: RelayProblem::Unreachable,
            message: format!("the team relay at {url} cannot be reached"),
            raw,
        }
    }

    /// A non-success answer from the relay.
    async fn answered(what: &str, resp: reqwest::Response) -> Self {
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        let raw = format!(
            "{what}: HTTP {status} {}",
            body.chars().take(500).collect::<String>()
        );
        if status == reqwest::StatusCode::UNAUTHORIZED {
            Fault {
                problem: RelayProblem::TokenRejected,
                message: "the relay no longer accepts this computer's token (revoked or unknown): ask whoever runs the relay for a new one".into(),
                raw,
            }
        } else if status.is_server_error() {
            Fault {
                problem: RelayProblem::Unreachable,
                message: "the team relay is not available right now".into(),
                raw,
            }
        } else {
            Fault {
                problem: RelayProblem::Failed,
                message: format!("the team relay answered {status}"),
                raw,
            }
        }
    }

    fn failed(message: &str, e: impl std::fmt::Display) -> Self {
        Fault {
            problem: RelayProblem::Failed,
            message: message.to_string(),
            raw: e.to_string(),
        }
    }
}

/// What one sync fetched.
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct RelaySync {
    /// Sends made here that this sync reported to the relay.
    pub reported: u32,
    pub fetched: u32,
    /// Events not stored here before.
    pub new: u32,
    #[ts(type = "number")]
    pub cursor: i64,
}

#[derive(Deserialize)]
struct Page {
    events: Vec<FeedEvent>,
    next: i64,
}

#[derive(Deserialize)]
struct FeedEvent {
    seq: i64,
    /// `webhook`, or `desktop` for a send a desktop reported.
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_base64: Option<String>,
}

impl FeedEvent {
    fn bytes(self) -> Result<Bytes> {
        match (self.body, self.body_base64) {
            (Some(b), _) => Ok(Bytes::from(b)),
            (None, Some(b64)) => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map(Bytes::from)
                    .map_err(|e| Error::Internal(format!("relay event {}: {e}", self.seq)))
            }
            (None, None) => Err(Error::Internal(format!(
                "relay event {} has no body",
                self.seq
            ))),
        }
    }
}

/// The relay's base URL, checked: http(s), no query; the trailing slash dropped.
fn relay_url(url: &str) -> Result<String> {
    let bad = |m: &str| Error::InvalidField {
        field: "url",
        message: m.to_string(),
    };
    let parsed = url::Url::parse(url.trim())
        .map_err(|_| bad("enter the relay's address, e.g. https://relay.example.com"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad(
            "the relay's address starts with https:// (or http:// on this computer)",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("the relay's address has no ? or # part"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

fn unreachable(url: &str) -> Error {
    Error::InvalidField {
        field: "url",
        message: format!(
            "nothing answers at {url}: check the address, and that the relay is running"
        ),
    }
}

impl From<Fault> for Error {
    fn from(f: Fault) -> Self {
        Error::Validation(f.message)
    }
}

struct Subscription {
    url: String,
    token: Sensitive<String>,
    cursor: i64,
}

impl Core {
    fn subscription(&self) -> Result<Option<Subscription>> {
        let row = self.db.with_conn(|c| {
            c.query_row(
                "SELECT url, cursor FROM relay_subscription WHERE id = 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()
            .map_err(Error::db("reading the relay subscription"))
        })?;
        let Some((url, cursor)) = row else {
            return Ok(None);
        };
        let Some(token) = self.secrets.get(&relay_token_account())? else {
            return Ok(None);
        };
        Ok(Some(Subscription { url, token, cursor }))
    }

    /// A subscription exists (the database row only; no keyring read).
    fn subscribed(&self) -> Result<bool> {
        self.db.with_conn(|c| {
            c.query_row("SELECT count(*) FROM relay_subscription", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(Error::db("reading the relay subscription"))
        })
    }

    /// The relay this profile subscribes to, if any.
    pub fn relay_status(&self) -> Result<RelayStatus> {
        let row = self.db.with_conn(|c| {
            c.query_row(
                "SELECT url, token_name, cursor, last_sync_at, last_error FROM relay_subscription WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(Error::db("reading the relay subscription"))
        })?;
        Ok(match row {
            None => RelayStatus {
                connected: false,
                url: None,
                token_name: None,
                cursor: 0,
                last_sync_at: None,
                last_error: None,
                problem: None,
                problem_details: None,
                next_retry_at: None,
            },
            Some((url, name, cursor, last_sync_at, last_error)) => {
                let health = self.health().clone();
                let last_error: Option<String> = last_error;
                RelayStatus {
                    connected: self.secrets.get(&relay_token_account())?.is_some(),
                    url: Some(url),
                    token_name: Some(name),
                    cursor,
                    last_sync_at,
                    // A failure recorded before this app started: its kind is not known yet.
                    problem: health
                        .problem
                        .or(last_error.as_ref().map(|_| RelayProblem::Failed)),
                    problem_details: health.details,
                    next_retry_at: health.next_retry_at,
                    last_error,
                }
            }
        })
    }

    fn health(&self) -> std::sync::MutexGuard<'_, RelayHealth> {
        self.relay_health.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Subscribes to a relay: the token is verified with the relay first, then kept in the
    /// keyring. The cursor starts over unless it is the same relay.
    pub async fn connect_relay(&self, url: &str, token: &str) -> Result<RelayStatus> {
        let url = relay_url(url)?;
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::InvalidField {
                field: "token",
                message: "paste the access token `wabadesk-relay token create` printed".into(),
            });
        }
        let resp = self
            .http
            .get(format!("{url}/v1/me"))
            .bearer_auth(token)
            .timeout(PULL_TIMEOUT)
            .send()
            .await
            .map_err(|e| {
                tracing::info!(error = %Fault::unreachable(&url, &e).raw, "verifying the relay token");
                unreachable(&url)
            })?;
        if resp.status() == reqwest::StatusCode::UNAUTHORIZED {
            return Err(Error::InvalidField {
                field: "token",
                message: "the relay does not accept this token (unknown or revoked)".into(),
            });
        }
        if !resp.status().is_success() {
            return Err(Error::InvalidField {
                field: "url",
                message: format!("the relay answered {}", resp.status()),
            });
        }
        #[derive(Deserialize)]
        struct Me {
            name: String,
        }
        let me: Me = resp.json().await.map_err(|e| Error::InvalidField {
            field: "url",
            message: format!("this address does not answer as a WABA Desk relay: {e}"),
        })?;
        self.secrets
            .set(&relay_token_account(), &Sensitive::new(token.to_string()))?;
        let now = crate::util::now();
        self.write(&[Topic::Inbox], None, |tx| {
            tx.execute(
                "INSERT INTO relay_subscription (id, url, token_name, cursor, connected_at) VALUES (1, ?1, ?2, 0, ?3) \
                 ON CONFLICT (id) DO UPDATE SET cursor = CASE WHEN url = excluded.url THEN cursor ELSE 0 END, \
                 url = excluded.url, token_name = excluded.token_name, connected_at = excluded.connected_at, last_error = NULL",
                params![url, me.name, now],
            )
            .map_err(Error::db("saving the relay subscription"))?;
            Ok(())
        })?;
        *self.health() = RelayHealth::default();
        // A follower waiting to try again goes on at once, with this token.
        self.relay_wake.notify_waiters();
        self.relay_status()
    }

    /// Ends the subscription: the token leaves the keyring; the history stays.
    pub fn disconnect_relay(&self) -> Result<RelayStatus> {
        self.secrets.delete(&relay_token_account())?;
        self.write(&[Topic::Inbox], None, |tx| {
            tx.execute("DELETE FROM relay_subscription", [])
                .map_err(Error::db("removing the relay subscription"))?;
            Ok(())
        })?;
        *self.health() = RelayHealth::default();
        self.relay_wake.notify_waiters();
        self.relay_status()
    }

    /// Records how the last exchange with the relay went (and emits the change).
    fn relay_note(&self, fault: Option<&Fault>) -> Result<()> {
        *self.health() = match fault {
            None => RelayHealth::default(),
            Some(f) => RelayHealth {
                problem: Some(f.problem),
                details: Some(f.raw.clone()),
                next_retry_at: None,
            },
        };
        let error = fault.map(|f| f.message.as_str());
        let now = crate::util::now();
        self.write(&[Topic::Inbox], None, |tx| {
            tx.execute(
                "UPDATE relay_subscription SET last_error = ?1, last_sync_at = CASE WHEN ?1 IS NULL THEN ?2 ELSE last_sync_at END WHERE id = 1",
                params![error, now],
            )
            .map_err(Error::db("recording the relay sync"))?;
            Ok(())
        })
    }

    /// Stores a run of relay events (each body once, by its hash), applies them to history,
    /// then moves the cursor. A crash in between fetches them again next time, and they are
    /// found stored already. Sends colleagues reported go to history directly (by wamid, once).
    fn store_relay_events(&self, events: Vec<FeedEvent>, cursor: i64) -> Result<u32> {
        let mut bodies = Vec::with_capacity(events.len());
        let mut seqs = Vec::with_capacity(events.len());
        let mut sends = Vec::new();
        for e in events {
            let seq = e.seq;
            let desktop = e.source.as_deref() == Some("desktop");
            let body = e.bytes()?;
            if desktop {
                sends.push((seq, body));
            } else {
                bodies.push(body);
                seqs.push(seq);
            }
        }
        let stored = self.store_events_from(&bodies, RELAY_SOURCE, Some(&seqs))?;
        self.process_pending()?;
        let mut new = stored.iter().filter(|(_, new)| *new).count() as u32;
        // This desktop's name at the relay: its own sends come back in the feed.
        let own: String = self.db.with_conn(|c| {
            c.query_row(
                "SELECT token_name FROM relay_subscription WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(Error::db("reading the relay subscription"))
        })?;
        self.write(&[Topic::Inbox, Topic::Messages], None, |tx| {
            for (seq, body) in &sends {
                match serde_json::from_slice::<SendEnvelope>(body) {
                    Ok(env) if env.wabadesk_send.sender != own => {
                        let s = &env.wabadesk_send.send;
                        let number_id = crate::numbers::store::route(
                            tx,
                            s.phone_number_id.as_deref(),
                            s.phone.as_deref(),
                        )?;
                        let created = crate::history::record_reported_send(
                            tx,
                            &crate::history::ReportedSend {
                                number_id,
                                phone_number_id: s.phone_number_id.as_deref(),
                                wamid: &s.wamid,
                                contact: &s.contact,
                                kind: &s.kind,
                                template_name: s.template_name.as_deref(),
                                template_language: s.template_language.as_deref(),
                                body: s.body.as_deref(),
                                sent_at: &s.sent_at,
                                sender: &env.wabadesk_send.sender,
                            },
                        )?;
                        new += u32::from(created);
                    }
                    // This desktop's own send, back from the feed: recorded already.
                    Ok(_) => {}
                    Err(e) => tracing::warn!(seq, error = %e, "a reported send from the relay could not be read; skipped"),
                }
            }
            tx.execute(
                "UPDATE relay_subscription SET cursor = max(cursor, ?1) WHERE id = 1",
                [cursor],
            )
            .map_err(Error::db("moving the relay cursor"))?;
            Ok(())
        })?;
        Ok(new)
    }

    /// Reports the sends queued in the outbox to the relay, oldest first; each leaves the
    /// outbox once the relay has committed it (the relay keeps one per wamid, so a report
    /// repeated after a lost answer is harmless). Stops at the first failure (the rest wait for
    /// the next try). Returns how many were reported.
    pub async fn report_sends(&self) -> Result<u32> {
        let Some(sub) = self.subscription()? else {
            return Ok(0);
        };
        let mut reported = 0;
        loop {
            let queued = self.db.with_conn(|c| {
                let mut st = c
                    .prepare_cached(
                        "SELECT o.message_id, m.wamid, m.phone_number_id, n.phone, m.contact, m.type, m.template_name, \
                         m.template_language, m.body, m.created_at FROM relay_outbox o JOIN messages m ON m.id = o.message_id \
                         LEFT JOIN numbers n ON n.id = m.number_id WHERE m.wamid IS NOT NULL ORDER BY o.message_id LIMIT ?1",
                    )
                    .map_err(Error::db("reading the sends to report"))?;
                let rows = st
                    .query_map([REPORT_BATCH as i64], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            SendReport {
                                wamid: r.get(1)?,
                                phone_number_id: r.get(2)?,
                                phone: r.get(3)?,
                                contact: r.get(4)?,
                                kind: r.get(5)?,
                                template_name: r.get(6)?,
                                template_language: r.get(7)?,
                                body: r.get(8)?,
                                sent_at: r.get(9)?,
                            },
                        ))
                    })
                    .map_err(Error::db("reading the sends to report"))?;
                rows.collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(Error::db("reading the sends to report"))
            })?;
            if queued.is_empty() {
                return Ok(reported);
            }
            for (message_id, report) in queued {
                let outcome = match self
                    .http
                    .post(format!("{}/v1/sends", sub.url))
                    .bearer_auth(sub.token.expose())
                    .json(&report)
                    .timeout(PULL_TIMEOUT)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => Ok(true),
                    // The relay will never take this one (not a send it can read): it leaves
                    // the outbox rather than block the ones after it.
                    Ok(r) if r.status() == reqwest::StatusCode::UNPROCESSABLE_ENTITY => {
                        let why = r.text().await.unwrap_or_default();
                        tracing::warn!(wamid = %report.wamid, %why, "the relay refused a send report; not reported");
                        Ok(false)
                    }
                    Ok(r) if r.status() == reqwest::StatusCode::UNAUTHORIZED => {
                        Err(Error::Validation(
                            "the relay no longer accepts this desktop's token: ask for a new one"
                                .into(),
                        ))
                    }
                    Ok(r) => Err(Error::Validation(format!(
                        "the relay answered {} to a send report",
                        r.status()
                    ))),
                    Err(e) => Err(Fault::unreachable(&sub.url, &e).into()),
                };
                match outcome {
                    Ok(taken) => {
                        self.db.with_tx(|tx| {
                            tx.execute(
                                "DELETE FROM relay_outbox WHERE message_id = ?1",
                                [message_id],
                            )
                            .map_err(Error::db("removing a reported send"))?;
                            Ok(())
                        })?;
                        reported += u32::from(taken);
                    }
                    Err(e) => {
                        let text = e.to_string();
                        self.db.with_tx(|tx| {
                            tx.execute(
                                "UPDATE relay_outbox SET attempts = attempts + 1, last_error = ?2 WHERE message_id = ?1",
                                params![message_id, text],
                            )
                            .map_err(Error::db("recording a failed send report"))?;
                            Ok(())
                        })?;
                        return Err(e);
                    }
                }
            }
        }
    }

    /// Sends made here and not reported to the relay yet.
    pub fn unreported_sends(&self) -> Result<u32> {
        self.db.with_conn(|c| {
            c.query_row("SELECT count(*) FROM relay_outbox", [], |r| r.get(0))
                .map_err(Error::db("counting the sends to report"))
        })
    }

    /// Fetches everything the relay has after the cursor, page by page, and applies it.
    pub async fn sync_relay(&self) -> Result<RelaySync> {
        let Some(sub) = self.subscription()? else {
            return Err(Error::Validation(
                "no team relay is set up (Settings → Team relay)".into(),
            ));
        };
        // The sends queued while the relay was away go first; a report that fails is tried
        // again later and does not hold up the pull (which tells what is wrong).
        let reported = match self.report_sends().await {
            Ok(n) => n,
            Err(e) => {
                tracing::info!(error = %e, "reporting sends to the team relay failed; trying again later");
                0
            }
        };
        let result = self
            .pull_all(&sub)
            .await
            .map(|s| RelaySync { reported, ..s });
        self.relay_note(result.as_ref().err())?;
        Ok(result?)
    }

    /// "Catch up now": a sync, and a follower waiting to try again goes on at once.
    pub async fn catch_up_relay(&self) -> Result<RelaySync> {
        let result = self.sync_relay().await;
        self.relay_wake.notify_waiters();
        result
    }

    async fn pull_all(&self, sub: &Subscription) -> std::result::Result<RelaySync, Fault> {
        let mut cursor = sub.cursor;
        let (mut fetched, mut new) = (0u32, 0u32);
        for _ in 0..MAX_PULLS {
            let resp = self
                .http
                .get(format!("{}/v1/events", sub.url))
                .query(&[
                    ("after", cursor.to_string()),
                    ("limit", PULL_PAGE.to_string()),
                ])
                .bearer_auth(sub.token.expose())
                .timeout(PULL_TIMEOUT)
                .send()
                .await
                .map_err(|e| Fault::unreachable(&sub.url, &e))?;
            if !resp.status().is_success() {
                return Err(Fault::answered("the feed", resp).await);
            }
            let page: Page = resp
                .json()
                .await
                .map_err(|e| Fault::failed("the relay's feed could not be read", e))?;
            let n = page.events.len();
            if n == 0 {
                break;
            }
            fetched += n as u32;
            new += self
                .store_relay_events(page.events, page.next)
                .map_err(|e| Fault::failed("storing the relay's events here failed", e))?;
            cursor = page.next;
            if n < PULL_PAGE {
                break;
            }
        }
        Ok(RelaySync {
            reported: 0,
            fetched,
            new,
            cursor,
        })
    }

    /// Follows the relay live: catches up by pulling, then reads the live stream and applies
    /// each run of events as it comes. Returns when the stream ends or fails (offline, the relay
    /// restarting); the caller waits and calls again, which catches up from the cursor.
    pub async fn follow_relay(&self) -> Result<RelaySync> {
        let mut total = self.sync_relay().await?;
        let Some(sub) = self.subscription()? else {
            return Ok(total);
        };
        let resp = self
            .http
            .get(format!("{}/v1/stream", sub.url))
            .query(&[("after", sub.cursor.to_string())])
            .bearer_auth(sub.token.expose())
            .send()
            .await;
        let resp = match resp {
            Ok(r) if r.status().is_success() => r,
            Ok(r) => {
                let f = Fault::answered("the live stream", r).await;
                self.relay_note(Some(&f))?;
                return Err(f.into());
            }
            Err(e) => {
                let f = Fault::unreachable(&sub.url, &e);
                self.relay_note(Some(&f))?;
                return Err(f.into());
            }
        };
        use futures_util::StreamExt;
        let mut stream = resp.bytes_stream();
        let mut buf: Vec<u8> = Vec::new();
        loop {
            let chunk = tokio::select! {
                chunk = stream.next() => chunk,
                // A new token or address, or "Catch up now": reconnect with what is set now.
                _ = self.relay_wake.notified() => break,
            };
            let Some(Ok(chunk)) = chunk else { break };
            if !self.subscribed()? {
                // Disconnected meanwhile: nothing more is stored from this relay.
                break;
            }
            buf.extend_from_slice(&chunk);
            let mut events = Vec::new();
            let mut last = None;
            while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = buf.drain(..end + 2).collect();
                let text = String::from_utf8_lossy(&block);
                for line in text.lines() {
                    if let Some(data) = line.strip_prefix("data:") {
                        if let Ok(e) = serde_json::from_str::<FeedEvent>(data.trim()) {
                            last = Some(e.seq);
                            events.push(e);
                        }
                    }
                }
            }
            if let Some(cursor) = last {
                total.fetched += events.len() as u32;
                total.new += self.store_relay_events(events, cursor)?;
                total.cursor = cursor;
                self.relay_note(None)?;
            }
        }
        Ok(total)
    }
}

/// A send as this desktop reports it to the relay (`POST /v1/sends`).
#[derive(Debug, Serialize, Deserialize)]
struct SendReport {
    wamid: String,
    #[serde(default)]
    phone_number_id: Option<String>,
    /// The number's phone (E.164), for desktops that know it by phone only.
    #[serde(default)]
    phone: Option<String>,
    contact: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    template_name: Option<String>,
    #[serde(default)]
    template_language: Option<String>,
    #[serde(default)]
    body: Option<String>,
    sent_at: String,
}

/// A reported send as the relay's feed carries it: the report and who made it.
#[derive(Deserialize)]
struct SendEnvelope {
    wabadesk_send: SendFrom,
}

#[derive(Deserialize)]
struct SendFrom {
    sender: String,
    send: SendReport,
}

/// Queues a send made here for the team relay, in the transaction that records it; nothing
/// when no relay is set up (sends made before connecting are not reported).
pub(crate) fn queue_send_report(tx: &rusqlite::Transaction<'_>, wamid: &str) -> Result<()> {
    if wamid.is_empty() {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO relay_outbox (message_id, queued_at) SELECT id, ?2 FROM messages \
         WHERE wamid = ?1 AND direction = 'out' AND EXISTS (SELECT 1 FROM relay_subscription) \
         ON CONFLICT (message_id) DO NOTHING",
    )
    .and_then(|mut st| st.execute(params![wamid, crate::util::now()]))
    .map_err(Error::db("queueing a send for the team relay"))?;
    Ok(())
}

/// What pointing a number at the relay did.
#[derive(Debug, Clone, Serialize, TS, PartialEq)]
#[ts(export)]
pub struct RelayPointed {
    /// The webhook URL the number now has.
    pub url: String,
    pub phone_number_id: String,
}

impl Core {
    /// "Use the team relay" on the Webhook page: gives the number a shared secret (the one it
    /// has, or a new one kept in the keyring), tells the relay to accept it for the number's
    /// phone-number id, then sets the number's webhook to the relay's `/webhook` with that
    /// secret header (and no other), through the Webhook page's own path (validated, audited).
    pub async fn point_webhook_at_relay(
        &self,
        number_id: i64,
        actor: crate::audit::Actor,
    ) -> Result<RelayPointed> {
        let Some(sub) = self.subscription()? else {
            return Err(Error::Validation(
                "connect to a team relay first (Settings → Team relay)".into(),
            ));
        };
        let number = self.number(number_id)?;
        let Some(pnid) = number.phone_number_id.clone() else {
            return Err(Error::Validation(
                "this number's phone-number id is not known yet: verify its API key first".into(),
            ));
        };
        let account = crate::webhook::secret_account(&number.phone);
        let secret = match self.secrets.get(&account)? {
            Some(s) => s,
            None => {
                use rand::Rng;
                let bytes: [u8; 24] = rand::rng().random();
                let s =
                    Sensitive::new(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>());
                self.secrets.set(&account, &s)?;
                s
            }
        };
        let resp = self
            .http
            .put(format!("{}/v1/numbers/{pnid}", sub.url))
            .bearer_auth(sub.token.expose())
            .json(&serde_json::json!({ "secret": secret.expose() }))
            .timeout(PULL_TIMEOUT)
            .send()
            .await
            .map_err(|e| Error::from(Fault::unreachable(&sub.url, &e)))?;
        if !resp.status().is_success() {
            let f = Fault::answered("registering the number", resp).await;
            return Err(Error::Validation(format!(
                "the relay did not take the number: {}",
                f.message
            )));
        }
        let url = format!("{}/webhook", sub.url);
        // The relay reads only the secret header: the webhook gets that one alone.
        self.set_webhook(
            number_id,
            crate::webhook::WebhookInput {
                url: url.clone(),
                headers: Default::default(),
                secret: true,
            },
            actor,
        )
        .await?;
        Ok(RelayPointed {
            url,
            phone_number_id: pnid,
        })
    }
}

/// Waits between attempts to reach the relay again: from the first to the last, doubling.
const RETRY_FIRST: Duration = Duration::from_secs(2);
const RETRY_LAST: Duration = Duration::from_secs(60);

impl Core {
    /// Follows the relay for as long as this profile subscribes to one: catch up, then live;
    /// when the relay is away, tries again (2 s, doubling to a minute) and catches up. Returns
    /// at once if another task follows already, and when the subscription ends.
    pub async fn keep_following_relay(&self) {
        use std::sync::atomic::Ordering;
        if self.relay_following.swap(true, Ordering::SeqCst) {
            return;
        }
        let follow = async {
            let mut wait = RETRY_FIRST;
            loop {
                match self.subscription() {
                    Ok(Some(_)) => {}
                    _ => break,
                }
                let pause = match self.follow_relay().await {
                    // The live stream ended (the relay restarting): reconnect soon.
                    Ok(_) => {
                        wait = RETRY_FIRST;
                        RETRY_FIRST
                    }
                    Err(e) => {
                        tracing::info!(error = %e, "the team relay is unavailable; trying again");
                        let pause = wait;
                        wait = next_wait(wait);
                        self.health().next_retry_at = Some(crate::util::format_time(
                            time::OffsetDateTime::now_utc() + pause,
                        ));
                        self.emit(&[Topic::Inbox], None);
                        pause
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = self.relay_wake.notified() => {}
                }
            }
        };
        // Each send made here wakes the reporter; a failed report is tried again later (and
        // at every reconnect, which reports first).
        let report = async {
            let mut wait = RETRY_FIRST;
            loop {
                match self.subscription() {
                    Ok(Some(_)) => {}
                    _ => break,
                }
                let pause = match self.report_sends().await {
                    Ok(_) => {
                        wait = RETRY_FIRST;
                        RETRY_LAST
                    }
                    Err(e) => {
                        tracing::info!(error = %e, "reporting sends to the team relay failed; trying again");
                        wait = next_wait(wait);
                        wait
                    }
                };
                tokio::select! {
                    _ = self.relay_sends_queued.notified() => {}
                    _ = self.relay_wake.notified() => {}
                    _ = tokio::time::sleep(pause) => {}
                }
            }
        };
        tokio::select! {
            _ = follow => {}
            _ = report => {}
        }
        self.relay_following.store(false, Ordering::SeqCst);
    }
}

/// The wait after `wait`: doubled, up to [`RETRY_LAST`].
fn next_wait(wait: Duration) -> Duration {
    (wait * 2).min(RETRY_LAST)
}

#[cfg(test)]
mod tests {
    use super::relay_url;

    #[test]
    fn a_relay_url_is_http_without_query() {
        assert_eq!(
            relay_url("https://relay.example.com/").unwrap(),
            "https://relay.example.com"
        );
        assert_eq!(
            relay_url(" http://127.0.0.1:8790 ").unwrap(),
            "http://127.0.0.1:8790"
        );
        assert!(relay_url("ftp://relay.example.com").is_err());
        assert!(relay_url("https://relay.example.com/?a=b").is_err());
        assert!(relay_url("relay").is_err());
    }
}

#[cfg(test)]
mod health_tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use axum::routing::get;
    use axum::{Json, Router};
    use serde_json::json;

    use super::{next_wait, RelayProblem};
    use crate::service::Core;

    /// A stand-in for the relay: `/v1/me` names the token; `/v1/events` is empty, or 401
    /// once `revoked` is set; `/v1/stream` stays open with nothing to say.
    async fn fake_relay(
        revoked: Arc<AtomicBool>,
    ) -> (
        String,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let app = Router::new()
            .route(
                "/v1/me",
                get(|| async { Json(json!({"name": "front desk", "head": 0})) }),
            )
            .route(
                "/v1/events",
                get(move || {
                    let revoked = revoked.clone();
                    async move {
                        if revoked.load(Ordering::SeqCst) {
                            (
                                StatusCode::UNAUTHORIZED,
                                Json(json!({"error": "the access token is unknown or revoked"})),
                            )
                                .into_response()
                        } else {
                            Json(json!({"events": [], "next": 0, "more": false})).into_response()
                        }
                    }
                }),
            )
            .route(
                "/v1/stream",
                get(|| async {
                    axum::body::Body::from_stream(futures_util::stream::pending::<
                        std::result::Result<axum::body::Bytes, std::io::Error>,
                    >())
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        (url, stop, server)
    }

    #[tokio::test]
    async fn a_revoked_token_and_a_relay_that_is_away_are_told_apart_in_plain_words() {
        let revoked = Arc::new(AtomicBool::new(false));
        let (url, stop, server) = fake_relay(revoked.clone()).await;
        let core = Core::in_memory();
        core.connect_relay(&url, "wdr_front_desk").await.unwrap();
        core.sync_relay().await.unwrap();
        let s = core.relay_status().unwrap();
        assert_eq!(
            (s.problem, s.last_error, s.next_retry_at),
            (None, None, None)
        );

        revoked.store(true, Ordering::SeqCst);
        let e = core.sync_relay().await.unwrap_err();
        assert!(e.to_string().contains("new one"), "{e}");
        let s = core.relay_status().unwrap();
        assert_eq!(s.problem, Some(RelayProblem::TokenRejected));
        assert!(
            s.connected,
            "the subscription stays, waiting for a new token"
        );
        let details = s.problem_details.unwrap();
        assert!(
            details.contains("401") && details.contains("revoked"),
            "{details}"
        );
        assert!(
            !s.last_error.unwrap().contains("401"),
            "the raw answer stays in the details"
        );

        // A new token: the problem is gone at once.
        revoked.store(false, Ordering::SeqCst);
        core.connect_relay(&url, "wdr_front_desk_2").await.unwrap();
        assert_eq!(core.relay_status().unwrap().problem, None);

        // The relay stops: unreachable, with the library's words behind it.
        stop.send(()).unwrap();
        server.await.unwrap();
        let e = core.sync_relay().await.unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("the team relay at {url} cannot be reached")
        );
        let s = core.relay_status().unwrap();
        assert_eq!(s.problem, Some(RelayProblem::Unreachable));
        assert!(s.problem_details.is_some_and(|d| d.contains("/v1/events")));
        assert_eq!(s.last_error.as_deref(), Some(e.to_string().as_str()));

        // Disconnecting forgets the problem with the subscription.
        let s = core.disconnect_relay().unwrap();
        assert_eq!((s.problem, s.problem_details), (None, None));
    }

    #[tokio::test]
    async fn a_new_token_ends_the_live_stream_so_the_follower_reconnects_with_it() {
        let (url, _stop, _server) = fake_relay(Arc::new(AtomicBool::new(false))).await;
        let core = Arc::new(Core::in_memory());
        core.connect_relay(&url, "wdr_old").await.unwrap();
        let follower = {
            let core = core.clone();
            tokio::spawn(async move { core.follow_relay().await })
        };
        // The stream is open (and quiet): the follower stays on it.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!follower.is_finished());
        core.connect_relay(&url, "wdr_new").await.unwrap();
        let ended = tokio::time::timeout(Duration::from_secs(5), follower).await;
        assert!(
            matches!(ended, Ok(Ok(Ok(_)))),
            "the stream of the old token ended"
        );
    }

    #[test]
    fn the_follower_waits_two_seconds_then_doubles_up_to_a_minute() {
        let mut wait = super::RETRY_FIRST;
        let mut waits = vec![wait.as_secs()];
        for _ in 0..7 {
            wait = next_wait(wait);
            waits.push(wait.as_secs());
        }
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(next_wait(Duration::from_secs(60)), Duration::from_secs(60));
    }
}
