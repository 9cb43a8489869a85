//! Request and response bodies of the 360dialog Cloud API, read leniently: unknown fields are
//! ignored and optional ones default, because 360dialog's answers vary (reference §2).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

/// `GET /health_status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HealthStatus {
    /// AVAILABLE, LIMITED or BLOCKED (kept verbatim if Meta adds values).
    pub can_send_message: String,
    pub entities: Vec<HealthEntity>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HealthEntity {
    /// PHONE_NUMBER, WABA, BUSINESS, APP.
    pub entity_type: String,
    pub id: String,
    pub can_send_message: Option<String>,
    pub errors: Vec<HealthIssue>,
    /// The display number, where the answer gives one (PHONE_NUMBER entities).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub display_phone_number: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HealthIssue {
    #[ts(type = "number | null")]
    pub error_code: Option<i64>,
    pub error_description: Option<String>,
    pub possible_solution: Option<String>,
}

impl HealthStatus {
    fn entity(&self, kind: &str) -> Option<&HealthEntity> {
        self.entities
            .iter()
            .find(|e| e.entity_type.eq_ignore_ascii_case(kind))
    }

    /// The number's phone-number id: inbound webhooks carry it as `metadata.phone_number_id`.
    pub fn phone_number_id(&self) -> Option<&str> {
        self.entity("PHONE_NUMBER").map(|e| e.id.as_str())
    }

    /// The display number of the key's phone number, where the answer gives one.
    pub fn display_phone_number(&self) -> Option<&str> {
        self.entity("PHONE_NUMBER")
            .and_then(|e| e.display_phone_number.as_deref())
    }

    pub fn waba_id(&self) -> Option<&str> {
        self.entity("WABA").map(|e| e.id.as_str())
    }
}

#[derive(Deserialize)]
pub(crate) struct HealthEnvelope {
    pub health_status: HealthStatus,
}

/// A number's webhook (`/v1/configs/webhook`): URL and the headers 360dialog forwards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct WebhookConfig {
    /// `None` when no webhook is set.
    pub url: Option<String>,
    pub headers: BTreeMap<String, String>,
}

/// `/multi_webhook`: extra destinations that get a copy of each event once the main webhook
/// answered 200.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct MultiWebhook {
    pub enabled: bool,
    pub destinations: Vec<Destination>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct Destination {
    /// Case-sensitive unique name.
    pub name: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

/// One template as `GET /v1/configs/templates` lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TemplateInfo {
    pub id: Option<String>,
    pub name: String,
    pub language: String,
    pub category: String,
    /// Verbatim: 360dialog lists lower case (`approved`), Meta uses upper case; compare with
    /// [`TemplateInfo::status_is`].
    pub status: String,
    pub rejected_reason: Option<String>,
    pub parameter_format: Option<String>,
    pub namespace: Option<String>,
    #[ts(type = "unknown")]
    pub components: Value,
    #[ts(type = "unknown")]
    pub quality_score: Option<Value>,
}

impl TemplateInfo {
    pub fn status_is(&self, status: &str) -> bool {
        self.status.eq_ignore_ascii_case(status)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TemplatePage {
    pub count: usize,
    pub limit: usize,
    pub offset: usize,
    pub total: usize,
    pub waba_templates: Vec<TemplateInfo>,
}

/// A number's business profile as `GET /whatsapp_business_profile` answers it (inside
/// `data[0]`); every field is optional because Meta leaves unset ones out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BusinessProfileFields {
    pub about: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub websites: Vec<String>,
    /// One of Meta's industry names (`UNDEFINED`, `RETAIL`, …), kept verbatim.
    pub vertical: Option<String>,
    pub profile_picture_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BusinessProfileEnvelope {
    pub data: Vec<BusinessProfileFields>,
}

/// One command of the conversational components.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BotCommand {
    pub command_name: String,
    pub command_description: String,
}

/// `/conversational_automation`: the welcome-message switch, ice breakers (`prompts`) and
/// commands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ConversationalAutomation {
    pub enable_welcome_message: bool,
    pub prompts: Vec<String>,
    pub commands: Vec<BotCommand>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ConversationalAutomationEnvelope {
    pub conversational_automation: Option<ConversationalAutomation>,
}

/// One user in an answer of `/block_users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BlockedUser {
    /// What was sent (a phone number or wa_id); empty in a listing.
    pub input: String,
    pub wa_id: String,
    /// Why Meta refused this user (only in `failed_users`).
    pub errors: Vec<BlockUserError>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BlockUserError {
    pub message: String,
    #[ts(type = "number | null")]
    pub code: Option<i64>,
    #[ts(type = "unknown")]
    pub error_data: Option<Value>,
}

/// What `POST` and `DELETE /block_users` answer: who was changed and who was not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct BlockUsersResult {
    pub added_users: Vec<BlockedUser>,
    pub removed_users: Vec<BlockedUser>,
    pub failed_users: Vec<BlockedUser>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BlockUsersEnvelope {
    pub block_users: BlockUsersResult,
}

/// One page of `GET /block_users`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BlockedPage {
    pub data: Vec<BlockedUser>,
    pub paging: Option<Paging>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Paging {
    pub cursors: Option<Cursors>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Cursors {
    pub after: Option<String>,
}

/// Answer to `POST /messages`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SendResponse {
    pub contacts: Vec<SendContact>,
    pub messages: Vec<SentMessage>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SendContact {
    pub input: String,
    pub wa_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct SentMessage {
    pub id: String,
    /// Template pacing: accepted, held_for_quality_assessment, paused.
    pub message_status: Option<String>,
}

impl SendResponse {
    /// The `wamid.` of the sent message: status webhooks refer to it.
    pub fn wamid(&self) -> Option<&str> {
        self.messages.first().map(|m| m.id.as_str())
    }
}

/// A message to send with `POST /messages`.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Text {
        to: String,
        body: String,
        preview_url: bool,
    },
    /// `components` is the send-time array (`header`/`body`/`button` with parameters).
    Template {
        to: String,
        name: String,
        language: String,
        components: Vec<Value>,
    },
    /// An image, video, audio, document or sticker message: `source` is a media id from an
    /// upload or an https link; images, videos and documents may have a caption, documents a
    /// file name.
    Media {
        to: String,
        kind: String,
        source: String,
        caption: Option<String>,
        filename: Option<String>,
    },
}

impl Outgoing {
    /// The request with `biz_opaque_callback_data` set to `reference`: Meta echoes it in every
    /// status of the message, so statuses find the send even if its answer was lost.
    pub fn to_json_tracked(&self, reference: &str) -> Value {
        let mut v = self.to_json();
        v["biz_opaque_callback_data"] = Value::from(reference);
        v
    }

    pub fn to_json(&self) -> Value {
        match self {
            Outgoing::Text {
                to,
                body,
                preview_url,
            } => json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": {"body": body, "preview_url": preview_url},
            }),
            Outgoing::Template {
                to,
                name,
                language,
                components,
            } => {
                let mut template = json!({"name": name, "language": {"code": language}});
                if !components.is_empty() {
                    template["components"] = Value::from(components.clone());
                }
                json!({
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": to,
                    "type": "template",
                    "template": template,
                })
            }
            Outgoing::Media {
                to,
                kind,
                source,
                caption,
                filename,
            } => {
                let mut media = if source.starts_with("https://") || source.starts_with("http://") {
                    json!({ "link": source })
                } else {
                    json!({ "id": source })
                };
                if let Some(c) = caption.as_deref().filter(|c| !c.is_empty()) {
                    media["caption"] = Value::from(c);
                }
                if let Some(f) = filename.as_deref().filter(|f| !f.is_empty()) {
                    media["filename"] = Value::from(f);
                }
                json!({
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": to,
                    "type": kind,
                    kind.clone(): media,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outgoing_text_matches_the_documented_request() {
        let m = Outgoing::Text {
            to: "+16505551234".into(),
            body: "Hello, dear customer!".into(),
            preview_url: false,
        };
        assert_eq!(
            m.to_json(),
            json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
                   "type":"text","text":{"body":"Hello, dear customer!","preview_url":false}})
        );
    }

    #[test]
    fn outgoing_media_matches_the_documented_request() {
        let m = Outgoing::Media {
            to: "+16505551234".into(),
            kind: "image".into(),
            source: "1234".into(),
            caption: Some("Spring sale".into()),
            filename: None,
        };
        assert_eq!(
            m.to_json(),
            json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234",
                   "type":"image","image":{"id":"1234","caption":"Spring sale"}})
        );
        let d = Outgoing::Media {
            to: "+16505551234".into(),
            kind: "document".into(),
            source: "https://example.com/menu.pdf".into(),
            caption: None,
            filename: Some("menu.pdf".into()),
        };
        assert_eq!(
            d.to_json()["document"],
            json!({"link": "https://example.com/menu.pdf", "filename": "menu.pdf"})
        );
    }

    #[test]
    fn lenient_parsing_of_odd_answers() {
        let w: WebhookConfig = serde_json::from_value(json!({"url": null})).unwrap();
        assert_eq!(w, WebhookConfig::default());
        let t: TemplateInfo =
            serde_json::from_value(json!({"name": "x", "status": "approved", "extra": 1})).unwrap();
        assert!(t.status_is("APPROVED"));
    }
}
