//! What every subcommand shares: opening the core, the output it hands back to `main`, and the
//! small argument parsers more than one subcommand uses.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::{Core, Error};

/// Opens the database in `data_dir` with the OS keyring, as the desktop app does.
pub fn open(data_dir: &Path) -> Result<Core, Error> {
    Core::open(data_dir, Arc::new(KeyringStore::for_app()))
}

/// What a subcommand tells `main`: print this, and exit with this code.
pub struct Output {
    pub json: serde_json::Value,
    pub text: String,
    pub exit: u8,
    /// The command wrote its own output (e.g. an export to standard output).
    pub quiet: bool,
}

impl Output {
    pub fn ok<T: Serialize>(value: &T, text: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            json: serde_json::to_value(value).map_err(|e| Error::Internal(e.to_string()))?,
            text: text.into(),
            exit: 0,
            quiet: false,
        })
    }

    /// The same, exiting 1 when `failed`.
    pub fn failed_if(mut self, failed: bool) -> Self {
        self.exit = u8::from(failed);
        self
    }
}

/// The id of an optional `--number` (phone or label).
pub fn number_id(core: &Core, number: Option<String>) -> Result<Option<i64>, Error> {
    number
        .map(|n| core.resolve_number(&n).map(|n| n.id))
        .transpose()
}

/// `--header NAME=VALUE` options as a map.
pub fn parse_headers(headers: Vec<String>) -> Result<BTreeMap<String, String>, Error> {
    let mut map = BTreeMap::new();
    for h in headers {
        let (k, v) = h
            .split_once('=')
            .ok_or_else(|| Error::Validation(format!("--header '{h}': use NAME=VALUE")))?;
        map.insert(k.trim().to_string(), v.to_string());
    }
    Ok(map)
}

/// `text`, or `empty` when there is none.
pub fn or_none(text: String, empty: &str) -> String {
    if text.is_empty() {
        empty.to_string()
    } else {
        text
    }
}

/// Refuses input whose values break a limit, naming each field (and item) and the reason:
/// exit 2, before anything is sent.
pub fn refuse_problems(problems: &[wabadesk_core::onboarding::FieldProblem]) -> Result<(), Error> {
    if problems.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = problems
        .iter()
        .map(|p| match p.index {
            Some(i) => format!("{} (item {}): {}", p.field, i + 1, p.message),
            None => format!("{}: {}", p.field, p.message),
        })
        .collect();
    Err(Error::Validation(lines.join("; ")))
}

/// A core error at a form field, with the field named (the CLI has no form to show it at).
pub fn name_field(e: Error) -> Error {
    match e {
        Error::InvalidField { field, message } => Error::Validation(format!("{field}: {message}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_name_equals_value() {
        let map = parse_headers(vec!["X-Token = a=b".into(), "X-Empty=".into()]).unwrap();
        assert_eq!(map["X-Token"], " a=b");
        assert_eq!(map["X-Empty"], "");
        let e = parse_headers(vec!["no-equals".into()]).unwrap_err();
        assert!(e.to_string().contains("NAME=VALUE"), "{e}");
    }

    #[test]
    fn an_unknown_number_is_not_found_and_none_is_none() {
        let core = Core::in_memory();
        assert_eq!(number_id(&core, None).unwrap(), None);
        assert!(matches!(
            number_id(&core, Some("nobody".into())),
            Err(Error::NotFound(_))
        ));
    }
}
