//! The 360dialog WhatsApp Cloud API client.
//!
//! * One client per number: the `D360-API-KEY` alone identifies the number, so paths never
//!   contain a phone-number id or a Graph version.
//! * Every call has a timeout. 429 and 503 are retried with backoff that honours `Retry-After`,
//!   a bounded number of times.
//! * A `POST /messages` whose answer is lost (timeout, dropped connection) is never retried:
//!   the caller gets [`ApiErrorKind::OutcomeUnknown`], because the message may have been sent.
//! * The key is held as [`Sensitive`]: `Debug` shows a mask, it is marked sensitive in the
//!   request headers, and it appears in no log line or error.

mod error;
pub mod partner;
mod types;

use std::time::Duration;

use reqwest::header::{HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use url::Url;

pub use error::{
    explain, explain_rejection, rejection_field, ApiError, ApiErrorKind, REJECTION_REASONS,
};
pub use types::*;

use crate::sensitive::Sensitive;

/// What building a client or calling the API can fail with. This module is a leaf: it knows
/// nothing of the rest of the core, whose `Error` converts from this one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that can never succeed as given (bad base URL, empty key, bad template name).
    #[error("{0}")]
    Validation(String),
    /// An error from the 360dialog API, or no answer from it.
    #[error("{0}")]
    Api(Box<ApiError>),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The HTTP client to share: connect timeout and user agent set once; each call sets its own
/// whole-request timeout.
pub fn http_client(config: &ClientConfig) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        .user_agent(concat!("WABA-Desk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))
}

/// Where a number's API lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Environment {
    Production,
    Sandbox,
    Simulator,
}

impl Environment {
    /// The name stored in the database and used in the preferences.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Sandbox => "sandbox",
            Environment::Simulator => "simulator",
        }
    }

    pub const ALL: [Environment; 3] = [
        Environment::Production,
        Environment::Sandbox,
        Environment::Simulator,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Environment::Production => "Production",
            Environment::Sandbox => "Sandbox",
            Environment::Simulator => "Simulator",
        }
    }

    /// The environment a stored name means (unknown names are production).
    pub fn parse(s: &str) -> Self {
        match s {
            "sandbox" => Environment::Sandbox,
            "simulator" => Environment::Simulator,
            _ => Environment::Production,
        }
    }

    pub fn default_base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://waba-v2.360dialog.io",
            Environment::Sandbox => "https://waba-sandbox.360dialog.io",
            Environment::Simulator => "http://127.0.0.1:8360",
        }
    }
}

/// Timeouts and retry policy.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after a 429 or 503 (so at most `max_retries + 1` attempts).
    pub max_retries: u32,
    /// First backoff when the answer has no `Retry-After`; doubles each retry.
    pub backoff_base: Duration,
    /// Upper bound of any single wait, including a long `Retry-After`.
    pub max_backoff: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(8),
            max_retries: 3,
            backoff_base: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// Whether a call may be repeated without side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Read,
    /// Changes configuration; repeating it gives the same state.
    Write,
    /// Sends a message: a lost answer means an unknown outcome.
    Send,
}

enum Payload {
    None,
    Json(Value),
    Multipart(Box<dyn Fn() -> reqwest::multipart::Form + Send + Sync>),
    /// Raw bytes of a resumable upload, sent from `offset` (the `file_offset` header); the
    /// body is built again for each attempt.
    Upload {
        offset: u64,
        body: Box<dyn Fn() -> reqwest::Body + Send + Sync>,
    },
}

/// Whole-request timeout of one resumable-upload transfer (up to 100 MB on a slow line).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Bytes handed to the connection per step of an upload's progress.
pub const UPLOAD_CHUNK: usize = 64 * 1024;

/// Told of the bytes sent so far (of the whole file) while an upload's body goes out.
pub type BytesFn = std::sync::Arc<dyn Fn(u64) + Send + Sync>;

/// A retry the client is about to make after a capacity limit (429 or 503), for a progress
/// display: "retrying (1 of 3) — 360dialog asked to wait 2 s".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Retrying {
    /// Which retry this is (1 for the first).
    pub retry: u32,
    /// Retries allowed in all.
    pub of: u32,
    /// How long the client waits before it.
    #[ts(type = "number")]
    pub wait_ms: u64,
    /// What 360dialog asked for in `Retry-After`, when it did.
    #[ts(type = "number | null")]
    pub retry_after_secs: Option<u64>,
    pub http_status: u16,
}

impl std::fmt::Display for Retrying {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "retrying ({} of {})", self.retry, self.of)?;
        match self.retry_after_secs {
            Some(s) => write!(f, " — 360dialog asked to wait {s} s"),
            None if self.http_status == 503 => write!(
                f,
                " — 360dialog is busy (too many requests at once); waiting {} s",
                self.wait_ms.div_ceil(1000)
            ),
            None => write!(
                f,
                " — 360dialog asked to slow down; waiting {} s",
                self.wait_ms.div_ceil(1000)
            ),
        }
    }
}

/// Told of each retry as it is about to happen.
pub type ProgressFn = std::sync::Arc<dyn Fn(Retrying) + Send + Sync>;

pub struct Client {
    http: reqwest::Client,
    base: Url,
    key: Sensitive<String>,
    /// `D360-API-KEY` for a number's Messaging API; `X-API-Key` for the Partner API.
    key_header: &'static str,
    config: ClientConfig,
    progress: Option<ProgressFn>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("key", &self.key.mask())
            .finish()
    }
}

impl Client {
    pub fn new(base_url: &str, key: Sensitive<String>) -> Result<Self> {
        Self::with_config(base_url, key, ClientConfig::default())
    }

    /// A client with its own HTTP client (tests, tools); the app shares one through
    /// [`Client::with_http`].
    pub fn with_config(
        base_url: &str,
        key: Sensitive<String>,
        config: ClientConfig,
    ) -> Result<Self> {
        let http = http_client(&config)?;
        Self::with_http(http, base_url, key, config)
    }

    /// A client over a shared HTTP client.
    pub fn with_http(
        http: reqwest::Client,
        base_url: &str,
        key: Sensitive<String>,
        config: ClientConfig,
    ) -> Result<Self> {
        let base = Url::parse(base_url)
            .map_err(|e| Error::Validation(format!("invalid API base URL '{base_url}': {e}")))?;
        if !matches!(base.scheme(), "https" | "http") {
            return Err(Error::Validation(format!(
                "API base URL must be http(s): {base_url}"
            )));
        }
        if key.expose().trim().is_empty() {
            return Err(Error::Validation("the API key is empty".into()));
        }
        Ok(Self {
            http,
            base,
            key,
            key_header: "D360-API-KEY",
            config,
            progress: None,
        })
    }

    /// A client of the Partner API (`hub.360dialog.io/api/v2`): the partner API key goes in
    /// the `X-API-Key` header.
    pub fn partner(
        http: reqwest::Client,
        base_url: &str,
        key: Sensitive<String>,
        config: ClientConfig,
    ) -> Result<Self> {
        let mut c = Self::with_http(http, base_url, key, config)?;
        c.key_header = "X-API-Key";
        Ok(c)
    }

    /// The same client, telling `progress` of every retry it makes.
    pub fn with_progress(mut self, progress: Option<ProgressFn>) -> Self {
        self.progress = progress;
        self
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    fn url(&self, path: &str) -> Result<Url> {
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::Internal(format!("building URL for {path}: {e}")))
    }

    fn backoff(&self, attempt: u32, retry_after: Option<u64>) -> Duration {
        let wait = match retry_after {
            Some(secs) => Duration::from_secs(secs),
            None => self
                .config
                .backoff_base
                .saturating_mul(2u32.saturating_pow(attempt)),
        };
        wait.min(self.config.max_backoff)
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        payload: Payload,
        call: Call,
    ) -> Result<Value> {
        let url = self.url(path)?;
        let mut key_header = HeaderValue::from_str(self.key.expose()).map_err(|_| {
            Error::Validation(
                "the API key contains characters not allowed in an HTTP header".into(),
            )
        })?;
        key_header.set_sensitive(true);
        let mut attempt = 0u32;
        loop {
            let started = std::time::Instant::now();
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .timeout(self.config.timeout)
                .header(self.key_header, key_header.clone())
                .header("Accept", "application/json");
            req = match &payload {
                Payload::None => req,
                Payload::Json(v) => req.json(v),
                Payload::Multipart(form) => req.multipart(form()),
                Payload::Upload { offset, body } => req
                    .timeout(UPLOAD_TIMEOUT.max(self.config.timeout))
                    .header("file_offset", offset.to_string())
                    .header("Content-Type", "application/octet-stream")
                    .body(body()),
            };
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => return Err(transport_error(&e, call, path, &self.config).into()),
            };
            let status = resp.status();
            let retry_after = resp
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<u64>().ok());
            let body = match resp.bytes().await {
                Ok(b) => b,
                Err(e) => return Err(transport_error(&e, call, path, &self.config).into()),
            };
            tracing::debug!(
                method = %method, path, status = status.as_u16(), attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "360dialog call"
            );
            if status.is_success() {
                if body.is_empty() {
                    return Ok(Value::Null);
                }
                return serde_json::from_slice(&body).map_err(|e| {
                    ApiError::unexpected(format!("answer from {path} is not JSON: {e}")).into()
                });
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE;
            if retryable && attempt < self.config.max_retries {
                let wait = self.backoff(attempt, retry_after);
                tracing::info!(
                    path,
                    status = status.as_u16(),
                    wait_ms = wait.as_millis() as u64,
                    "retrying after capacity limit"
                );
                if let Some(progress) = &self.progress {
                    progress(Retrying {
                        retry: attempt + 1,
                        of: self.config.max_retries,
                        wait_ms: wait.as_millis() as u64,
                        retry_after_secs: retry_after,
                        http_status: status.as_u16(),
                    });
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            let err = ApiError::from_response(status.as_u16(), &body, retry_after);
            tracing::warn!(path, status = status.as_u16(), code = ?err.code, kind = ?err.kind, "360dialog call failed");
            return Err(err.into());
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let v = self
            .request(Method::GET, path, Payload::None, Call::Read)
            .await?;
        decode(path, v)
    }

    /// `GET /health_status`: the cheapest authenticated call; verifies a key and tells the
    /// number's phone-number and WABA ids.
    pub async fn health_status(&self) -> Result<HealthStatus> {
        let env: HealthEnvelope = self.get("/health_status").await?;
        Ok(env.health_status)
    }

    /// `POST /messages`. Not retried when the answer is lost: see [`ApiErrorKind::OutcomeUnknown`].
    pub async fn send(&self, message: &Outgoing) -> Result<SendResponse> {
        self.send_body(message.to_json()).await
    }

    /// `POST /messages` with a request body as built by [`Outgoing::to_json_tracked`].
    pub async fn send_body(&self, body: Value) -> Result<SendResponse> {
        let v = self
            .request(Method::POST, "/messages", Payload::Json(body), Call::Send)
            .await?;
        decode("/messages", v)
    }

    /// Marks an incoming message (and those before it) as read.
    pub async fn mark_read(&self, message_id: &str) -> Result<()> {
        let body = serde_json::json!({
            "messaging_product": "whatsapp", "status": "read", "message_id": message_id
        });
        self.request(Method::POST, "/messages", Payload::Json(body), Call::Write)
            .await?;
        Ok(())
    }

    pub async fn get_webhook(&self) -> Result<WebhookConfig> {
        match self.get::<WebhookConfig>("/v1/configs/webhook").await {
            Err(Error::Api(e))
                if e.http_status == Some(404) && e.kind == ApiErrorKind::Upstream =>
            {
                Ok(WebhookConfig::default())
            }
            other => other.map(|mut w| {
                if w.url.as_deref().is_some_and(str::is_empty) {
                    w.url = None;
                }
                w
            }),
        }
    }

    /// Sets the number's webhook URL and headers; returns what 360dialog echoed.
    pub async fn set_webhook(
        &self,
        url: &str,
        headers: &std::collections::BTreeMap<String, String>,
    ) -> Result<WebhookConfig> {
        let body = serde_json::json!({"url": url, "headers": headers});
        let v = self
            .request(
                Method::POST,
                "/v1/configs/webhook",
                Payload::Json(body),
                Call::Write,
            )
            .await?;
        decode("/v1/configs/webhook", v)
    }

    pub async fn get_multi_webhook(&self) -> Result<MultiWebhook> {
        self.get("/multi_webhook").await
    }

    /// Enables or disables the extra destinations (POST), optionally replacing them.
    pub async fn set_multi_webhook(
        &self,
        enabled: bool,
        destinations: Option<&[Destination]>,
    ) -> Result<MultiWebhook> {
        let mut body = serde_json::json!({"enabled": enabled});
        if let Some(d) = destinations {
            body["destinations"] =
                serde_json::to_value(d).map_err(|e| Error::Internal(e.to_string()))?;
        }
        let v = self
            .request(
                Method::POST,
                "/multi_webhook",
                Payload::Json(body),
                Call::Write,
            )
            .await?;
        decode("/multi_webhook", v)
    }

    /// Appends destinations (PUT).
    pub async fn add_destinations(&self, destinations: &[Destination]) -> Result<MultiWebhook> {
        let body = serde_json::json!({"destinations": destinations});
        let v = self
            .request(
                Method::PUT,
                "/multi_webhook",
                Payload::Json(body),
                Call::Write,
            )
            .await?;
        decode("/multi_webhook", v)
    }

    /// Updates the URL and headers of destinations by name (PATCH).
    pub async fn update_destinations(&self, destinations: &[Destination]) -> Result<MultiWebhook> {
        let body = serde_json::json!({"destinations": destinations});
        let v = self
            .request(
                Method::PATCH,
                "/multi_webhook",
                Payload::Json(body),
                Call::Write,
            )
            .await?;
        decode("/multi_webhook", v)
    }

    /// One page of templates (`offset` is 0-based).
    pub async fn list_templates(&self, limit: usize, offset: usize) -> Result<TemplatePage> {
        self.get(&format!(
            "/v1/configs/templates?limit={limit}&offset={offset}&sort=id"
        ))
        .await
    }

    /// Every template, page by page, until `total` is reached.
    pub async fn list_all_templates(&self, page_size: usize) -> Result<Vec<TemplateInfo>> {
        let page_size = page_size.max(1);
        let mut all = Vec::new();
        loop {
            let page = self.list_templates(page_size, all.len()).await?;
            let got = page.waba_templates.len();
            all.extend(page.waba_templates);
            if got == 0 || all.len() >= page.total {
                return Ok(all);
            }
        }
    }

    /// `POST /v1/configs/templates` with a Meta template-create body.
    pub async fn create_template(&self, body: &Value) -> Result<TemplateInfo> {
        let v = self
            .request(
                Method::POST,
                "/v1/configs/templates",
                Payload::Json(body.clone()),
                Call::Write,
            )
            .await?;
        decode("/v1/configs/templates", v)
    }

    /// Deletes every language of the template `name`.
    pub async fn delete_template(&self, name: &str) -> Result<()> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(Error::Validation(format!(
                "'{name}' is not a template name"
            )));
        }
        self.request(
            Method::DELETE,
            &format!("/v1/configs/templates/{name}"),
            Payload::None,
            Call::Write,
        )
        .await?;
        Ok(())
    }

    /// `GET /whatsapp_business_profile` with every field WABA Desk edits.
    pub async fn business_profile(&self) -> Result<BusinessProfileFields> {
        let env: BusinessProfileEnvelope = self
            .get("/whatsapp_business_profile?fields=about,address,description,email,profile_picture_url,websites,vertical")
            .await?;
        Ok(env.data.into_iter().next().unwrap_or_default())
    }

    /// `POST /whatsapp_business_profile` with the fields to change (a partial update):
    /// `fields` is an object of `about`, `address`, `description`, `email`, `websites`,
    /// `vertical`, `profile_picture_handle`.
    pub async fn set_business_profile(&self, fields: &Value) -> Result<()> {
        let mut body = fields.clone();
        body["messaging_product"] = Value::from("whatsapp");
        self.request(
            Method::POST,
            "/whatsapp_business_profile",
            Payload::Json(body),
            Call::Write,
        )
        .await?;
        Ok(())
    }

    /// `GET /conversational_automation`.
    pub async fn conversational_automation(&self) -> Result<ConversationalAutomation> {
        let env: ConversationalAutomationEnvelope = self.get("/conversational_automation").await?;
        Ok(env.conversational_automation.unwrap_or_default())
    }

    /// `POST /conversational_automation`: replaces the welcome switch, ice breakers and
    /// commands.
    pub async fn set_conversational_automation(
        &self,
        config: &ConversationalAutomation,
    ) -> Result<()> {
        let body = serde_json::to_value(config).map_err(|e| Error::Internal(e.to_string()))?;
        self.request(
            Method::POST,
            "/conversational_automation",
            Payload::Json(body),
            Call::Write,
        )
        .await?;
        Ok(())
    }

    /// Every blocked user (`GET /block_users`, page by page through `paging.cursors.after`).
    pub async fn blocked_users(&self) -> Result<Vec<BlockedUser>> {
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        // A bound on pages: the block list holds at most 64,000 users.
        for _ in 0..1000 {
            let path = match &after {
                Some(a) => format!("/block_users?after={}", urlencode(a)),
                None => "/block_users".to_string(),
            };
            let page: BlockedPage = self.get(&path).await?;
            let got = page.data.len();
            all.extend(page.data);
            let next = page
                .paging
                .filter(|p| p.next.is_some())
                .and_then(|p| p.cursors)
                .and_then(|c| c.after);
            match next {
                Some(a) if got > 0 => after = Some(a),
                _ => return Ok(all),
            }
        }
        Ok(all)
    }

    /// `POST /block_users` (block) or `DELETE /block_users` (unblock) for `users` (phone
    /// numbers or wa_ids). A partial failure (HTTP 400, code 139100, with the lists) is an
    /// answer, not an error: the refused users come back in `failed_users`.
    pub async fn change_blocked(&self, block: bool, users: &[String]) -> Result<BlockUsersResult> {
        let body = serde_json::json!({
            "messaging_product": "whatsapp",
            "block_users": users.iter().map(|u| serde_json::json!({"user": u})).collect::<Vec<_>>(),
        });
        let method = if block { Method::POST } else { Method::DELETE };
        match self
            .request(method, "/block_users", Payload::Json(body), Call::Write)
            .await
        {
            Ok(v) => Ok(decode::<BlockUsersEnvelope>("/block_users", v)?.block_users),
            Err(Error::Api(e)) if e.code == Some(139100) => {
                let lists = e
                    .raw
                    .as_deref()
                    .and_then(|r| serde_json::from_str::<BlockUsersEnvelope>(r).ok());
                match lists {
                    Some(env) if !env.block_users.failed_users.is_empty() => Ok(env.block_users),
                    _ => Err(Error::Api(e)),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Uploads media (for a template header or a media message); returns its media id.
    pub async fn upload_media(
        &self,
        bytes: Vec<u8>,
        mime: &str,
        file_name: &str,
    ) -> Result<String> {
        let mime = mime.to_string();
        let file_name = file_name.to_string();
        reqwest::multipart::Part::bytes(Vec::new())
            .mime_str(&mime)
            .map_err(|_| Error::Validation(format!("'{mime}' is not a media type")))?;
        let form = move || {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(file_name.clone())
                .mime_str(&mime)
                .expect("media type checked above");
            reqwest::multipart::Form::new()
                .text("messaging_product", "whatsapp")
                .part("file", part)
        };
        #[derive(Deserialize)]
        struct MediaId {
            id: String,
        }
        let v = self
            .request(
                Method::POST,
                "/media",
                Payload::Multipart(Box::new(form)),
                Call::Write,
            )
            .await?;
        Ok(decode::<MediaId>("/media", v)?.id)
    }
}

/// Every path this client calls on a number's base URL, in the order the Postman export lists
/// them (`{…}` is filled per call). The key picks the number; a path never carries a
/// phone-number id (360dialog's rule), which the tests check over this list and this file.
pub const PATHS: &[(&str, &str)] = &[
    ("GET", "/health_status"),
    ("GET", "/v1/configs/webhook"),
    ("POST", "/v1/configs/webhook"),
    ("GET", "/multi_webhook"),
    ("POST", "/multi_webhook"),
    ("PATCH", "/multi_webhook"),
    ("GET", "/v1/configs/templates"),
    ("POST", "/v1/configs/templates"),
    ("DELETE", "/v1/configs/templates/{name}"),
    ("POST", "/messages"),
    ("GET", "/whatsapp_business_profile"),
    ("POST", "/whatsapp_business_profile"),
    ("GET", "/conversational_automation"),
    ("POST", "/conversational_automation"),
    ("GET", "/block_users"),
    ("POST", "/block_users"),
    ("DELETE", "/block_users"),
    ("POST", "/media"),
    ("POST", "/uploads"),
    ("GET", "/{session}"),
    ("POST", "/{session}"),
];

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// What `GET /upload:{session}` tells of an upload session: how many bytes it holds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UploadSession {
    pub id: String,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub file_offset: u64,
}

fn lenient_u64<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match v {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    })
}

/// An upload session id is `upload:` and then base64 and URL-safe punctuation (Meta's ids carry
/// `?sig=…`, sent back as they are); anything else (a `..`, spaces, another scheme) is refused
/// before it becomes a path.
fn session_path(session: &str) -> Result<String> {
    let rest = session.strip_prefix("upload:").unwrap_or("");
    let ok = !rest.is_empty()
        && !rest.contains("..")
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=?&.%+~/".contains(c));
    if !ok {
        return Err(ApiError::unexpected(format!(
            "the upload session id '{session}' is not one 360dialog gives"
        ))
        .into());
    }
    Ok(format!("/{session}"))
}

impl Client {
    /// `POST /uploads?file_name=&file_length=&file_type=`: opens a resumable-upload session
    /// (Meta's Resumable Upload API, through 360dialog) and returns its id (`upload:…`).
    pub async fn start_upload(&self, file_name: &str, length: u64, mime: &str) -> Result<String> {
        let mut url = Url::parse("http://x/uploads").expect("static URL");
        url.query_pairs_mut()
            .append_pair("file_name", file_name)
            .append_pair("file_length", &length.to_string())
            .append_pair("file_type", mime);
        let path = format!("/uploads?{}", url.query().unwrap_or_default());
        #[derive(Deserialize)]
        struct Session {
            id: String,
        }
        let v = self
            .request(Method::POST, &path, Payload::None, Call::Write)
            .await?;
        let id = decode::<Session>("/uploads", v)?.id;
        session_path(&id)?;
        Ok(id)
    }

    /// `GET /upload:{session}`: where an interrupted upload stands (`file_offset`).
    pub async fn upload_status(&self, session: &str) -> Result<UploadSession> {
        let path = session_path(session)?;
        self.get(&path).await
    }

    /// `POST /upload:{session}` with `file_offset: offset` and the file's bytes from there on;
    /// returns the file handle (`h`) once the session holds the whole file. `sent` is told of
    /// the bytes handed to the connection so far (counted from the file's start).
    pub async fn upload_from(
        &self,
        session: &str,
        file: std::sync::Arc<Vec<u8>>,
        offset: u64,
        sent: Option<BytesFn>,
    ) -> Result<String> {
        let path = session_path(session)?;
        let start = usize::try_from(offset)
            .ok()
            .filter(|s| *s <= file.len())
            .ok_or_else(|| {
                ApiError::unexpected(format!(
                    "360dialog reported {offset} bytes received of a {}-byte file",
                    file.len()
                ))
            })?;
        let body = move || {
            let file = file.clone();
            let sent = sent.clone();
            let chunks = (start..file.len()).step_by(UPLOAD_CHUNK).map(move |from| {
                let to = (from + UPLOAD_CHUNK).min(file.len());
                if let Some(sent) = &sent {
                    sent(to as u64);
                }
                Ok::<_, std::io::Error>(file[from..to].to_vec())
            });
            reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
        };
        #[derive(Deserialize)]
        struct Handle {
            h: String,
        }
        let v = self
            .request(
                Method::POST,
                &path,
                Payload::Upload {
                    offset,
                    body: Box::new(body),
                },
                Call::Write,
            )
            .await?;
        Ok(decode::<Handle>(&path, v)?.h)
    }
}

fn decode<T: DeserializeOwned>(path: &str, v: Value) -> Result<T> {
    serde_json::from_value(v)
        .map_err(|e| ApiError::unexpected(format!("unexpected answer from {path}: {e}")).into())
}

/// A failure with no HTTP answer, in plain words: the cause (DNS, refused, TLS, timeout with
/// its limit), with the library's own text kept apart as the error's `raw`. For a send,
/// anything past connecting may have reached 360dialog, so its outcome is unknown.
fn transport_error(e: &reqwest::Error, call: Call, path: &str, config: &ClientConfig) -> ApiError {
    // reqwest's Display includes the URL but never headers, so the key cannot leak here.
    let raw = chain(e);
    let host = e
        .url()
        .map(|u| match (u.host_str(), u.port_or_known_default()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => u.to_string(),
        })
        .unwrap_or_else(|| "the API".to_string());
    let reached = !e.is_connect();
    let cause = network_cause(&raw, e.is_timeout(), e.is_connect());
    let what = match cause {
        NetworkCause::Dns => format!(
            "the API's host name could not be found ({host}): check the base URL and the network's DNS"
        ),
        NetworkCause::Refused => format!(
            "the connection to {host} was refused: nothing is listening there (is the base URL right, and is the service running?)"
        ),
        NetworkCause::Tls => format!(
            "a secure (TLS) connection to {host} could not be set up: its certificate was not accepted or the handshake failed"
        ),
        NetworkCause::ConnectTimeout => format!(
            "could not connect to {host} within the {} s limit: the host does not answer (network down, firewall, or wrong address)",
            secs(config.connect_timeout)
        ),
        NetworkCause::AnswerTimeout => format!(
            "the API was reached but did not answer {path} within {} s",
            secs(config.timeout)
        ),
        NetworkCause::Cut => {
            format!("the connection to {host} was cut before the answer to {path} arrived")
        }
        NetworkCause::Other => format!("the request for {path} to {host} failed"),
    };
    let mut err = if call == Call::Send && reached {
        ApiError::outcome_unknown(what)
    } else {
        ApiError::network(what)
    };
    err.raw = Some(raw);
    err
}

/// A failure with no HTTP answer from an endpoint other than the API (the webhook endpoint
/// test), in plain words, with the library's own text as the second part.
pub fn describe_transport_failure(e: &reqwest::Error, timeout: Duration) -> (String, String) {
    let raw = chain(e);
    let host = e
        .url()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
        })
        .unwrap_or_else(|| "the endpoint".to_string());
    let words = match network_cause(&raw, e.is_timeout(), e.is_connect()) {
        NetworkCause::Dns => format!("the host name could not be found ({host})"),
        NetworkCause::Refused => {
            format!("the connection to {host} was refused: nothing is listening there")
        }
        NetworkCause::Tls => format!(
            "a secure (TLS) connection to {host} could not be set up: its certificate was not accepted or the handshake failed"
        ),
        NetworkCause::ConnectTimeout => {
            format!("could not connect to {host}: the host does not answer")
        }
        NetworkCause::AnswerTimeout => format!(
            "the endpoint was reached but did not answer within {} s",
            secs(timeout)
        ),
        NetworkCause::Cut => format!("the connection to {host} was cut before an answer arrived"),
        NetworkCause::Other => format!("the request to {host} failed"),
    };
    (words, raw)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NetworkCause {
    Dns,
    Refused,
    Tls,
    ConnectTimeout,
    AnswerTimeout,
    Cut,
    Other,
}

/// The cause of a transport failure, from the library's text and flags.
fn network_cause(raw: &str, timeout: bool, connect: bool) -> NetworkCause {
    let raw = raw.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| raw.contains(w));
    if has(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
        "nodename nor servname",
    ]) {
        NetworkCause::Dns
    } else if has(&[
        "connection refused",
        "os error 111",
        "os error 10061",
        "actively refused",
    ]) {
        NetworkCause::Refused
    } else if has(&["certificate", "tls", "ssl", "handshake"]) && !timeout {
        NetworkCause::Tls
    } else if timeout && connect {
        NetworkCause::ConnectTimeout
    } else if timeout {
        NetworkCause::AnswerTimeout
    } else if has(&[
        "connection reset",
        "connection aborted",
        "connection closed",
        "broken pipe",
        "unexpected eof",
        "incomplete message",
        "dropped",
    ]) {
        NetworkCause::Cut
    } else {
        NetworkCause::Other
    }
}

fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.1}", d.as_secs_f64())
    }
}

/// The error and every source under it, as one line.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e;
    while let Some(next) = cur.source() {
        let text = next.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = next;
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::dns("error sending request: client error (Connect): dns error: failed to lookup address information: Name or service not known", false, true, NetworkCause::Dns)]
    #[case::refused("error sending request: client error (Connect): tcp connect error: Connection refused (os error 111)", false, true, NetworkCause::Refused)]
    #[case::refused_windows("tcp connect error: No connection could be made because the target machine actively refused it. (os error 10061)", false, true, NetworkCause::Refused)]
    #[case::tls(
        "client error (Connect): invalid peer certificate: UnknownIssuer",
        false,
        true,
        NetworkCause::Tls
    )]
    #[case::connect_timeout(
        "error sending request: client error (Connect): operation timed out",
        true,
        true,
        NetworkCause::ConnectTimeout
    )]
    #[case::answer_timeout(
        "error sending request for url (http://x/health_status): operation timed out",
        true,
        false,
        NetworkCause::AnswerTimeout
    )]
    #[case::cut(
        "client error (SendRequest): connection closed before message completed",
        false,
        false,
        NetworkCause::Cut
    )]
    #[case::reset(
        "error decoding response body: connection reset by peer",
        false,
        false,
        NetworkCause::Cut
    )]
    #[case::other("builder error", false, false, NetworkCause::Other)]
    fn network_failures_map_to_their_cause(
        #[case] raw: &str,
        #[case] timeout: bool,
        #[case] connect: bool,
        #[case] cause: NetworkCause,
    ) {
        assert_eq!(network_cause(raw, timeout, connect), cause);
    }

    #[rstest]
    #[case::retry_after(Retrying { retry: 2, of: 3, wait_ms: 2000, retry_after_secs: Some(2), http_status: 429 }, "retrying (2 of 3) — 360dialog asked to wait 2 s")]
    #[case::backoff(Retrying { retry: 1, of: 3, wait_ms: 500, retry_after_secs: None, http_status: 429 }, "retrying (1 of 3) — 360dialog asked to slow down; waiting 1 s")]
    #[case::busy(Retrying { retry: 1, of: 3, wait_ms: 1000, retry_after_secs: None, http_status: 503 }, "retrying (1 of 3) — 360dialog is busy (too many requests at once); waiting 1 s")]
    fn a_retry_reads_as_plain_words(#[case] r: Retrying, #[case] text: &str) {
        assert_eq!(r.to_string(), text);
    }

    #[test]
    fn upload_session_ids_become_paths_only_when_they_look_like_metas() {
        assert_eq!(
            session_path("upload:MTphdHRhY2htZW50Ojlk2mJiZxUwLWV6MDUtNDIwMy05yTA3LWQ4ZDPmZGFkNTM0NT8=?sig=ARZqkGCA_uQMxC8nHKI").unwrap(),
            "/upload:MTphdHRhY2htZW50Ojlk2mJiZxUwLWV6MDUtNDIwMy05yTA3LWQ4ZDPmZGFkNTM0NT8=?sig=ARZqkGCA_uQMxC8nHKI"
        );
        for bad in [
            "",
            "upload:",
            "uploads",
            "upload:../health_status",
            "upload:a b",
            "http://x/upload:a",
        ] {
            assert!(session_path(bad).is_err(), "{bad}");
        }
    }

    /// Every path literal of this file (outside the tests) is one of [`PATHS`], and no path
    /// carries a phone-number id or any other number: the key alone picks the number.
    #[test]
    fn paths_never_carry_a_phone_number_id() {
        let source = include_str!("mod.rs");
        let code = &source[..source.find("#[cfg(test)]").unwrap()];
        let known: Vec<&str> = PATHS
            .iter()
            .map(|(_, p)| p.split('{').next().unwrap())
            .collect();
        let mut seen = 0;
        for lit in code.split('"').skip(1).step_by(2) {
            if !lit.starts_with('/') || lit.starts_with("//") {
                continue;
            }
            seen += 1;
            let bare = lit.split(['?', '{']).next().unwrap();
            assert!(
                known
                    .iter()
                    .any(|k| k == &bare || (k.ends_with('/') && bare.starts_with(k))),
                "{lit} is called but not listed in PATHS"
            );
        }
        assert!(seen >= 15, "the scan found the client's paths ({seen})");
        for (method, path) in PATHS {
            assert!(
                !path
                    .trim_start_matches("/v1")
                    .chars()
                    .any(|c| c.is_ascii_digit()),
                "{method} {path} carries a number"
            );
            assert!(
                !path.to_ascii_lowercase().contains("phone"),
                "{method} {path}"
            );
            assert!(
                !path.contains("{id}") && !path.contains("{number"),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn limits_read_in_seconds() {
        assert_eq!(secs(Duration::from_secs(20)), "20");
        assert_eq!(secs(Duration::from_millis(300)), "0.3");
    }
}
