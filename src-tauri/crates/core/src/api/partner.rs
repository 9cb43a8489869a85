//! The 360dialog Partner API (`https://hub.360dialog.io/api/v2`, partner API key in the
//! `X-API-Key` header): the partner's channels, minting a channel's API key, the partner
//! webhook URL. Answers are read leniently (see the README's reference notes for what is
//! confirmed and what is assumed).

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{decode, ApiError, Call, Client, Error, Payload, Result};
use crate::sensitive::Sensitive;

/// One page of `GET /partners/{partner_id}/channels`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct ChannelQuery {
    #[serde(default)]
    pub offset: u32,
    /// Channels per page (1–100; 0 means 50).
    #[serde(default)]
    pub limit: u32,
    /// Filters 360dialog applies (`status`, `client_id`, …), sent as the `filters` JSON object.
    #[serde(default)]
    pub filters: BTreeMap<String, String>,
}

/// A channel (a phone number) of the partner's clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PartnerChannel {
    pub id: String,
    pub client_id: String,
    pub client_name: Option<String>,
    pub waba_id: Option<String>,
    /// The phone number as 360dialog gives it.
    pub phone: Option<String>,
    pub phone_name: Option<String>,
    pub status: Option<String>,
    pub account_mode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChannelPage {
    pub channels: Vec<PartnerChannel>,
    /// All channels matching the filters (every page).
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

/// A key minted with `POST /partners/{partner_id}/channels/{channel_id}/api_keys`. It revokes
/// every older key of the channel; this answer is its only copy.
pub struct MintedKey {
    pub api_key: Sensitive<String>,
    /// The Messaging API the key is for, when the answer names it.
    pub address: Option<String>,
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl PartnerChannel {
    /// Reads a channel object leniently: the phone and name may sit at the top or under
    /// `setup_info`, the WABA under `waba_account`.
    pub fn from_json(v: &Value) -> Option<Self> {
        let id = text(v, &["id"])?;
        Some(Self {
            id,
            client_id: text(v, &["client_id"])
                .or_else(|| text(v, &["client", "id"]))
                .unwrap_or_default(),
            client_name: text(v, &["client", "name"]).or_else(|| text(v, &["client_name"])),
            waba_id: text(v, &["waba_account", "external_id"])
                .or_else(|| text(v, &["waba_account", "id"]))
                .or_else(|| text(v, &["waba_id"])),
            phone: text(v, &["setup_info", "phone_number"]).or_else(|| text(v, &["phone_number"])),
            phone_name: text(v, &["setup_info", "phone_name"]).or_else(|| text(v, &["phone_name"])),
            status: text(v, &["status"]),
            account_mode: text(v, &["account_mode"]),
        })
    }
}

/// A partner or channel id as a path segment: letters, digits, `-` and `_` only.
pub fn check_id(what: &str, id: &str) -> Result<()> {
    let id = id.trim();
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Error::Validation(format!(
            "'{id}' is not a {what}: use letters, digits, '-' and '_' only (the {what} shown in the Partner Hub)"
        )));
    }
    Ok(())
}

impl Client {
    /// `GET /partners/{partner_id}/channels` with `offset`, `limit` and `filters`.
    pub async fn partner_channels(
        &self,
        partner_id: &str,
        q: &ChannelQuery,
    ) -> Result<ChannelPage> {
        check_id("partner id", partner_id)?;
        let limit = if q.limit == 0 { 50 } else { q.limit.min(100) };
        // The serializer is not `Send`: it must not live across the await below.
        let query = {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("offset", &q.offset.to_string());
            query.append_pair("limit", &limit.to_string());
            if !q.filters.is_empty() {
                let filters = serde_json::to_string(&q.filters)
                    .map_err(|e| Error::Internal(e.to_string()))?;
                query.append_pair("filters", &filters);
            }
            query.finish()
        };
        let path = format!("/partners/{partner_id}/channels?{query}");
        let v = self
            .request(Method::GET, &path, Payload::None, Call::Read)
            .await?;
        let list = v
            .get("partner_channels")
            .or_else(|| v.get("channels"))
            .and_then(Value::as_array)
            .ok_or_else(|| {
                Error::from(ApiError::unexpected(
                    "the channel list from the Partner API has no partner_channels",
                ))
            })?;
        let channels: Vec<PartnerChannel> =
            list.iter().filter_map(PartnerChannel::from_json).collect();
        let total = v
            .get("total")
            .or_else(|| v.get("count"))
            .and_then(Value::as_u64)
            .map(|t| t as u32)
            .unwrap_or(q.offset + channels.len() as u32);
        Ok(ChannelPage {
            channels,
            total,
            offset: q.offset,
            limit,
        })
    }

    /// One channel, by its id (`filters={"id": …}`).
    pub async fn partner_channel(
        &self,
        partner_id: &str,
        channel_id: &str,
    ) -> Result<PartnerChannel> {
        check_id("channel id", channel_id)?;
        let q = ChannelQuery {
            offset: 0,
            limit: 1,
            filters: BTreeMap::from([("id".to_string(), channel_id.to_string())]),
        };
        self.partner_channels(partner_id, &q)
            .await?
            .channels
            .into_iter()
            .find(|c| c.id == channel_id)
            .ok_or_else(|| {
                Error::Validation(format!(
                    "the partner account has no channel {channel_id}; list the channels to see their ids"
                ))
            })
    }

    /// `POST /partners/{partner_id}/channels/{channel_id}/api_keys`: a new key for the channel,
    /// revoking all older ones. A lost answer is reported as an unknown outcome (the old key
    /// may already be revoked).
    pub async fn mint_api_key(&self, partner_id: &str, channel_id: &str) -> Result<MintedKey> {
        check_id("partner id", partner_id)?;
        check_id("channel id", channel_id)?;
        let path = format!("/partners/{partner_id}/channels/{channel_id}/api_keys");
        let v = self
            .request(Method::POST, &path, Payload::None, Call::Send)
            .await?;
        let key = text(&v, &["api_key"]).ok_or_else(|| {
            Error::from(ApiError::unexpected(
                "the Partner API answered the key request without an api_key",
            ))
        })?;
        Ok(MintedKey {
            api_key: Sensitive::new(key),
            address: text(&v, &["address"]),
        })
    }

    /// `GET /partners/{partner_id}/webhook_url`.
    pub async fn partner_webhook_url(&self, partner_id: &str) -> Result<Option<String>> {
        check_id("partner id", partner_id)?;
        let path = format!("/partners/{partner_id}/webhook_url");
        let v = self
            .request(Method::GET, &path, Payload::None, Call::Read)
            .await?;
        Ok(text(&v, &["webhook_url"]))
    }

    /// `POST /partners/{partner_id}/webhook_url` with `{"webhook_url": …}`.
    pub async fn set_partner_webhook_url(
        &self,
        partner_id: &str,
        url: &str,
    ) -> Result<Option<String>> {
        check_id("partner id", partner_id)?;
        let path = format!("/partners/{partner_id}/webhook_url");
        let body = serde_json::json!({ "webhook_url": url });
        let v = self
            .request(Method::POST, &path, Payload::Json(body), Call::Write)
            .await?;
        #[derive(Deserialize)]
        struct Echo {
            webhook_url: Option<String>,
        }
        Ok(decode::<Echo>(&path, v)
            .map(|e| e.webhook_url)
            .unwrap_or_else(|_| Some(url.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_is_read_from_either_shape() {
        let nested = serde_json::json!({
            "id": "CH1", "client_id": "CL1", "status": "ready", "account_mode": "live",
            "setup_info": {"phone_number": "15550000100", "phone_name": "Shop"},
            "waba_account": {"id": "W-int", "external_id": "1234"}
        });
        let c = PartnerChannel::from_json(&nested).unwrap();
        assert_eq!(c.phone.as_deref(), Some("15550000100"));
        assert_eq!(c.phone_name.as_deref(), Some("Shop"));
        assert_eq!(c.waba_id.as_deref(), Some("1234"));
        let flat = serde_json::json!({"id": "CH2", "client_id": "CL2", "phone_number": "+1 555"});
        let c = PartnerChannel::from_json(&flat).unwrap();
        assert_eq!(c.phone.as_deref(), Some("+1 555"));
        assert!(PartnerChannel::from_json(&serde_json::json!({"client_id": "x"})).is_none());
    }

    #[test]
    fn ids_in_paths_are_plain() {
        assert!(check_id("partner id", "PA1b-x_2").is_ok());
        assert!(check_id("partner id", "../x").is_err());
        assert!(check_id("channel id", "").is_err());
        assert!(check_id("channel id", "a b").is_err());
    }
}
