//! The relay's PostgreSQL: the pool, the embedded forward-only migrations, numbers and tokens.

use anyhow::{bail, Context, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;

/// Every migration, in order; a shipped one is never edited.
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        include_str!("../migrations/0001_events_numbers_tokens.sql"),
    ),
    (
        2,
        include_str!("../migrations/0002_dedupe_by_event_ids_and_sends.sql"),
    ),
];

/// Connections one relay process holds at most.
pub const POOL_SIZE: usize = 16;

pub fn sha256(b: &[u8]) -> Vec<u8> {
    Sha256::digest(b).to_vec()
}

/// What makes two deliveries the same: the SHA-256 of `ids:` and the sorted, distinct event
/// ids (so a retry serialised differently is still a retry), or of the body when it carries no
/// event id. Migration 0002 computes the same for the events stored before it.
pub fn dedupe_key(body: &[u8], event_ids: &[String]) -> Vec<u8> {
    if event_ids.is_empty() {
        return sha256(body);
    }
    let mut ids: Vec<&str> = event_ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    sha256(format!("ids:{}", ids.join(",")).as_bytes())
}

/// The key of a send a desktop reports: one per wamid, whoever reports it and however often.
pub fn send_key(wamid: &str) -> Vec<u8> {
    sha256(format!("send:{wamid}").as_bytes())
}

pub fn pool(url: &str) -> Result<Pool> {
    let config: tokio_postgres::Config = url.parse().context("reading the database URL")?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .context("setting up the database pool")
}

/// Applies the migrations not applied yet, each in its own transaction, under an advisory lock
/// (replicas starting together migrate once). Returns the versions applied now.
pub async fn migrate(pool: &Pool) -> Result<Vec<i32>> {
    let mut c = pool.get().await.context("connecting to the database")?;
    let tx = c.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock(7370200)", &[])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS relay_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await?;
    let done: Vec<i32> = tx
        .query("SELECT version FROM relay_migrations ORDER BY version", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if let Some(&newest) = done.last() {
        if newest > MIGRATIONS.last().map(|m| m.0).unwrap_or(0) {
            bail!("the database has migration {newest}, newer than this relay knows: upgrade the relay");
        }
    }
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        tx.batch_execute(sql)
            .await
            .with_context(|| format!("applying migration {version}"))?;
        tx.execute(
            "INSERT INTO relay_migrations (version) VALUES ($1)",
            &[version],
        )
        .await?;
        applied.push(*version);
    }
    tx.commit().await?;
    Ok(applied)
}

/// A new secret or token: 32 random bytes, hex, with a prefix that tells what it is.
pub fn random_secret(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{prefix}{hex}")
}

/// Creates a desktop's access token; the token itself is returned once and stored hashed.
pub async fn create_token(pool: &Pool, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        bail!("a token's name is 1 to 100 characters");
    }
    let token = random_secret("wdr_");
    let c = pool.get().await?;
    let n = c
        .execute(
            "INSERT INTO tokens (name, token_sha256) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&name, &sha256(token.as_bytes())],
        )
        .await?;
    if n == 0 {
        bail!("a token named {name:?} exists already: revoke it first or pick another name");
    }
    Ok(token)
}

/// Revokes a token by name; true when one was active.
pub async fn revoke_token(pool: &Pool, name: &str) -> Result<bool> {
    let c = pool.get().await?;
    let n = c
        .execute(
            "UPDATE tokens SET revoked_at = now(), name = name || ' (revoked ' || id || ')' WHERE name = $1 AND revoked_at IS NULL",
            &[&name.trim()],
        )
        .await?;
    Ok(n > 0)
}

/// The tokens: name, active, last cursor.
pub async fn list_tokens(pool: &Pool) -> Result<Vec<(String, bool, i64)>> {
    let c = pool.get().await?;
    Ok(c.query(
        "SELECT name, revoked_at IS NULL, last_cursor FROM tokens ORDER BY id",
        &[],
    )
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect())
}

/// The active token's name whose hash is `sha`.
pub async fn token_name(pool: &Pool, sha: &[u8]) -> Result<Option<String>> {
    let c = pool.get().await?;
    Ok(c.query_opt(
        "SELECT name FROM tokens WHERE token_sha256 = $1 AND revoked_at IS NULL",
        &[&sha],
    )
    .await?
    .map(|r| r.get(0)))
}

/// Sets (or replaces) a number's shared secret, stored hashed.
pub async fn set_number(pool: &Pool, phone_number_id: &str, secret: &str) -> Result<()> {
    let pnid = phone_number_id.trim();
    if pnid.is_empty() || pnid.len() > 64 || !pnid.chars().all(|c| c.is_ascii_digit()) {
        bail!("a phone-number id is digits only (as 360dialog shows it)");
    }
    if secret.len() < 16 || secret.len() > 256 {
        bail!("a shared secret is 16 to 256 characters");
    }
    let c = pool.get().await?;
    c.execute(
        "INSERT INTO numbers (phone_number_id, secret_sha256) VALUES ($1, $2) \
         ON CONFLICT (phone_number_id) DO UPDATE SET secret_sha256 = EXCLUDED.secret_sha256",
        &[&pnid, &sha256(secret.as_bytes())],
    )
    .await?;
    Ok(())
}

pub async fn remove_number(pool: &Pool, phone_number_id: &str) -> Result<bool> {
    let c = pool.get().await?;
    Ok(c.execute(
        "DELETE FROM numbers WHERE phone_number_id = $1",
        &[&phone_number_id.trim()],
    )
    .await?
        > 0)
}

/// Every number's id and secret hash.
pub async fn number_secrets(pool: &Pool) -> Result<Vec<(String, Vec<u8>)>> {
    let c = pool.get().await?;
    Ok(
        c.query("SELECT phone_number_id, secret_sha256 FROM numbers", &[])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
    )
}

/// One event as stored.
pub struct Stored {
    pub seq: i64,
    /// `webhook` (from 360dialog) or `desktop` (a send a desktop reported).
    pub source: String,
    pub phone_number_id: Option<String>,
    pub body: Vec<u8>,
    pub received_at: String,
}

/// Up to `limit` events after `after`, in sequence order.
pub async fn events_after(pool: &Pool, after: i64, limit: i64) -> Result<Vec<Stored>> {
    let c = pool.get().await?;
    let st = c
        .prepare_cached(
            "SELECT seq, phone_number_id, body, \
             to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), source \
             FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .await?;
    Ok(c.query(&st, &[&after, &limit])
        .await?
        .iter()
        .map(|r| Stored {
            seq: r.get(0),
            phone_number_id: r.get(1),
            body: r.get(2),
            received_at: r.get(3),
            source: r.get(4),
        })
        .collect())
}

pub async fn head(pool: &Pool) -> Result<i64> {
    let c = pool.get().await?;
    Ok(c.query_one("SELECT coalesce(max(seq), 0) FROM events", &[])
        .await?
        .get(0))
}

pub async fn record_cursor(pool: &Pool, name: &str, cursor: i64) -> Result<()> {
    let c = pool.get().await?;
    c.execute(
        "UPDATE tokens SET last_cursor = greatest(last_cursor, $2), last_seen_at = now() WHERE name = $1",
        &[&name, &cursor],
    )
    .await?;
    Ok(())
}

/// One body to store, with the keys read from it.
pub struct NewEvent {
    /// [`dedupe_key`] (or [`send_key`]): a second event with it is a duplicate.
    pub key: Vec<u8>,
    pub sha256: Vec<u8>,
    /// `webhook` or `desktop`.
    pub source: &'static str,
    pub phone_number_id: Option<String>,
    pub event_ids: String,
    pub body: Vec<u8>,
}

/// The channel a storing transaction notifies (at its commit) with its last sequence number.
pub const CHANNEL: &str = "wabadesk_relay_events";

/// Stores a batch in one transaction: takes the feed counter first, then inserts each event
/// whose key is not stored yet (a repeated one counts a duplicate) in one statement, and
/// notifies at the commit. Returns, per event, whether it was new. The keys in `batch` are
/// distinct (the writer merges repeats). Durable when it returns: PostgreSQL's commit is
/// synchronous.
pub async fn store(pool: &Pool, batch: &[NewEvent]) -> Result<(Vec<bool>, i64)> {
    let mut c = pool.get().await?;
    let counter = c
        .prepare_cached("UPDATE feed_counter SET last_seq = last_seq + $1 RETURNING last_seq")
        .await?;
    let insert = c
        .prepare_cached(
            "INSERT INTO events (seq, dedupe_key, body_sha256, source, phone_number_id, event_ids, body) \
             SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::bytea[]) \
             ON CONFLICT (dedupe_key) DO UPDATE SET duplicates = events.duplicates + 1 \
             RETURNING seq, (xmax = 0)",
        )
        .await?;
    let notify = c.prepare_cached("SELECT pg_notify($1, $2)").await?;
    let tx = c.transaction().await?;
    let n = batch.len() as i64;
    let last: i64 = tx.query_one(&counter, &[&n]).await?.get(0);
    let first = last - n + 1;
    let seqs: Vec<i64> = (first..=last).collect();
    let keys: Vec<&[u8]> = batch.iter().map(|e| e.key.as_slice()).collect();
    let shas: Vec<&[u8]> = batch.iter().map(|e| e.sha256.as_slice()).collect();
    let sources: Vec<&str> = batch.iter().map(|e| e.source).collect();
    let pnids: Vec<Option<&str>> = batch.iter().map(|e| e.phone_number_id.as_deref()).collect();
    let ids: Vec<&str> = batch.iter().map(|e| e.event_ids.as_str()).collect();
    let bodies: Vec<&[u8]> = batch.iter().map(|e| e.body.as_slice()).collect();
    let rows = tx
        .query(
            &insert,
            &[&seqs, &keys, &shas, &sources, &pnids, &ids, &bodies],
        )
        .await?;
    tx.execute(&notify, &[&CHANNEL, &last.to_string()]).await?;
    tx.commit().await?;
    // A new row has the sequence number it was given (its place in the batch); a duplicate
    // keeps its first one.
    let mut new = vec![false; batch.len()];
    for r in rows {
        if r.get::<_, bool>(1) {
            let seq: i64 = r.get(0);
            if let Some(i) = usize::try_from(seq - first).ok().filter(|&i| i < new.len()) {
                new[i] = true;
            }
        }
    }
    Ok((new, last))
}
