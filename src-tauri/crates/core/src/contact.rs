//! A contact's phone number: the one parser every path uses (sending, the 24-hour window,
//! history filters, test sends, QA, the CLI), so "0049 151…", "+49 151…" and "49151…" are the
//! same contact.

use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

/// A phone number with its country code, kept as the wa_id 360dialog uses (digits only, no `+`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, TS)]
#[ts(export)]
pub struct Contact {
    /// Country code and number, digits only (`4915123456789`).
    pub wa_id: String,
    /// The same number in E.164 (`+4915123456789`).
    pub e164: String,
    /// 360dialog's note on delivery to this contact's country, if it has one
    /// ([`Contact::delivery_note`]).
    pub delivery_note: Option<String>,
}

/// Fewest and most digits of a phone number with its country code.
pub const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// 360dialog's rule on consent, shown on test-sends and QA runs.
pub const OPT_IN_REMINDER: &str = "Send only to people who opted in to messages from this business on WhatsApp; test recipients too.";

/// The country code of Türkiye.
pub const TURKIYE_COUNTRY_CODE: &str = "90";

/// 360dialog's note on Türkiye, shown for +90 recipients.
pub const TURKIYE_NOTE: &str = "Businesses in Türkiye may send messages, but users inside Türkiye cannot receive messages sent through the API: this recipient may never get it.";

impl Contact {
    /// A note on delivery to this contact, when 360dialog has one for its country: users inside
    /// Türkiye (+90) cannot receive API messages.
    pub fn delivery_note(&self) -> Option<&'static str> {
        self.wa_id
            .starts_with(TURKIYE_COUNTRY_CODE)
            .then_some(TURKIYE_NOTE)
    }

    /// Parses any spelling of a phone number with its country code: spaces, dashes, dots,
    /// parentheses, a leading `+` or `00`, or the bare digits (which must not start with 0).
    pub fn parse(input: &str) -> Result<Contact> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::Validation(
                "enter the phone number with its country code, e.g. +4915123456789".into(),
            ));
        }
        let mut rest = trimmed;
        let mut international = false;
        if let Some(r) = rest.strip_prefix('+') {
            rest = r;
            international = true;
        } else if let Some(r) = rest.strip_prefix("00") {
            rest = r;
            international = true;
        }
        let mut digits = String::new();
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                other => {
                    return Err(Error::Validation(format!(
                        "'{other}' is not allowed in a phone number; use digits with the country code, e.g. +4915123456789"
                    )))
                }
            }
        }
        if !international && digits.starts_with('0') {
            return Err(Error::Validation(
                "this looks like a national number; add the country code, e.g. +49 for Germany"
                    .into(),
            ));
        }
        if digits.starts_with('0') {
            return Err(Error::Validation(
                "a country code never starts with 0".into(),
            ));
        }
        if !PHONE_DIGITS.contains(&digits.len()) {
            return Err(Error::Validation(format!(
                "a phone number with country code has {} to {} digits; this one has {}",
                PHONE_DIGITS.start(),
                PHONE_DIGITS.end(),
                digits.len()
            )));
        }
        Ok(Contact {
            e164: format!("+{digits}"),
            delivery_note: digits
                .starts_with(TURKIYE_COUNTRY_CODE)
                .then(|| TURKIYE_NOTE.to_string()),
            wa_id: digits,
        })
    }

    /// The value a contact is looked up under in history (filters, the 24-hour window): the
    /// wa_id when the input parses as a phone number, else the input without spaces and its
    /// `+` (a stored contact is whatever 360dialog sent); `None` for an empty input.
    pub fn lookup_key(input: &str) -> Option<String> {
        match Contact::parse(input) {
            Ok(c) => Some(c.wa_id),
            Err(_) => {
                let rest = input.trim().trim_start_matches('+').trim();
                (!rest.is_empty()).then(|| rest.to_string())
            }
        }
    }

    /// Country code and number, digits only: what 360dialog and the history store.
    pub fn wa_id(&self) -> &str {
        &self.wa_id
    }

    /// The number in E.164 (`+` and the digits).
    pub fn e164(&self) -> String {
        self.e164.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::double_zero("0049 151 23456789")]
    #[case::plus_spaces("+49 151 23456789")]
    #[case::bare_digits("4915123456789")]
    #[case::punctuation("+49 (151) 234-567.89")]
    fn every_spelling_is_the_same_contact(#[case] input: &str) {
        let c = Contact::parse(input).unwrap();
        assert_eq!(c.wa_id(), "4915123456789");
        assert_eq!(c.e164(), "+4915123456789");
    }

    #[test]
    fn turkish_recipients_carry_the_note_and_others_none() {
        let tr = Contact::parse("+90 532 123 45 67").unwrap();
        assert_eq!(tr.delivery_note(), Some(TURKIYE_NOTE));
        assert_eq!(
            tr.delivery_note.as_deref(),
            Some(TURKIYE_NOTE),
            "the UI gets it too"
        );
        assert!(TURKIYE_NOTE.contains("Türkiye"));
        for other in ["+4915123456789", "+19085550100", "+9715012345678"] {
            assert_eq!(
                Contact::parse(other).unwrap().delivery_note(),
                None,
                "{other}"
            );
        }
    }

    #[test]
    fn lookup_keys() {
        assert_eq!(
            Contact::lookup_key("0049 151 23456789").as_deref(),
            Some("4915123456789")
        );
        assert_eq!(
            Contact::lookup_key("+4915123456789").as_deref(),
            Some("4915123456789")
        );
        assert_eq!(Contact::lookup_key(" + ").as_deref(), None);
        assert_eq!(Contact::lookup_key("").as_deref(), None);
        assert_eq!(Contact::lookup_key("+12345").as_deref(), Some("12345"));
    }

    #[rstest]
    #[case::empty("  ", "enter the phone number")]
    #[case::national("0151 23456789", "national number")]
    #[case::zero_country("+0151 2345678", "never starts with 0")]
    #[case::letters("+49 151 ABC", "not allowed")]
    #[case::short("+49 151", "8 to 15 digits")]
    fn bad_numbers_say_why(#[case] input: &str, #[case] expected: &str) {
        let e = Contact::parse(input).unwrap_err().to_string();
        assert!(e.contains(expected), "{input}: {e}");
    }
}
