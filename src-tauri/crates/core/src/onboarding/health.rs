//! Health in full: what `GET /health_status` says of the number, its WABA, business and app,
//! and what each value means for sending. Quality rating, messaging limit and display-name
//! status are the number's fields on Meta's Graph API (`GET /{PHONE_NUMBER_ID}`), for which
//! 360dialog's Messaging API documents no path (reference §2.9): each of their values is
//! explained, and the current value is left empty (with where to see it) rather than read from
//! a guessed path.

use serde::Serialize;
use ts_rs::TS;

use crate::api::{HealthIssue, HealthStatus};
use crate::service::Core;
use crate::Result;

/// A value and what it means for sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HealthMeaning {
    pub value: String,
    pub label: String,
    pub meaning: String,
    /// `ok`, `warning` or `blocked`: how the UI colours it.
    pub tone: String,
}

fn meaning(value: &str, label: &str, meaning: &str, tone: &str) -> HealthMeaning {
    HealthMeaning {
        value: value.into(),
        label: label.into(),
        meaning: meaning.into(),
        tone: tone.into(),
    }
}

/// One entity of `/health_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EntityHealth {
    pub entity_type: String,
    pub label: String,
    pub id: String,
    pub can_send: HealthMeaning,
    pub issues: Vec<HealthIssue>,
}

/// One aspect of a number's standing with what each of its values means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HealthAspect {
    pub name: String,
    /// The current value; `None` while no documented call reports it.
    pub current: Option<HealthMeaning>,
    /// Where to see it when it is not reported.
    pub source: String,
    pub values: Vec<HealthMeaning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NumberHealth {
    #[ts(type = "number")]
    pub number_id: i64,
    pub checked_at: Option<String>,
    /// The overall `can_send_message`; `None` before the first check.
    pub overall: Option<HealthMeaning>,
    pub entities: Vec<EntityHealth>,
    pub aspects: Vec<HealthAspect>,
}

/// What a `can_send_message` value means.
pub fn can_send(value: &str) -> HealthMeaning {
    match value.to_ascii_uppercase().as_str() {
        "AVAILABLE" => meaning(value, "Available", "Messages can be sent.", "ok"),
        "LIMITED" => meaning(
            value,
            "Limited",
            "Messages can be sent, but with limits (for example a lower messaging limit or only some message types) until the issues listed are solved.",
            "warning",
        ),
        "BLOCKED" => meaning(
            value,
            "Blocked",
            "No message can be sent until the issues listed are solved.",
            "blocked",
        ),
        _ => meaning(
            value,
            value,
            "A value WABA Desk does not know; check the number in the 360dialog Hub.",
            "warning",
        ),
    }
}

fn entity_label(kind: &str) -> &'static str {
    match kind.to_ascii_uppercase().as_str() {
        "PHONE_NUMBER" => "This phone number",
        "WABA" => "WhatsApp Business Account",
        "BUSINESS" => "Meta business portfolio",
        "APP" => "360dialog's app",
        _ => "Other",
    }
}

fn quality_values() -> Vec<HealthMeaning> {
    vec![
        meaning("GREEN", "High quality", "Recipients are satisfied; the messaging limit can grow.", "ok"),
        meaning("YELLOW", "Medium quality", "Recipients have been blocking or reporting messages; improve them before the rating drops.", "warning"),
        meaning("RED", "Low quality", "Many recipients block or report messages; the messaging limit may be lowered and templates paused.", "blocked"),
        meaning("UNKNOWN", "Not rated yet", "Too few messages so far for a rating.", "ok"),
    ]
}

fn limit_values() -> Vec<HealthMeaning> {
    vec![
        meaning("TIER_250", "250 users / 24 h", "Business-initiated conversations with at most 250 unique users in a moving 24 hours (shared by the portfolio's numbers).", "warning"),
        meaning("TIER_2K", "2,000 users / 24 h", "At most 2,000 unique users in a moving 24 hours.", "ok"),
        meaning("TIER_10K", "10,000 users / 24 h", "At most 10,000 unique users in a moving 24 hours.", "ok"),
        meaning("TIER_100K", "100,000 users / 24 h", "At most 100,000 unique users in a moving 24 hours.", "ok"),
        meaning("TIER_UNLIMITED", "Unlimited", "No limit on business-initiated conversations.", "ok"),
    ]
}

fn name_values() -> Vec<HealthMeaning> {
    vec![
        meaning("APPROVED", "Approved", "The display name is shown to recipients.", "ok"),
        meaning("PENDING_REVIEW", "In review", "Meta is reviewing the display name; messages can be sent, recipients see the phone number.", "warning"),
        meaning("DECLINED", "Declined", "The display name was refused; change it in WhatsApp Manager before the number can scale.", "blocked"),
        meaning("NONE", "Not submitted", "No display name has been submitted.", "warning"),
    ]
}

/// The full health of a number from its last `/health_status` answer.
pub fn explain(
    number_id: i64,
    health: Option<&HealthStatus>,
    checked_at: Option<String>,
) -> NumberHealth {
    let source =
        "not in 360dialog's Messaging API; see the number in the 360dialog Hub or WhatsApp Manager";
    NumberHealth {
        number_id,
        checked_at,
        overall: health
            .filter(|h| !h.can_send_message.is_empty())
            .map(|h| can_send(&h.can_send_message)),
        entities: health
            .map(|h| {
                h.entities
                    .iter()
                    .map(|e| EntityHealth {
                        entity_type: e.entity_type.clone(),
                        label: entity_label(&e.entity_type).into(),
                        id: e.id.clone(),
                        can_send: can_send(e.can_send_message.as_deref().unwrap_or("UNKNOWN")),
                        issues: e.errors.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        aspects: vec![
            HealthAspect {
                name: "Quality rating".into(),
                current: None,
                source: source.into(),
                values: quality_values(),
            },
            HealthAspect {
                name: "Messaging limit".into(),
                current: None,
                source: source.into(),
                values: limit_values(),
            },
            HealthAspect {
                name: "Display name status".into(),
                current: None,
                source: source.into(),
                values: name_values(),
            },
        ],
    }
}

impl Core {
    /// The number's health from its last check (a key verification or "check health"
    /// refreshes it), explained.
    pub fn number_health(&self, number_id: i64) -> Result<NumberHealth> {
        let n = self.number(number_id)?;
        Ok(explain(number_id, n.health.as_ref(), n.health_checked_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::HealthEntity;

    #[test]
    fn each_can_send_value_has_a_meaning_for_sending() {
        assert_eq!(can_send("AVAILABLE").tone, "ok");
        assert_eq!(can_send("LIMITED").tone, "warning");
        assert_eq!(can_send("BLOCKED").tone, "blocked");
        assert!(can_send("BLOCKED").meaning.contains("No message"));
        assert_eq!(can_send("SOMETHING_NEW").label, "SOMETHING_NEW");
    }

    #[test]
    fn entities_keep_their_issues_and_get_labels() {
        let h = HealthStatus {
            can_send_message: "LIMITED".into(),
            entities: vec![HealthEntity {
                entity_type: "PHONE_NUMBER".into(),
                id: "123".into(),
                can_send_message: Some("LIMITED".into()),
                errors: vec![HealthIssue {
                    error_code: Some(141010),
                    error_description: Some(
                        "The Business has not passed business verification.".into(),
                    ),
                    possible_solution: Some("Verify the business.".into()),
                }],
                display_phone_number: None,
            }],
        };
        let n = explain(1, Some(&h), Some("2026-01-01T00:00:00Z".into()));
        assert_eq!(n.overall.unwrap().label, "Limited");
        assert_eq!(n.entities[0].label, "This phone number");
        assert_eq!(n.entities[0].issues[0].error_code, Some(141010));
        assert_eq!(n.aspects.len(), 3);
        assert!(n.aspects.iter().all(|a| !a.values.is_empty()));
        assert!(explain(1, None, None).overall.is_none());
    }
}
