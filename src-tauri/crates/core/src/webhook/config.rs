//! A number's webhook: reading and setting it, its change history, "changed outside WABA Desk",
//! and the shared-secret header kept in the keyring.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::url_rules::{check_headers, check_url_for};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::numbers::store;
use crate::secrets::Sensitive;
use crate::service::Core;
use crate::{Error, Result};

/// The header WABA Desk's generated shared secret travels in.
pub const SECRET_HEADER: &str = "X-Wabadesk-Secret";

/// The keyring account of a number's webhook shared secret.
pub use crate::secrets::accounts::webhook_secret_account as secret_account;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OutsideChange {
    /// The URL WABA Desk last set or accepted.
    pub previous: Option<String>,
    /// The URL 360dialog has now.
    pub current: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WebhookChange {
    pub at: String,
    pub old_url: Option<String>,
    pub new_url: Option<String>,
    /// `app` or `outside`.
    pub source: String,
    pub actor: String,
}

/// A number's webhook as the UI shows it. The shared-secret header's value is masked.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WebhookView {
    #[ts(type = "number")]
    pub number_id: i64,
    pub url: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub has_secret: bool,
    /// Set when 360dialog's URL differs from the one WABA Desk last set or accepted.
    pub changed_outside: Option<OutsideChange>,
    /// Labels of other numbers in WABA Desk whose webhook is the same URL.
    pub shared_with: Vec<String>,
    pub history: Vec<WebhookChange>,
    pub checked_at: Option<String>,
}

/// What the user saves.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct WebhookInput {
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Add (or keep) a generated shared-secret header, kept in the keyring.
    #[serde(default)]
    pub secret: bool,
}

/// The headers WABA Desk last set or accepted, as kept in the database: the shared-secret
/// header only as a flag (its value stays in the keyring).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct KnownHeaders {
    headers: BTreeMap<String, String>,
    secret: bool,
}

impl KnownHeaders {
    fn of(headers: &BTreeMap<String, String>) -> Self {
        let mut headers = headers.clone();
        let secret = headers.remove(SECRET_HEADER).is_some();
        Self { headers, secret }
    }

    fn remember(&self, tx: &rusqlite::Connection, number_id: i64) -> Result<()> {
        let json = serde_json::to_string(self).map_err(|e| Error::Internal(e.to_string()))?;
        store::set_webhook_headers_known(tx, number_id, Some(&json))
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.headers.keys().cloned().collect();
        if self.secret {
            names.push(SECRET_HEADER.to_string());
        }
        names
    }
}

/// The webhook WABA Desk last set or accepted, to re-apply it as it was.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KnownWebhook {
    pub url: Option<String>,
    /// Names of the headers it had (values are not shown; the shared secret's stays in the
    /// keyring).
    pub header_names: Vec<String>,
}

/// The URL points at this computer only (`localhost`, `127.0.0.0/8`, `[::1]`).
fn is_loopback_url(url: &str) -> bool {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Core {
    fn known_headers(&self, number_id: i64) -> Result<KnownHeaders> {
        let json = self
            .db
            .with_conn(|c| store::webhook_headers_known(c, number_id))?;
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// The webhook WABA Desk last set or accepted for the number.
    pub fn known_webhook(&self, number_id: i64) -> Result<KnownWebhook> {
        let (url, _) = self.known_url(number_id)?;
        Ok(KnownWebhook {
            url,
            header_names: self.known_headers(number_id)?.names(),
        })
    }

    /// Sets the webhook WABA Desk last set or accepted again, with its headers (after a new
    /// API key cleared it at 360dialog, for one). Audited as `webhook_reapplied`.
    pub async fn reapply_webhook(&self, number_id: i64, actor: Actor) -> Result<WebhookView> {
        let (url, _) = self.known_url(number_id)?;
        let Some(url) = url else {
            return Err(Error::Validation(
                "WABA Desk knows no earlier webhook of this number to re-apply; set one".into(),
            ));
        };
        let known = self.known_headers(number_id)?;
        self.put_webhook(
            number_id,
            WebhookInput {
                url,
                headers: known.headers,
                secret: known.secret,
            },
            actor,
            AuditAction::WebhookReapplied,
        )
        .await
    }

    fn webhook_history(&self, number_id: i64) -> Result<Vec<WebhookChange>> {
        self.db.with_conn(|c| {
            let mut stmt = c
                .prepare("SELECT at, old_url, new_url, source, actor FROM webhook_changes WHERE number_id = ?1 ORDER BY id DESC LIMIT 50")
                .map_err(Error::db("reading webhook history"))?;
            let rows = stmt
                .query_map([number_id], |r| {
                    Ok(WebhookChange { at: r.get(0)?, old_url: r.get(1)?, new_url: r.get(2)?, source: r.get(3)?, actor: r.get(4)? })
                })
                .map_err(Error::db("reading webhook history"))?;
            rows.collect::<std::result::Result<Vec<_>, _>>().map_err(Error::db("reading webhook history"))
        })
    }

    fn known_url(&self, number_id: i64) -> Result<(Option<String>, Option<String>)> {
        self.db.with_conn(|c| store::webhook_known(c, number_id))
    }

    fn view(
        &self,
        number_id: i64,
        url: Option<String>,
        mut headers: BTreeMap<String, String>,
    ) -> Result<WebhookView> {
        let (known, checked_at) = self.known_url(number_id)?;
        let changed_outside = match &known {
            Some(k) if Some(k) != url.as_ref() => Some(OutsideChange {
                previous: known.clone(),
                current: url.clone(),
            }),
            _ => None,
        };
        let has_secret = headers.contains_key(SECRET_HEADER);
        if let Some(v) = headers.get_mut(SECRET_HEADER) {
            *v = Sensitive::new(v.clone()).mask();
        }
        let shared_with = match &url {
            Some(u) => self
                .db
                .with_conn(|c| store::labels_with_webhook(c, u, number_id))?,
            None => Vec::new(),
        };
        Ok(WebhookView {
            number_id,
            url,
            headers,
            has_secret,
            changed_outside,
            shared_with,
            history: self.webhook_history(number_id)?,
            checked_at,
        })
    }

    /// Reads the number's webhook from 360dialog. The first read is remembered as known; a
    /// later difference is reported (and recorded once) as changed outside WABA Desk.
    pub async fn get_webhook(&self, number_id: i64, actor: Actor) -> Result<WebhookView> {
        let config = self
            .call(number_id, actor, |c| async move { c.get_webhook().await })
            .await?;
        let url = config.url.clone();
        // Reading is not a change (the UI reloads on changes): only a change made outside
        // WABA Desk, once recorded, is announced.
        let outside = self.db.with_tx(|tx| {
            let (known, _) = store::webhook_known(tx, number_id)?;
            // No row, or the URL (none when it was cleared) the last outside change left.
            let last_outside: Option<Option<String>> = tx
                .query_row(
                    "SELECT new_url FROM webhook_changes WHERE number_id = ?1 AND source = 'outside' ORDER BY id DESC LIMIT 1",
                    [number_id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(Error::db("reading the webhook state"))?;
            let now = crate::util::now();
            let outside = match &known {
                None if url.is_some() => {
                    store::set_webhook_known(tx, number_id, url.as_deref())?;
                    KnownHeaders::of(&config.headers).remember(tx, number_id)?;
                    false
                }
                Some(k) if Some(k) != url.as_ref() && last_outside.as_ref() != Some(&url) => {
                    // The change was made outside WABA Desk: whoever read it did not make it.
                    tx.execute(
                        "INSERT INTO webhook_changes (number_id, at, old_url, new_url, source, actor) VALUES (?1, ?2, ?3, ?4, 'outside', ?5)",
                        params![number_id, now, k, url, Actor::Outside.as_str()],
                    )
                    .map_err(Error::db("recording a webhook change"))?;
                    audit::record(tx, Actor::Outside, NewAudit {
                        number_id: Some(number_id),
                        detail: &format!("{} -> {}", k, url.as_deref().unwrap_or("(none)")),
                        ..NewAudit::of(AuditAction::WebhookChangedOutside)
                    })?;
                    true
                }
                _ => false,
            };
            store::set_webhook_checked(tx, number_id, &now)?;
            Ok(outside)
        })?;
        if outside {
            self.emit(&[Topic::Webhook, Topic::Audit], Some(number_id));
        }
        self.view(number_id, url, config.headers)
    }

    /// Accepts the URL 360dialog has now as the known one (after "changed outside").
    pub async fn accept_webhook(&self, number_id: i64, actor: Actor) -> Result<WebhookView> {
        let config = self
            .call(number_id, actor, |c| async move { c.get_webhook().await })
            .await?;
        self.write(&[Topic::Webhook], Some(number_id), |c| {
            store::set_webhook_known(c, number_id, config.url.as_deref())?;
            KnownHeaders::of(&config.headers).remember(c, number_id)
        })?;
        self.view(number_id, config.url, config.headers)
    }

    /// Validates and sets the number's webhook; with `secret`, adds the shared-secret header
    /// (generated once, kept in the keyring).
    pub async fn set_webhook(
        &self,
        number_id: i64,
        input: WebhookInput,
        actor: Actor,
    ) -> Result<WebhookView> {
        self.put_webhook(number_id, input, actor, AuditAction::WebhookChanged)
            .await
    }

    async fn put_webhook(
        &self,
        number_id: i64,
        input: WebhookInput,
        actor: Actor,
        action: AuditAction,
    ) -> Result<WebhookView> {
        let number = self.number(number_id)?;
        let url = check_url_for(&input.url, number.environment)?;
        let mut headers = input.headers;
        headers.remove(SECRET_HEADER);
        check_headers(&headers)?;
        // While the app's receiver runs, a URL reachable from outside this computer (a tunnel
        // to it, say) gets a shared secret whether asked or not: without one anyone who finds
        // the URL could post events.
        let forced = self.receiver_addr().is_some() && !is_loopback_url(&url);
        if input.secret || forced {
            let account = secret_account(&number.phone);
            let secret = match self.secrets.get(&account)? {
                Some(s) => s,
                None => {
                    use rand::Rng;
                    let bytes: [u8; 24] = rand::rng().random();
                    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                    let s = Sensitive::new(token);
                    self.secrets.set(&account, &s)?;
                    s
                }
            };
            headers.insert(SECRET_HEADER.to_string(), secret.expose().clone());
        }
        let (old, _) = self.known_url(number_id)?;
        let sent_url = url.clone();
        let sent_headers = headers.clone();
        let echoed = self
            .call(number_id, actor, |c| async move {
                c.set_webhook(&sent_url, &sent_headers).await
            })
            .await?;
        self.write(&[Topic::Webhook, Topic::Audit], Some(number_id), |tx| {
            let now = crate::util::now();
            store::set_webhook_known(tx, number_id, Some(&url))?;
            KnownHeaders::of(&headers).remember(tx, number_id)?;
            store::set_webhook_checked(tx, number_id, &now)?;
            tx.execute(
                "INSERT INTO webhook_changes (number_id, at, old_url, new_url, source, actor) VALUES (?1, ?2, ?3, ?4, 'app', ?5)",
                params![number_id, now, old, url, actor.as_str()],
            )
            .map_err(Error::db("recording a webhook change"))?;
            let names: Vec<&str> = headers.keys().map(String::as_str).collect();
            audit::record(tx, actor, NewAudit {
                number_id: Some(number_id),
                detail: &format!("{} -> {} (headers: {})", old.as_deref().unwrap_or("(none)"), url, if names.is_empty() { "none".to_string() } else { names.join(", ") }),
                ..NewAudit::of(action)
            })
        })?;
        // The running receiver checks the secret from now on (or stops checking it).
        self.reload_receiver_secrets()?;
        self.view(number_id, echoed.url.or(Some(url)), echoed.headers)
    }

    /// The shared secrets of every number (the inbox accepts a request carrying any of them).
    pub fn webhook_secrets(&self) -> Result<Vec<(i64, Sensitive<String>)>> {
        let mut out = Vec::new();
        for n in self.list_numbers()? {
            if let Some(s) = self.secrets.get(&secret_account(&n.phone))? {
                out.push((n.id, s));
            }
        }
        Ok(out)
    }
}
