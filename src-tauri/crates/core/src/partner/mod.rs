//! Partner mode: a 360dialog partner account (partner id + Partner API key in the keyring, an
//! environment like numbers), its channels listed and imported as numbers (channel and client
//! ids kept with the number), keys minted through the Partner API ([`keygen`]) and the partner
//! webhook ([`events`]: signed events for template status and channel/account changes).

pub mod events;
pub mod keygen;
pub(crate) mod store;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::api::partner::{ChannelPage, ChannelQuery, PartnerChannel};
use crate::api::{ApiErrorKind, Client, Environment};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::numbers::{self, NumberView};
use crate::secrets::accounts::{partner_key_account, partner_webhook_secret_account};
use crate::secrets::Sensitive;
use crate::service::Core;
use crate::{Error, Result};

/// The Partner API's production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://hub.360dialog.io/api/v2";

/// The partner account as the UI and the CLI see it (never the key).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PartnerAccountView {
    pub partner_id: String,
    pub environment: Environment,
    /// Where Partner API calls go.
    pub base_url: String,
    pub base_url_override: Option<String>,
    pub key_hint: Option<String>,
    pub key_fingerprint: Option<String>,
    pub key_verified_at: Option<String>,
    pub webhook_url: Option<String>,
    /// A platform secret for partner webhook signatures is in the keyring.
    pub has_webhook_secret: bool,
    pub updated_at: String,
}

/// What the user enters for the partner account.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct PartnerInput {
    pub partner_id: String,
    pub environment: Environment,
    #[serde(default)]
    pub base_url: Option<String>,
}

/// A number's partner channel (shown on the number).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NumberChannel {
    #[ts(type = "number")]
    pub number_id: i64,
    pub channel_id: String,
    pub client_id: String,
    pub waba_id: Option<String>,
    pub status: Option<String>,
    pub account_mode: Option<String>,
    pub imported_at: String,
}

impl From<store::ChannelRow> for NumberChannel {
    fn from(r: store::ChannelRow) -> Self {
        Self {
            number_id: r.number_id,
            channel_id: r.channel_id,
            client_id: r.client_id,
            waba_id: r.waba_id,
            status: r.status,
            account_mode: r.account_mode,
            imported_at: r.imported_at,
        }
    }
}

/// A channel in the list, with the number it was imported as (if it was).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChannelListItem {
    pub channel: PartnerChannel,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChannelList {
    pub items: Vec<ChannelListItem>,
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

/// What importing one channel did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportOutcome {
    pub channel_id: String,
    pub number: Option<NumberView>,
    /// Why it was not imported.
    pub error: Option<String>,
}

/// A partner event recorded for a number.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PartnerEventView {
    #[ts(type = "number")]
    pub id: i64,
    pub received_at: String,
    pub event: String,
    pub channel_id: Option<String>,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub summary: String,
}

fn base_url_for(core: &Core, env: Environment, over: Option<&str>) -> Result<String> {
    if let Some(u) = over.filter(|u| !u.trim().is_empty()) {
        return numbers::check_base_url(u);
    }
    match env {
        Environment::Production => Ok(PRODUCTION_BASE_URL.to_string()),
        Environment::Simulator => Ok(format!(
            "{}/api/v2",
            core.environment_base_url(Environment::Simulator)
                .trim_end_matches('/')
        )),
        Environment::Sandbox => Err(Error::InvalidField {
            field: "environment",
            message: "the Partner API has no sandbox: choose production or the simulator".into(),
        }),
    }
}

fn explain_partner_refusal(e: Error) -> Error {
    match e {
        Error::Api(mut api) if api.kind == ApiErrorKind::Unauthorized => {
            api.explanation = Some(
                "The Partner API did not accept the partner API key: check it in the Partner Hub (API Keys), and that it belongs to this partner id."
                    .into(),
            );
            Error::Api(api)
        }
        other => other,
    }
}

impl Core {
    /// The partner account, if one is set.
    pub fn partner_account(&self) -> Result<Option<PartnerAccountView>> {
        let Some(row) = self.db.with_conn(store::account)? else {
            return Ok(None);
        };
        let environment = Environment::parse(&row.environment);
        let base_url = base_url_for(self, environment, row.base_url_override.as_deref())
            .unwrap_or_else(|_| PRODUCTION_BASE_URL.to_string());
        let has_webhook_secret = self
            .secrets
            .get(&partner_webhook_secret_account())?
            .is_some();
        Ok(Some(PartnerAccountView {
            partner_id: row.partner_id,
            environment,
            base_url,
            base_url_override: row.base_url_override,
            key_hint: row.key_hint,
            key_fingerprint: row.key_fingerprint,
            key_verified_at: row.key_verified_at,
            webhook_url: row.webhook_url,
            has_webhook_secret,
            updated_at: row.updated_at,
        }))
    }

    fn partner_account_required(&self) -> Result<PartnerAccountView> {
        self.partner_account()?.ok_or_else(|| {
            Error::Validation(
                "no partner account is set: enter the partner id and partner API key first".into(),
            )
        })
    }

    /// The Partner API client and partner id, with the key from the keyring.
    pub(crate) fn partner_client(&self) -> Result<(Client, String)> {
        let account = self.partner_account_required()?;
        let key = self.secrets.get(&partner_key_account())?.ok_or_else(|| {
            Error::Validation("the partner API key is not in the keyring; enter it again".into())
        })?;
        let client = Client::partner(
            self.http.clone(),
            &account.base_url,
            key,
            self.api_config.clone(),
        )?;
        Ok((client, account.partner_id))
    }

    /// Sets the partner account: the key is checked against the Partner API first (a channel
    /// list call), then stored in the keyring, then described in the database and audited.
    pub async fn set_partner_account(
        &self,
        input: PartnerInput,
        key: Sensitive<String>,
        actor: Actor,
    ) -> Result<PartnerAccountView> {
        let partner_id = input.partner_id.trim().to_string();
        crate::api::partner::check_id("partner id", &partner_id).map_err(|e| {
            Error::InvalidField {
                field: "partner_id",
                message: e.to_string(),
            }
        })?;
        let key = Sensitive::new(key.expose().trim().to_string());
        if key.expose().is_empty() || key.expose().chars().any(char::is_whitespace) {
            return Err(Error::InvalidField {
                field: "key",
                message: "paste the partner API key (from the Partner Hub, API Keys)".into(),
            });
        }
        let over = input
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let base_url = base_url_for(self, input.environment, over)?;
        let client = Client::partner(
            self.http.clone(),
            &base_url,
            key.clone(),
            self.api_config.clone(),
        )?;
        client
            .partner_channels(
                &partner_id,
                &ChannelQuery {
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| explain_partner_refusal(e.into()))?;
        let old = self.db.with_conn(store::account)?;
        self.secrets.set(&partner_key_account(), &key)?;
        let now = crate::util::now();
        let fp = key.fingerprint();
        self.write(&[Topic::Numbers, Topic::Audit], None, |tx| {
            store::save_account(
                tx,
                &partner_id,
                input.environment.as_str(),
                over,
                &key.mask(),
                &fp,
                &now,
                &now,
            )?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    old_fingerprint: old.as_ref().and_then(|o| o.key_fingerprint.as_deref()),
                    new_fingerprint: Some(&fp),
                    detail: &format!(
                        "partner {partner_id} ({}), key verified with the Partner API",
                        input.environment.label()
                    ),
                    ..NewAudit::of(AuditAction::PartnerAccountSet)
                },
            )
        })?;
        self.partner_account_required()
    }

    /// One page of the partner's channels, each with the number it was imported as.
    pub async fn partner_channels(&self, q: &ChannelQuery) -> Result<ChannelList> {
        let (client, partner_id) = self.partner_client()?;
        let page = client
            .partner_channels(&partner_id, q)
            .await
            .map_err(|e| explain_partner_refusal(e.into()))?;
        let imported = self.db.with_conn(store::channels)?;
        let items = page
            .channels
            .into_iter()
            .map(|channel| ChannelListItem {
                number_id: imported
                    .iter()
                    .find(|r| r.channel_id == channel.id)
                    .map(|r| r.number_id),
                channel,
            })
            .collect();
        Ok(ChannelList {
            items,
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        })
    }

    /// Adds each channel as a number (without a key: generate one next), keeping its channel
    /// and client ids. Each channel is imported or refused on its own.
    pub async fn import_channels(
        &self,
        channel_ids: &[String],
        actor: Actor,
    ) -> Result<Vec<ImportOutcome>> {
        let account = self.partner_account_required()?;
        let (client, partner_id) = self.partner_client()?;
        let mut out = Vec::new();
        for id in channel_ids {
            let result = match client.partner_channel(&partner_id, id).await {
                Ok(channel) => self.import_one(&channel, account.environment, actor),
                Err(e) => Err(explain_partner_refusal(e.into())),
            };
            out.push(match result {
                Ok(n) => ImportOutcome {
                    channel_id: id.clone(),
                    number: Some(n),
                    error: None,
                },
                Err(e) => ImportOutcome {
                    channel_id: id.clone(),
                    number: None,
                    error: Some(e.to_string()),
                },
            });
        }
        Ok(out)
    }

    fn import_one(&self, c: &PartnerChannel, env: Environment, actor: Actor) -> Result<NumberView> {
        let raw = c.phone.as_deref().ok_or_else(|| {
            Error::Validation(format!("channel {} has no phone number yet", c.id))
        })?;
        let phone = numbers::normalize_phone(raw)?;
        let wanted = c
            .phone_name
            .clone()
            .or_else(|| c.client_name.clone())
            .unwrap_or_else(|| phone.clone());
        let now = crate::util::now();
        let id = self.write(&[Topic::Numbers, Topic::Audit], None, |tx| {
            if let Some(existing) = store::channel_by_id(tx, &c.id)? {
                return Err(Error::Validation(format!(
                    "channel {} is already imported (number {})",
                    c.id, existing.number_id
                )));
            }
            if numbers::store::taken_by(tx, &phone, "")?.as_deref() == Some("phone") {
                return Err(Error::Validation(format!(
                    "{phone} is already in WABA Desk"
                )));
            }
            let mut label = numbers::check_label(&wanted, &phone)?;
            if numbers::store::taken_by(tx, "", &label)?.is_some() {
                label = numbers::check_label(&format!("{label} ({})", c.id), &phone)?;
            }
            let notes = format!("Partner channel {}, client {}", c.id, c.client_id);
            let id = numbers::store::insert(tx, &phone, &label, env, None, &notes, &now)?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(id),
                    detail: &label,
                    ..NewAudit::of(AuditAction::NumberAdded)
                },
            )?;
            store::insert_channel(
                tx,
                id,
                &c.id,
                &c.client_id,
                c.waba_id.as_deref(),
                c.status.as_deref(),
                c.account_mode.as_deref(),
                &now,
            )?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(id),
                    detail: &format!("channel {}, client {}", c.id, c.client_id),
                    ..NewAudit::of(AuditAction::PartnerChannelImported)
                },
            )?;
            Ok(id)
        })?;
        self.number(id)
    }

    /// Where the running inbox receiver takes partner events (`None` while it is stopped).
    pub fn partner_events_url(&self) -> Option<String> {
        self.receiver_addr()
            .map(|addr| format!("http://{addr}{}", events::PATH))
    }

    /// The partner channel a number was imported from, if it was.
    pub fn number_channel(&self, number_id: i64) -> Result<Option<NumberChannel>> {
        self.number(number_id)?;
        Ok(self
            .db
            .with_conn(|c| store::channel_of_number(c, number_id))?
            .map(Into::into))
    }

    /// The newest partner events, of one number or of all.
    pub fn partner_events(&self, number_id: Option<i64>) -> Result<Vec<PartnerEventView>> {
        let rows = self.db.with_conn(|c| store::events(c, number_id, 50))?;
        Ok(rows
            .into_iter()
            .map(|r| PartnerEventView {
                id: r.id,
                received_at: r.received_at,
                event: r.event,
                channel_id: r.channel_id,
                number_id: r.number_id,
                summary: r.summary,
            })
            .collect())
    }

    /// Sets the partner webhook URL at 360dialog and, when given, the platform secret that
    /// signs its events (kept in the keyring; without one every partner event is refused).
    pub async fn set_partner_webhook(
        &self,
        url: &str,
        secret: Option<Sensitive<String>>,
        actor: Actor,
    ) -> Result<PartnerAccountView> {
        let url = crate::webhook::check_url_for(url, self.partner_account_required()?.environment)
            .map_err(|e| Error::InvalidField {
                field: "url",
                message: e.to_string(),
            })?;
        let (client, partner_id) = self.partner_client()?;
        if let Some(s) = secret.as_ref() {
            if s.expose().trim().is_empty() {
                return Err(Error::InvalidField {
                    field: "secret",
                    message: "paste the platform secret from the Partner Hub, or leave it out"
                        .into(),
                });
            }
        }
        let echoed = client
            .set_partner_webhook_url(&partner_id, &url)
            .await
            .map_err(|e| explain_partner_refusal(e.into()))?;
        if let Some(s) = secret {
            self.secrets.set(
                &partner_webhook_secret_account(),
                &Sensitive::new(s.expose().trim().to_string()),
            )?;
        }
        let now = crate::util::now();
        let stored = echoed.unwrap_or(url);
        self.write(&[Topic::Numbers, Topic::Audit], None, |tx| {
            store::set_webhook_url(tx, Some(&stored), &now)?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    detail: &stored,
                    ..NewAudit::of(AuditAction::PartnerWebhookSet)
                },
            )
        })?;
        self.partner_account_required()
    }
}
