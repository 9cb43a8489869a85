//! Webhook URLs and headers: 360dialog's rules checked before anything is sent, reading and
//! setting a number's webhook, its change history, "changed outside WABA Desk", a shared-secret
//! header kept in the keyring, and a "test endpoint" probe.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{Destination, MultiWebhook};
use crate::audit::{self, Actor, NewAudit};
use crate::secrets::Sensitive;
use crate::service::Core;
use crate::{Error, Result};

/// Longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2000;
/// The header WABA Desk's generated shared secret travels in.
pub const SECRET_HEADER: &str = "X-Wabadesk-Secret";

fn invalid(reason: impl Into<String>) -> Error {
    Error::Validation(reason.into())
}

/// Checks a webhook URL against 360dialog's rules (reference §2.4). Returns the URL as it will
/// be sent (IDN hosts in punycode), or the exact reason it is refused.
pub fn check_url(raw: &str) -> Result<String> {
    if raw.is_empty() {
        return Err(invalid("enter the webhook URL"));
    }
    if raw.chars().any(char::is_whitespace) {
        return Err(invalid(
            "the URL contains whitespace; remove spaces and line breaks",
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(invalid("the URL contains control characters"));
    }
    if raw.chars().count() > MAX_URL_LEN {
        return Err(invalid(format!(
            "the URL is longer than {MAX_URL_LEN} characters"
        )));
    }
    let (scheme, rest) = raw
        .split_once("://")
        .ok_or_else(|| invalid("the URL must start with https://"))?;
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(invalid(format!(
            "360dialog only calls https:// webhooks (with a valid certificate), not {scheme}://"
        )));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid(
            "the URL must not contain a user name or password; use a header for authentication",
        ));
    }
    let host = if authority.starts_with('[') {
        return Err(invalid(
            "use a host name, not an IP address, so the certificate can be valid",
        ));
    } else {
        match authority.rsplit_once(':') {
            Some((_, _)) => {
                return Err(invalid(
                    "360dialog does not accept a port in webhook URLs (not even :443); serve the webhook on the default HTTPS port",
                ))
            }
            None => authority,
        }
    };
    if host.is_empty() {
        return Err(invalid("the URL has no host name"));
    }
    if host.contains('_') {
        return Err(invalid(
            "360dialog does not accept '_' in the host name or any subdomain; underscores are fine in the path",
        ));
    }
    if raw.contains('#') {
        return Err(invalid(
            "remove the #fragment: it is never sent to the server",
        ));
    }
    let url = url::Url::parse(raw).map_err(|e| invalid(format!("not a valid URL: {e}")))?;
    // The parser's view decides (it reads `\` as `/`, for one): check its parts again.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "the URL must not contain a user name or password; use a header for authentication",
        ));
    }
    if url.port().is_some() {
        return Err(invalid(
            "360dialog does not accept a port in webhook URLs (not even :443); serve the webhook on the default HTTPS port",
        ));
    }
    let ascii_host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(_) => {
            return Err(invalid(
                "use a host name, not an IP address, so the certificate can be valid",
            ))
        }
        None => return Err(invalid("the URL has no host name")),
    };
    let labels: Vec<&str> = ascii_host.trim_end_matches('.').split('.').collect();
    if labels.len() < 2 {
        return Err(invalid(format!(
            "'{host}' is not a public host name; 360dialog must reach it on the internet (expose a local receiver through a tunnel or reverse proxy)"
        )));
    }
    if ascii_host.len() > 253 {
        return Err(invalid("the host name is longer than 253 characters"));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return Err(invalid(
                "each part of the host name must have 1 to 63 characters",
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid(format!(
                "host name part '{label}' must not start or end with '-'"
            )));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(invalid(format!(
                "host name part '{label}' has characters a host name cannot have"
            )));
        }
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(invalid(
            "use a host name, not an IP address, so the certificate can be valid",
        ));
    }
    // Non-ASCII characters are sent percent-encoded (and hosts in punycode): the limit holds
    // for what is sent.
    let sent = url.to_string();
    if sent.len() > MAX_URL_LEN {
        return Err(invalid(format!(
            "the URL is longer than {MAX_URL_LEN} characters once encoded for sending ({} characters)",
            sent.len()
        )));
    }
    Ok(sent)
}

/// Checks custom webhook headers: names are HTTP tokens without '_' (360dialog rejects
/// underscores in headers), values are visible text without line breaks.
pub fn check_headers(headers: &BTreeMap<String, String>) -> Result<()> {
    if headers.len() > 10 {
        return Err(invalid("at most 10 custom headers"));
    }
    for (name, value) in headers {
        if name.is_empty() {
            return Err(invalid("a header name is empty"));
        }
        if name.contains('_') {
            return Err(invalid(format!(
                "header '{name}': 360dialog does not accept '_' in header names; use '-'"
            )));
        }
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^`|~".contains(c);
        if !name.chars().all(token) {
            return Err(invalid(format!(
                "header '{name}': a header name has only letters, digits and -"
            )));
        }
        if value
            .chars()
            .any(|c| c == '\r' || c == '\n' || (c.is_control() && c != '\t'))
        {
            return Err(invalid(format!(
                "header '{name}': the value must not contain line breaks"
            )));
        }
        if value.len() > 1024 {
            return Err(invalid(format!(
                "header '{name}': the value is longer than 1024 characters"
            )));
        }
    }
    Ok(())
}

/// The keyring account of a number's webhook shared secret.
pub fn secret_account(phone: &str) -> String {
    format!("{phone} webhook secret")
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TestEventKind {
    Status,
    Message,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EndpointTest {
    pub url: String,
    pub status: Option<u16>,
    #[ts(type = "number")]
    pub latency_ms: u64,
    /// Answered 200, as 360dialog requires.
    pub ok: bool,
    /// Answered within 360dialog's 5-second limit.
    pub within_limit: bool,
    pub error: Option<String>,
}

impl Core {
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
        self.db.with_conn(|c| {
            c.query_row(
                "SELECT webhook_url_known, webhook_checked_at FROM numbers WHERE id = ?1",
                [number_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(Error::db("reading the webhook state"))
        })
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
            Some(u) => self.db.with_conn(|c| {
                let mut stmt = c
                    .prepare("SELECT label FROM numbers WHERE webhook_url_known = ?1 AND id <> ?2 ORDER BY label")
                    .map_err(Error::db("checking shared webhooks"))?;
                let rows = stmt.query_map(params![u, number_id], |r| r.get(0)).map_err(Error::db("checking shared webhooks"))?;
                rows.collect::<std::result::Result<Vec<String>, _>>().map_err(Error::db("checking shared webhooks"))
            })?,
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
        self.db.with_tx(|tx| {
            let (known, last_outside): (Option<String>, Option<String>) = tx
                .query_row(
                    "SELECT webhook_url_known, (SELECT new_url FROM webhook_changes WHERE number_id = ?1 AND source = 'outside' ORDER BY id DESC LIMIT 1) FROM numbers WHERE id = ?1",
                    [number_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(Error::db("reading the webhook state"))?;
            let now = crate::util::now();
            match &known {
                None if url.is_some() => {
                    tx.execute("UPDATE numbers SET webhook_url_known = ?1 WHERE id = ?2", params![url, number_id])
                        .map_err(Error::db("remembering the webhook"))?;
                }
                Some(k) if Some(k) != url.as_ref() && last_outside != url => {
                    tx.execute(
                        "INSERT INTO webhook_changes (number_id, at, old_url, new_url, source, actor) VALUES (?1, ?2, ?3, ?4, 'outside', ?5)",
                        params![number_id, now, k, url, actor.as_str()],
                    )
                    .map_err(Error::db("recording a webhook change"))?;
                    audit::record(tx, actor, NewAudit {
                        number_id: Some(number_id),
                        action: "webhook_changed_outside",
                        detail: &format!("{} -> {}", k, url.as_deref().unwrap_or("(none)")),
                        ..Default::default()
                    })?;
                }
                _ => {}
            }
            tx.execute("UPDATE numbers SET webhook_checked_at = ?1 WHERE id = ?2", params![now, number_id])
                .map_err(Error::db("remembering the webhook"))?;
            Ok(())
        })?;
        self.view(number_id, url, config.headers)
    }

    /// Accepts the URL 360dialog has now as the known one (after "changed outside").
    pub async fn accept_webhook(&self, number_id: i64, actor: Actor) -> Result<WebhookView> {
        let config = self
            .call(number_id, actor, |c| async move { c.get_webhook().await })
            .await?;
        self.db.with_conn(|c| {
            c.execute(
                "UPDATE numbers SET webhook_url_known = ?1 WHERE id = ?2",
                params![config.url, number_id],
            )
            .map_err(Error::db("remembering the webhook"))?;
            Ok(())
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
        let url = check_url(&input.url)?;
        let mut headers = input.headers;
        headers.remove(SECRET_HEADER);
        check_headers(&headers)?;
        let number = self.number(number_id)?;
        if input.secret {
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
        self.db.with_tx(|tx| {
            let now = crate::util::now();
            tx.execute(
                "UPDATE numbers SET webhook_url_known = ?1, webhook_checked_at = ?2 WHERE id = ?3",
                params![url, now, number_id],
            )
            .map_err(Error::db("remembering the webhook"))?;
            tx.execute(
                "INSERT INTO webhook_changes (number_id, at, old_url, new_url, source, actor) VALUES (?1, ?2, ?3, ?4, 'app', ?5)",
                params![number_id, now, old, url, actor.as_str()],
            )
            .map_err(Error::db("recording a webhook change"))?;
            let names: Vec<&str> = headers.keys().map(String::as_str).collect();
            audit::record(tx, actor, NewAudit {
                number_id: Some(number_id),
                action: "webhook_changed",
                detail: &format!("{} -> {} (headers: {})", old.as_deref().unwrap_or("(none)"), url, if names.is_empty() { "none".to_string() } else { names.join(", ") }),
                ..Default::default()
            })
        })?;
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

impl Core {
    /// The number's extra webhook destinations.
    pub async fn destinations(&self, number_id: i64, actor: Actor) -> Result<MultiWebhook> {
        self.call(
            number_id,
            actor,
            |c| async move { c.get_multi_webhook().await },
        )
        .await
    }

    /// Adds a destination, or updates the one with the same name; enables extra destinations.
    /// The URL follows the same rules as the main webhook; 360dialog allows 3 unique URLs per
    /// number, the main one included.
    pub async fn save_destination(
        &self,
        number_id: i64,
        dest: Destination,
        actor: Actor,
    ) -> Result<MultiWebhook> {
        let name = dest.name.trim().to_string();
        if name.is_empty() || name.len() > 64 {
            return Err(invalid(
                "give the destination a name (at most 64 characters)",
            ));
        }
        let url = check_url(&dest.url)?;
        check_headers(&dest.headers)?;
        let dest = Destination {
            name: name.clone(),
            url: url.clone(),
            headers: dest.headers,
        };
        let current = self.destinations(number_id, actor).await?;
        let exists = current.destinations.iter().any(|d| d.name == name);
        let one = vec![dest];
        let mut result = self
            .call(number_id, actor, |c| async move {
                if exists {
                    c.update_destinations(&one).await
                } else {
                    c.add_destinations(&one).await
                }
            })
            .await?;
        if !result.enabled {
            result = self
                .call(number_id, actor, |c| async move {
                    c.set_multi_webhook(true, None).await
                })
                .await?;
        }
        self.db.with_conn(|c| {
            audit::record(
                c,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    action: "webhook_destination_saved",
                    detail: &format!("{name}: {url}"),
                    ..Default::default()
                },
            )
        })?;
        Ok(result)
    }

    /// "Test endpoint" for a number: posts a synthetic event to `url` with the headers
    /// 360dialog would send for this number (its configured ones, and the real shared secret).
    pub async fn test_number_endpoint(
        &self,
        number_id: i64,
        url: &str,
        kind: TestEventKind,
    ) -> Result<EndpointTest> {
        let number = self.number(number_id)?;
        let mut headers = match self
            .call(
                number_id,
                Actor::Ui,
                |c| async move { c.get_webhook().await },
            )
            .await
        {
            Ok(w) => w.headers,
            Err(e) => {
                tracing::info!(error = %e, "testing without the configured headers");
                BTreeMap::new()
            }
        };
        headers.remove(SECRET_HEADER);
        if let Some(secret) = self.secrets.get(&secret_account(&number.phone))? {
            headers.insert(SECRET_HEADER.to_string(), secret.expose().clone());
        }
        let display = number.phone.trim_start_matches('+');
        test_endpoint(
            url,
            &headers,
            kind,
            number.phone_number_id.as_deref().unwrap_or_default(),
            display,
        )
        .await
    }

    /// Turns the extra destinations on or off (they are kept).
    pub async fn set_destinations_enabled(
        &self,
        number_id: i64,
        enabled: bool,
        actor: Actor,
    ) -> Result<MultiWebhook> {
        let r = self
            .call(number_id, actor, |c| async move {
                c.set_multi_webhook(enabled, None).await
            })
            .await?;
        self.db.with_conn(|c| {
            audit::record(
                c,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    action: "webhook_destinations_toggled",
                    detail: if enabled { "enabled" } else { "disabled" },
                    ..Default::default()
                },
            )
        })?;
        Ok(r)
    }
}

/// POSTs a synthetic Cloud-API-shaped event to `url` with `headers`, the way 360dialog would,
/// and reports the answer against 360dialog's requirements (200, within 5 s).
pub async fn test_endpoint(
    url: &str,
    headers: &BTreeMap<String, String>,
    kind: TestEventKind,
    phone_number_id: &str,
    display_phone_number: &str,
) -> Result<EndpointTest> {
    let parsed = url::Url::parse(url).map_err(|e| invalid(format!("not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(invalid("the endpoint must be http(s)"));
    }
    check_headers(headers)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        .to_string();
    let value = match kind {
        TestEventKind::Status => serde_json::json!({
            "statuses": [{"id": format!("wamid.WABADESK_TEST_{now}"), "status": "delivered", "timestamp": now, "recipient_id": "15550001234"}]
        }),
        TestEventKind::Message => serde_json::json!({
            "contacts": [{"profile": {"name": "WABA Desk test"}, "wa_id": "15550001234"}],
            "messages": [{"from": "15550001234", "id": format!("wamid.WABADESK_TEST_{now}"), "timestamp": now, "type": "text", "text": {"body": "Test event from WABA Desk"}}]
        }),
    };
    let mut value = value;
    value["messaging_product"] = serde_json::json!("whatsapp");
    value["metadata"] = serde_json::json!({"display_phone_number": display_phone_number, "phone_number_id": phone_number_id});
    let body = serde_json::json!({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"field": "messages", "value": value}]}]});
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
    let mut req = client.post(parsed.clone()).json(&body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let started = Instant::now();
    let result = req.send().await;
    let latency_ms = started.elapsed().as_millis() as u64;
    Ok(match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            EndpointTest {
                url: parsed.to_string(),
                status: Some(status),
                latency_ms,
                ok: status == 200,
                within_limit: latency_ms <= 5000,
                error: None,
            }
        }
        Err(e) => EndpointTest {
            url: parsed.to_string(),
            status: None,
            latency_ms,
            ok: false,
            within_limit: false,
            error: Some(if e.is_timeout() {
                "no answer within 10 s".to_string()
            } else {
                e.to_string()
            }),
        },
    })
}

#[cfg(test)]
mod url_rules {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::plain("https://hooks.example.com/whatsapp")]
    #[case::root("https://hooks.example.com")]
    #[case::root_slash("https://hooks.example.com/")]
    #[case::underscore_in_path("https://hooks.example.com/wa_hook/in_bound")]
    #[case::underscore_in_query("https://hooks.example.com/hook?number_id=1&x_y=2")]
    #[case::deep_subdomain("https://a.b.c.hooks.example.co.uk/x")]
    #[case::hyphen_host("https://my-hooks.example-company.com/x")]
    #[case::digits_host("https://api2.example123.com/x")]
    #[case::uppercase_scheme("HTTPS://hooks.example.com/x")]
    #[case::uppercase_host("https://Hooks.Example.COM/x")]
    #[case::idn_host("https://bücher.example.de/webhook")]
    #[case::punycode_host("https://xn--bcher-kva.example.de/webhook")]
    #[case::percent_path("https://hooks.example.com/a%20b")]
    #[case::long_path_ok(
        "https://hooks.example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    )]
    #[case::trailing_dot("https://hooks.example.com./x")]
    #[case::ngrok_style("https://3f2a-81-2-69-160.ngrok-free.app/webhook")]
    #[case::query_only("https://hooks.example.com?token=abc")]
    fn accepted(#[case] url: &str) {
        check_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    }

    #[rstest]
    #[case::empty("", "enter the webhook URL")]
    #[case::http("http://hooks.example.com/x", "only calls https://")]
    #[case::ftp("ftp://hooks.example.com/x", "only calls https://")]
    #[case::no_scheme("hooks.example.com/x", "must start with https://")]
    #[case::underscore_host("https://my_hooks.example.com/x", "'_' in the host name")]
    #[case::underscore_subdomain("https://a.my_sub.example.com/x", "'_' in the host name")]
    #[case::underscore_with_port("https://subdomain.your_webhook.example.com:3000", "port")]
    #[case::port_443("https://hooks.example.com:443/x", "not even :443")]
    #[case::port_8443("https://hooks.example.com:8443/x", "port")]
    #[case::empty_port("https://hooks.example.com:/x", "port")]
    #[case::credentials("https://user:pass@hooks.example.com/x", "user name or password")]
    #[case::user_only("https://user@hooks.example.com/x", "user name or password")]
    #[case::leading_space(" https://hooks.example.com/x", "whitespace")]
    #[case::trailing_newline("https://hooks.example.com/x\n", "whitespace")]
    #[case::inner_space("https://hooks.example.com/a b", "whitespace")]
    #[case::tab("https://hooks.example.com/\tx", "whitespace")]
    #[case::localhost("https://localhost/x", "not a public host name")]
    #[case::single_label("https://intranet/x", "not a public host name")]
    #[case::ipv4("https://203.0.113.7/x", "not an IP address")]
    #[case::ipv6("https://[2001:db8::1]/x", "not an IP address")]
    #[case::fragment("https://hooks.example.com/x#part", "#fragment")]
    #[case::leading_hyphen("https://-hooks.example.com/x", "must not start or end with '-'")]
    #[case::trailing_hyphen("https://hooks-.example.com/x", "must not start or end with '-'")]
    #[case::empty_label("https://hooks..example.com/x", "1 to 63 characters")]
    #[case::long_label(&format!("https://{}.example.com/x", "a".repeat(64)), "1 to 63 characters")]
    #[case::too_long(&format!("https://hooks.example.com/{}", "a".repeat(2000)), "longer than 2000")]
    // 700 characters, 2,100 once percent-encoded (found by fuzzing).
    #[case::backslash_hides_a_user(r"https://\/:x@hooks.example.com/", "user name or password")]
    #[case::control_character("https://hooks.example.com/\u{0}", "control characters")]
    #[case::too_long_once_encoded(&format!("https://hooks.example.com/{}", "ü".repeat(350)), "once encoded for sending")]
    #[case::no_host("https:///x", "no host name")]
    #[case::bad_char_host("https://hooks!.example.com/x", "characters a host name cannot have")]
    fn refused_with_reason(#[case] url: &str, #[case] reason: &str) {
        let err = check_url(url).expect_err(url);
        assert_eq!(err.code(), crate::ErrorCode::Validation);
        assert!(
            err.to_string().contains(reason),
            "{url}: got '{err}', want '{reason}'"
        );
    }

    #[test]
    fn idn_is_sent_as_punycode() {
        assert_eq!(
            check_url("https://bücher.example.de/w").unwrap(),
            "https://xn--bcher-kva.example.de/w"
        );
    }

    #[rstest]
    #[case::ok(&[("Authorization", "Basic abc"), ("X-Token", "t")], None)]
    #[case::underscore(&[("X_Token", "t")], Some("'_'"))]
    #[case::space(&[("X Token", "t")], Some("only letters"))]
    #[case::newline(&[("X-Token", "a\r\nInjected: 1")], Some("line breaks"))]
    #[case::empty(&[("", "t")], Some("empty"))]
    fn headers(#[case] pairs: &[(&str, &str)], #[case] reason: Option<&str>) {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match (check_headers(&map), reason) {
            (Ok(()), None) => {}
            (Err(e), Some(r)) => assert!(e.to_string().contains(r), "{e}"),
            (r, want) => panic!("{r:?} vs {want:?}"),
        }
    }
}
