//! WhatsApp numbers: E.164 phone, label, environment (base URL), notes, and the state of their
//! API key (the key itself is only ever in the OS keyring).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{Environment, HealthStatus};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::contact::Contact;
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

pub(crate) mod store;

/// Normalises a phone number to E.164 (`+` and 8 to 15 digits, no leading zero); the one
/// parser is [`Contact::parse`].
pub fn normalize_phone(input: &str) -> Result<String> {
    Contact::parse(input).map(|c| c.e164())
}

/// A message recipient as 360dialog takes it (the wa_id: country code and number, digits only),
/// from any spelling [`Contact::parse`] accepts.
pub fn recipient(input: &str) -> Result<String> {
    Contact::parse(input).map(|c| c.wa_id().to_string())
}

/// The state of a number's API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum KeyState {
    /// No key stored.
    None,
    /// Stored without checking it against the API.
    Unverified,
    /// The API accepted it at the last check.
    Verified,
    /// The API answered 401: a newer key was generated; paste it.
    Superseded,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::None => "none",
            KeyState::Unverified => "unverified",
            KeyState::Verified => "verified",
            KeyState::Superseded => "superseded",
        }
    }

    pub const ALL: [KeyState; 4] = [
        KeyState::None,
        KeyState::Unverified,
        KeyState::Verified,
        KeyState::Superseded,
    ];

    pub fn label(self) -> &'static str {
        match self {
            KeyState::None => "No key",
            KeyState::Unverified => "Unverified",
            KeyState::Verified => "Verified",
            KeyState::Superseded => "Superseded",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "unverified" => KeyState::Unverified,
            "verified" => KeyState::Verified,
            "superseded" => KeyState::Superseded,
            _ => KeyState::None,
        }
    }
}

/// A number as the UI and CLI see it. Holds no secret: a mask and a fingerprint at most.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct NumberView {
    #[ts(type = "number")]
    pub id: i64,
    pub phone: String,
    pub label: String,
    pub environment: Environment,
    /// The URL calls go to (the override, or the environment's).
    pub base_url: String,
    pub base_url_override: Option<String>,
    pub notes: String,
    pub key_state: KeyState,
    /// `••••` and the last 4 characters.
    pub key_hint: Option<String>,
    /// First 8 hex digits of the key's SHA-256.
    pub key_fingerprint: Option<String>,
    pub key_set_at: Option<String>,
    pub key_verified_at: Option<String>,
    pub phone_number_id: Option<String>,
    pub waba_id: Option<String>,
    pub health: Option<HealthStatus>,
    pub health_checked_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user enters to add or edit a number.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NumberInput {
    pub phone: String,
    pub label: String,
    pub environment: Environment,
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Bidirectional-text controls: shown, they reorder the text around them, so a label could
/// read as something other than what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A number's label, checked for the number with E.164 phone `own_phone`. A label is shown in
/// the app and printed by the CLI, and `--number` takes a phone or a label, so it must be
/// plain printable text (no control characters, terminal escapes, line breaks or bidi
/// controls) and must not be a phone number other than the number's own.
pub(crate) fn check_label(label: &str, own_phone: &str) -> Result<String> {
    let invalid = |message: String| Error::InvalidField {
        field: "label",
        message,
    };
    let label = label.trim();
    if label.is_empty() {
        return Err(invalid(
            "give the number a label, e.g. \"Support DE\"".into(),
        ));
    }
    if label.chars().count() > 60 {
        return Err(invalid("the label is limited to 60 characters".into()));
    }
    if let Some(c) = label
        .chars()
        .find(|&c| c.is_control() || is_bidi_control(c))
    {
        let what = match c {
            '\n' | '\r' => "a line break",
            '\u{1b}' => "a terminal escape",
            c if is_bidi_control(c) => "a text-direction mark",
            _ => "a control character",
        };
        return Err(invalid(format!(
            "the label contains {what} (U+{:04X}); use plain text",
            c as u32
        )));
    }
    if let Ok(phone) = Contact::parse(label) {
        if phone.e164 != own_phone {
            return Err(invalid(format!(
                "the label \"{label}\" is the phone number {}; a label must not be another number's phone (numbers are found by phone or label)",
                phone.e164
            )));
        }
    }
    Ok(label.to_string())
}

/// An API base URL: https, or http on this computer (the simulator).
pub fn check_base_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::Validation(format!("'{url}' is not a URL: {e}")))?;
    let local = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => {}
        "http" if local => {}
        _ => {
            return Err(Error::Validation(
                "the API base URL must use https:// (http:// only on this computer)".into(),
            ))
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Validation(
            "the API base URL must not contain credentials".into(),
        ));
    }
    Ok(url.to_string())
}

impl Core {
    fn base_url_of(&self) -> impl Fn(Environment) -> String + '_ {
        move |env| self.environment_base_url(env)
    }

    pub fn list_numbers(&self) -> Result<Vec<NumberView>> {
        self.db.with_conn(|c| store::list(c, &self.base_url_of()))
    }

    pub fn number(&self, id: i64) -> Result<NumberView> {
        self.db
            .with_conn(|c| store::get(c, id, &self.base_url_of()))?
            .ok_or_else(|| Error::NotFound(format!("number {id}")))
    }

    /// Finds a number by its phone (any common spelling) or its label.
    pub fn resolve_number(&self, phone_or_label: &str) -> Result<NumberView> {
        let phone = normalize_phone(phone_or_label).ok();
        let id = self
            .db
            .with_conn(|c| store::find(c, phone.as_deref(), phone_or_label.trim()))?;
        match id {
            Some(id) => self.number(id),
            None => Err(Error::NotFound(format!(
                "no number with phone or label '{phone_or_label}'"
            ))),
        }
    }

    pub fn add_number(&self, input: NumberInput, actor: Actor) -> Result<NumberView> {
        let phone = normalize_phone(&input.phone)?;
        let label = check_label(&input.label, &phone)?;
        let base_url = input
            .base_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .map(check_base_url)
            .transpose()?;
        let notes = input.notes.unwrap_or_default();
        let now = crate::util::now();
        let id = self.db.with_tx(|tx| {
            match store::taken_by(tx, &phone, &label)?.as_deref() {
                Some("phone") => {
                    return Err(Error::Validation(format!(
                        "{phone} is already in WABA Desk"
                    )))
                }
                Some(_) => {
                    return Err(Error::Validation(format!(
                        "another number is already labelled \"{label}\""
                    )))
                }
                None => {}
            }
            let id = store::insert(
                tx,
                &phone,
                &label,
                input.environment,
                base_url.as_deref(),
                &notes,
                &now,
            )?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(id),
                    detail: &label,
                    ..NewAudit::of(AuditAction::NumberAdded)
                },
            )?;
            Ok(id)
        })?;
        self.emit(&[Topic::Numbers, Topic::Audit], Some(id));
        self.number(id)
    }

    /// Edits label, environment, base URL and notes. The phone identifies the number and the
    /// key belongs to it, so it cannot change.
    pub fn update_number(&self, id: i64, input: NumberInput, actor: Actor) -> Result<NumberView> {
        let current = self.number(id)?;
        if normalize_phone(&input.phone)? != current.phone {
            return Err(Error::Validation(
                "the phone number of an existing entry cannot change; add the new number instead"
                    .into(),
            ));
        }
        let label = check_label(&input.label, &current.phone)?;
        let base_url = input
            .base_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .map(check_base_url)
            .transpose()?;
        self.write(&[Topic::Numbers, Topic::Audit], Some(id), |tx| {
            if store::label_taken(tx, &label, id)? {
                return Err(Error::Validation(format!(
                    "another number is already labelled \"{label}\""
                )));
            }
            store::update(
                tx,
                id,
                &label,
                input.environment,
                base_url.as_deref(),
                &input.notes.unwrap_or_default(),
                &crate::util::now(),
            )?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(id),
                    detail: &label,
                    ..NewAudit::of(AuditAction::NumberUpdated)
                },
            )
        })?;
        self.number(id)
    }

    /// Removes a number and every keyring entry it had (key, pending key, webhook secret). The
    /// keyring goes first: if it cannot be reached, nothing is removed.
    pub fn remove_number(&self, id: i64, actor: Actor) -> Result<()> {
        let n = self.number(id)?;
        for account in crate::secrets::accounts::entries_of(&n.phone) {
            self.secrets.delete(&account)?;
        }
        self.write(&[Topic::Numbers, Topic::Audit], Some(id), |tx| {
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(id),
                    old_fingerprint: n.key_fingerprint.as_deref(),
                    detail: &n.label,
                    ..NewAudit::of(AuditAction::NumberRemoved)
                },
            )?;
            store::delete(tx, id)
        })?;
        // Its webhook secret is gone: the running receiver no longer accepts it.
        self.reload_receiver_secrets()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::plus("+4915123456789", "+4915123456789")]
    #[case::spaced("+49 151 2345-6789", "+4915123456789")]
    #[case::double_zero("0049 (151) 23456789", "+4915123456789")]
    #[case::us("+1 (650) 555-1234", "+16505551234")]
    fn normalises(#[case] input: &str, #[case] expected: &str) {
        assert_eq!(normalize_phone(input).unwrap(), expected);
    }

    #[test]
    fn a_recipient_is_the_wa_id_digits() {
        assert_eq!(recipient("+49 151 2345-6789").unwrap(), "4915123456789");
        assert_eq!(recipient("4915123456789").unwrap(), "4915123456789");
        assert!(recipient("0151 2345678")
            .unwrap_err()
            .to_string()
            .contains("country code"));
        assert!(recipient("").is_err());
    }

    #[rstest]
    #[case::empty("", "country code")]
    #[case::national("015123456789", "national number")]
    #[case::letters("+49 151 CALLME", "not allowed")]
    #[case::short("+4912", "8 to 15 digits")]
    #[case::long("+4915123456789012", "8 to 15 digits")]
    #[case::zero_cc("+0123456789", "never starts with 0")]
    fn rejects_with_a_reason(#[case] input: &str, #[case] reason: &str) {
        let err = normalize_phone(input).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation);
        assert!(err.to_string().contains(reason), "{err}");
    }

    #[test]
    fn base_url_rules() {
        assert_eq!(
            check_base_url("https://waba-v2.360dialog.io/").unwrap(),
            "https://waba-v2.360dialog.io"
        );
        assert!(check_base_url("http://127.0.0.1:8360").is_ok());
        assert!(check_base_url("http://example.com").is_err());
        assert!(check_base_url("https://u:p@example.com").is_err());
    }

    fn input(phone: &str, label: &str) -> NumberInput {
        NumberInput {
            phone: phone.into(),
            label: label.into(),
            environment: Environment::Simulator,
            base_url: None,
            notes: None,
        }
    }

    #[rstest]
    #[case::escape("Support \u{1b}[31mDE", "terminal escape")]
    #[case::newline("Support\nDE", "line break")]
    #[case::carriage_return("Support\rDE", "line break")]
    #[case::nul("Sup\u{0}port", "control character")]
    #[case::tab("Sup\tport", "control character")]
    #[case::del("Sup\u{7f}port", "control character")]
    #[case::c1("Sup\u{9b}port", "control character")]
    #[case::rlo("Support \u{202E}ED", "text-direction mark")]
    #[case::lre("\u{202A}Support", "text-direction mark")]
    #[case::isolate("Sup\u{2066}port\u{2069}", "text-direction mark")]
    #[case::rlm("Support\u{200F}", "text-direction mark")]
    #[case::lrm("Support\u{200E}", "text-direction mark")]
    #[case::other_phone("+49 151 99999999", "another number's phone")]
    #[case::other_phone_spelled("0049-151-99999999", "another number's phone")]
    #[case::other_phone_digits("4915199999999", "another number's phone")]
    fn labels_must_be_plain_text_and_not_another_phone(#[case] label: &str, #[case] reason: &str) {
        let core = Core::in_memory_with(std::sync::Arc::new(crate::secrets::MemoryStore::new()));
        core.add_number(input("+4915199999999", "Other"), Actor::Ui)
            .unwrap();
        let err = core
            .add_number(input("+4915123456789", label), Actor::Ui)
            .unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation, "{err}");
        assert_eq!(err.exit_code(), 2);
        assert_eq!(err.payload().field.as_deref(), Some("label"));
        assert!(err.to_string().contains(reason), "{label:?}: {err}");
        let mine = core
            .add_number(input("+4915123456789", "Support DE"), Actor::Ui)
            .unwrap();
        let err = core
            .update_number(mine.id, input("+4915123456789", label), Actor::Ui)
            .unwrap_err();
        assert!(err.to_string().contains(reason), "{label:?}: {err}");
        // A number may carry its own phone as its label, and plain Unicode is fine.
        for ok in ["+49 151 23456789", "Support Köln – 支持 😀"] {
            core.update_number(mine.id, input("+4915123456789", ok), Actor::Ui)
                .unwrap();
        }
    }

    #[test]
    fn removing_a_number_removes_every_keyring_entry_it_had() {
        use crate::secrets::{MemoryStore, SecretStore, Sensitive};
        let store = std::sync::Arc::new(MemoryStore::new());
        let core = Core::in_memory_with(store.clone());
        let n = core
            .add_number(input("+4915123456789", "Support DE"), Actor::Ui)
            .unwrap();
        let entries = [
            crate::secrets::accounts::key_account(&n.phone),
            crate::secrets::accounts::pending_account(&n.phone),
            crate::secrets::accounts::webhook_secret_account(&n.phone),
        ];
        for e in &entries {
            store
                .set(e, &Sensitive::new(format!("secret of {e}")))
                .unwrap();
        }
        core.remove_number(n.id, Actor::Ui).unwrap();
        for e in &entries {
            assert!(
                store.get(e).unwrap().is_none(),
                "{e} is left in the keyring"
            );
        }
        // Added again, the phone starts without the old webhook secret.
        core.add_number(input("+4915123456789", "Support DE"), Actor::Ui)
            .unwrap();
        assert!(core.webhook_secrets().unwrap().is_empty());
    }

    #[test]
    fn add_list_update_resolve_remove() {
        let core = Core::in_memory();
        let n = core
            .add_number(input("+49 151 23456789", "Support DE"), Actor::Ui)
            .unwrap();
        assert_eq!(n.phone, "+4915123456789");
        assert_eq!(n.key_state, KeyState::None);
        assert_eq!(n.base_url, Environment::Simulator.default_base_url());
        assert!(core
            .add_number(input("+4915123456789", "Other"), Actor::Ui)
            .unwrap_err()
            .to_string()
            .contains("already in"));
        assert!(core
            .add_number(input("+4915100000001", "support de"), Actor::Ui)
            .unwrap_err()
            .to_string()
            .contains("labelled"));

        let mut edit = input("+4915123456789", "Support Germany");
        edit.base_url = Some("http://127.0.0.1:9999".into());
        let n = core.update_number(n.id, edit, Actor::Ui).unwrap();
        assert_eq!(n.base_url, "http://127.0.0.1:9999");
        assert!(core
            .update_number(n.id, input("+4915100000002", "x"), Actor::Ui)
            .is_err());

        assert_eq!(core.resolve_number("0049 151 23456789").unwrap().id, n.id);
        assert_eq!(core.resolve_number("support germany").unwrap().id, n.id);
        assert_eq!(
            core.resolve_number("nobody").unwrap_err().code(),
            crate::ErrorCode::NotFound
        );

        core.remove_number(n.id, Actor::Cli).unwrap();
        assert!(core.list_numbers().unwrap().is_empty());
        let log = crate::audit::list(&core.db, &Default::default()).unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["number_removed", "number_updated", "number_added"]
        );
        assert_eq!(
            log[0].number_phone.as_deref(),
            Some("+4915123456789"),
            "kept after removal"
        );
    }
}
