//! The closed lists of the domain and the limits the UI shows, in one answer: the UI builds its
//! filters, badges and hints from it instead of copying the core's words. `cargo test` writes it
//! next to the TypeScript bindings as `vocabulary.generated.ts` (committed, like them).

use serde::Serialize;
use ts_rs::TS;

use crate::api::Environment;
use crate::audit::{Actor, AuditAction};
use crate::contact::{Contact, PHONE_DIGITS};
use crate::history::{Direction, MessageStatus};
use crate::inbox::{InboxSource, InboxState};
use crate::numbers::KeyState;
use crate::onboarding::{business_profile, components, Vertical, BLOCK_MAX_PER_REQUEST};
use crate::service::Core;
use crate::templates::{languages, lint};
use crate::Result;

/// One word of a closed list and how the UI names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Term<T> {
    pub value: T,
    pub label: String,
}

/// A message status with its place in the forward-only order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StatusTerm {
    pub value: MessageStatus,
    pub label: String,
    /// Higher ranks replace lower ones; `failed` ranks above all and is terminal.
    #[ts(type = "number")]
    pub rank: i64,
    /// No further status is expected.
    pub is_final: bool,
}

/// A template language Meta offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Language {
    pub code: String,
    pub name: String,
}

/// The texts Meta writes into an authentication template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuthenticationText {
    /// The body; `{{1}}` is the code.
    pub body: String,
    /// Appended to the body (after a space) when the security recommendation is on.
    pub security_recommendation: String,
    /// The footer when an expiry is set; `{{minutes}}` is the number of minutes.
    pub expiry_footer: String,
    /// The code previews show.
    pub sample_code: String,
}

/// Limits the UI shows in hints and enforces in fields (the core checks them again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Limits {
    pub template_name_max: u32,
    pub template_body_max: u32,
    pub header_text_max: u32,
    pub footer_max: u32,
    pub button_label_max: u32,
    pub button_url_max: u32,
    pub code_expiration_min: u32,
    pub code_expiration_max: u32,
    /// A free-text message's body.
    pub text_body_max: u32,
    /// Digits of a phone number with its country code.
    pub phone_digits_min: u32,
    pub phone_digits_max: u32,
    /// Carousels: cards per template, a card's text, buttons per card.
    pub carousel_cards_min: u32,
    pub carousel_cards_max: u32,
    pub card_body_max: u32,
    pub card_buttons_max: u32,
    /// Limited-time offers: the offer text, the body, the sample code.
    pub offer_text_max: u32,
    pub offer_body_max: u32,
    pub offer_code_max: u32,
    /// Business profile fields.
    pub profile_about_max: u32,
    pub profile_description_max: u32,
    pub profile_address_max: u32,
    pub profile_email_max: u32,
    pub profile_websites_max: u32,
    pub profile_website_max: u32,
    /// Conversational components.
    pub ice_breakers_max: u32,
    pub ice_breaker_max: u32,
    pub commands_max: u32,
    pub command_name_max: u32,
    pub command_description_max: u32,
    /// Users per block or unblock request.
    pub block_users_max: u32,
}

/// Every closed list of the domain, with labels, plus the texts and limits the UI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Vocabulary {
    pub statuses: Vec<StatusTerm>,
    pub directions: Vec<Term<Direction>>,
    pub audit_actions: Vec<Term<AuditAction>>,
    pub actors: Vec<Term<Actor>>,
    pub key_states: Vec<Term<KeyState>>,
    pub environments: Vec<Term<Environment>>,
    pub inbox_states: Vec<Term<InboxState>>,
    /// Where an inbox event came from.
    pub inbox_sources: Vec<Term<InboxSource>>,
    /// Meta's industries for the business profile.
    pub verticals: Vec<Term<Vertical>>,
    pub languages: Vec<Language>,
    pub template_statuses: Vec<TemplateStatusTerm>,
    pub rejection_reasons: Vec<RejectionTerm>,
    pub authentication: AuthenticationText,
    pub limits: Limits,
    /// 360dialog's rules shown where they matter.
    pub rules: RuleNotes,
}

/// 360dialog's messaging rules, in the words the app shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RuleNotes {
    /// Shown on test-sends and QA runs.
    pub opt_in: String,
    /// Shown for recipients with the country code of Türkiye.
    pub turkiye: String,
    /// The country code the Türkiye note is shown for.
    pub turkiye_country_code: String,
    /// Shown before an API key goes into an exported file.
    pub key_in_file: String,
}

fn terms<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<Term<T>> {
    all.iter()
        .map(|&value| Term {
            value,
            label: label(value).to_string(),
        })
        .collect()
}

/// A template status (Meta's, upper case) in plain words, with how the UI marks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TemplateStatusTerm {
    pub value: String,
    /// `ok`, `wait`, `warn` or `bad`.
    pub tone: String,
    pub meaning: String,
}

/// One of Meta's rejection reasons, what it means and the builder field it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RejectionTerm {
    pub value: String,
    pub meaning: String,
    pub field: Option<String>,
}

/// The vocabulary (the same for every caller; no I/O).
pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        statuses: MessageStatus::ALL
            .into_iter()
            .map(|s| StatusTerm {
                value: s,
                label: s.label().to_string(),
                rank: s.rank(),
                is_final: s.is_final(),
            })
            .collect(),
        directions: terms(&Direction::ALL, Direction::label),
        audit_actions: terms(&AuditAction::ALL, AuditAction::label),
        actors: terms(&Actor::ALL, Actor::label),
        key_states: terms(&KeyState::ALL, KeyState::label),
        environments: terms(&Environment::ALL, Environment::label),
        inbox_states: terms(&InboxState::ALL, InboxState::label),
        inbox_sources: terms(&InboxSource::ALL, InboxSource::label),
        verticals: terms(&Vertical::ALL, Vertical::label),
        languages: languages::LANGUAGES
            .iter()
            .map(|(code, name)| Language {
                code: code.to_string(),
                name: name.to_string(),
            })
            .collect(),
        template_statuses: crate::templates::library::TEMPLATE_STATUSES
            .iter()
            .map(|(value, tone, meaning)| TemplateStatusTerm {
                value: value.to_string(),
                tone: tone.to_string(),
                meaning: meaning.to_string(),
            })
            .collect(),
        rejection_reasons: crate::api::REJECTION_REASONS
            .iter()
            .map(|r| RejectionTerm {
                value: r.to_string(),
                meaning: crate::api::explain_rejection(r)
                    .unwrap_or_default()
                    .to_string(),
                field: crate::api::rejection_field(r).map(str::to_string),
            })
            .collect(),
        authentication: AuthenticationText {
            body: languages::AUTH_BODY.into(),
            security_recommendation: languages::AUTH_SECURITY_RECOMMENDATION.into(),
            expiry_footer: languages::AUTH_EXPIRY_FOOTER.into(),
            sample_code: languages::AUTH_SAMPLE_CODE.into(),
        },
        limits: Limits {
            template_name_max: lint::NAME_MAX as u32,
            template_body_max: lint::BODY_MAX as u32,
            header_text_max: lint::HEADER_TEXT_MAX as u32,
            footer_max: lint::FOOTER_MAX as u32,
            button_label_max: lint::BUTTON_LABEL_MAX as u32,
            button_url_max: lint::URL_MAX as u32,
            code_expiration_min: *languages::AUTH_EXPIRY_MINUTES.start(),
            code_expiration_max: *languages::AUTH_EXPIRY_MINUTES.end(),
            text_body_max: crate::send::MAX_TEXT_BODY as u32,
            phone_digits_min: *PHONE_DIGITS.start() as u32,
            phone_digits_max: *PHONE_DIGITS.end() as u32,
            carousel_cards_min: lint::CAROUSEL_CARDS_MIN as u32,
            carousel_cards_max: lint::CAROUSEL_CARDS_MAX as u32,
            card_body_max: lint::CARD_BODY_MAX as u32,
            card_buttons_max: lint::CARD_BUTTONS_MAX as u32,
            offer_text_max: lint::OFFER_TEXT_MAX as u32,
            offer_body_max: lint::OFFER_BODY_MAX as u32,
            offer_code_max: lint::OFFER_CODE_MAX as u32,
            profile_about_max: business_profile::ABOUT_MAX as u32,
            profile_description_max: business_profile::DESCRIPTION_MAX as u32,
            profile_address_max: business_profile::ADDRESS_MAX as u32,
            profile_email_max: business_profile::EMAIL_MAX as u32,
            profile_websites_max: business_profile::WEBSITES_MAX as u32,
            profile_website_max: business_profile::WEBSITE_MAX as u32,
            ice_breakers_max: components::ICE_BREAKERS_MAX as u32,
            ice_breaker_max: components::ICE_BREAKER_MAX as u32,
            commands_max: components::COMMANDS_MAX as u32,
            command_name_max: components::COMMAND_NAME_MAX as u32,
            command_description_max: components::COMMAND_DESCRIPTION_MAX as u32,
            block_users_max: BLOCK_MAX_PER_REQUEST as u32,
        },
        rules: RuleNotes {
            opt_in: crate::contact::OPT_IN_REMINDER.into(),
            turkiye: crate::contact::TURKIYE_NOTE.into(),
            turkiye_country_code: crate::contact::TURKIYE_COUNTRY_CODE.into(),
            key_in_file: crate::postman::KEY_WARNING.into(),
        },
    }
}

/// The vocabulary as a TypeScript module typed by its ts-rs binding.
pub fn typescript(v: &Vocabulary) -> String {
    let json = serde_json::to_string_pretty(v).expect("the vocabulary serialises");
    format!(
        "// Generated by the core's tests from `wabadesk_core::vocabulary` (cargo test -p wabadesk-core). Do not edit.\n\
         import type {{ Vocabulary }} from \"./Vocabulary\";\n\n\
         export const VOCABULARY: Vocabulary = {json};\n"
    )
}

impl Core {
    /// Every closed list of the domain with labels, and the texts and limits the UI shows.
    pub fn vocabulary(&self) -> Vocabulary {
        vocabulary()
    }

    /// Parses a contact's phone number the way every send and lookup does.
    pub fn parse_contact(&self, input: &str) -> Result<Contact> {
        Contact::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_complete_and_serialise_as_stored() {
        let v = vocabulary();
        let json = serde_json::to_value(&v).unwrap();
        let finals: Vec<&str> = json["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["is_final"] == true)
            .map(|s| s["value"].as_str().unwrap())
            .collect();
        assert_eq!(
            finals,
            ["read", "played", "failed", "not_sent"],
            "played is final, and so is a send that never went out"
        );
        assert_eq!(v.audit_actions.len(), AuditAction::ALL.len());
        assert_eq!(json["audit_actions"][0]["value"], "key_set");
        assert_eq!(json["directions"][0]["value"], "out");
        assert_eq!(json["inbox_states"][2]["value"], "unknown_number");
        assert_eq!(json["key_states"][0]["value"], "none");
        assert_eq!(json["environments"][2]["value"], "simulator");
        assert_eq!(json["actors"][1]["value"], "cli");
        assert!(v.languages.iter().any(|l| l.code == "en_US"));
        assert_eq!(v.limits.template_body_max, 1024);
        assert_eq!(v.limits.text_body_max, 4096);
        assert_eq!(
            (v.limits.phone_digits_min, v.limits.phone_digits_max),
            (8, 15)
        );
        assert!(v.authentication.body.contains("{{1}}"));
        let labels: std::collections::HashSet<&str> =
            v.audit_actions.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels.len(),
            v.audit_actions.len(),
            "labels tell actions apart"
        );
    }

    #[test]
    fn every_template_status_and_rejection_reason_has_plain_words() {
        let v = vocabulary();
        // Meta's statuses (and 360dialog's "submitted"): each explained, paused a warning.
        for s in [
            "APPROVED",
            "PENDING",
            "SUBMITTED",
            "IN_APPEAL",
            "REJECTED",
            "PAUSED",
            "DISABLED",
            "PENDING_DELETION",
            "DELETED",
            "LIMIT_EXCEEDED",
        ] {
            let t = v
                .template_statuses
                .iter()
                .find(|t| t.value == s)
                .unwrap_or_else(|| panic!("{s}"));
            assert!(t.meaning.len() > 20, "{s}: {}", t.meaning);
            assert!(
                ["ok", "wait", "warn", "bad"].contains(&t.tone.as_str()),
                "{s}"
            );
        }
        let tone = |s: &str| crate::templates::library::template_status(s).map(|t| t.0);
        assert_eq!(tone("approved"), Some("ok"));
        assert_eq!(
            tone("paused"),
            Some("warn"),
            "paused is a warning, not success"
        );
        assert_eq!(tone("rejected"), Some("bad"));
        assert_eq!(
            v.template_statuses
                .iter()
                .filter(|t| t.tone == "ok")
                .count(),
            1
        );
        // Meta's rejection reasons: each explained, and where the builder shows it.
        assert_eq!(v.rejection_reasons.len(), 7);
        for r in &v.rejection_reasons {
            assert!(
                r.meaning.starts_with("Rejected "),
                "{}: {}",
                r.value,
                r.meaning
            );
            assert!(r.field.is_some(), "{}", r.value);
        }
        assert_eq!(crate::api::rejection_field("promotional"), Some("category"));
        assert_eq!(crate::api::rejection_field("INVALID_FORMAT"), Some("body"));
        assert_eq!(crate::api::rejection_field("NONE"), None);
    }

    /// The UI's copy of the vocabulary: written where ts-rs writes the bindings, committed with
    /// them (a changed list shows up as a diff of the generated file).
    #[test]
    fn export_vocabulary_for_the_ui() {
        let dir = std::env::var_os("TS_RS_EXPORT_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../ui/src/lib/ipc/bindings")
            });
        let text = typescript(&vocabulary());
        assert!(text.contains("\"played\""));
        let path = dir.join("vocabulary.generated.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, &text).unwrap();
        }
    }
}
