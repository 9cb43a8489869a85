//! The core's one error type, and the closed list of codes the UI and CLI branch on.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

use crate::api::ApiErrorKind;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that can never succeed as given (bad phone number, bad URL, ...).
    #[error("{0}")]
    Validation(String),

    /// Invalid input in one field of a form (`field` is the input's name, e.g. "label"), so
    /// the UI shows the message at that field.
    #[error("{message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },

    #[error("not found: {0}")]
    NotFound(String),

    /// No usable OS keyring: no Secret Service on the session bus, a locked keyring, or the
    /// user refused access. The message names the cause and what to do.
    #[error("{0}")]
    KeychainUnavailable(String),

    /// The keyring answered, but with an error other than "unavailable".
    #[error("keyring error: {0}")]
    Keychain(String),

    #[error("database error while {context}: {source}")]
    Database {
        context: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// The data directory cannot be written; the message names it and what to do.
    #[error("{0}")]
    ReadOnly(String),

    #[error("database schema migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),

    #[error("I/O error at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An error from the 360dialog API, or no answer from it.
    #[error("{0}")]
    Api(Box<crate::api::ApiError>),

    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::api::Error> for Error {
    fn from(e: crate::api::Error) -> Self {
        match e {
            crate::api::Error::Validation(m) => Error::Validation(m),
            crate::api::Error::Api(e) => Error::Api(e),
            crate::api::Error::Internal(m) => Error::Internal(m),
        }
    }
}

impl From<crate::api::ApiError> for Error {
    fn from(e: crate::api::ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl Error {
    pub fn db(context: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
        move |source| Error::Database { context, source }
    }

    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// The UI-facing code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) | Error::InvalidField { .. } => ErrorCode::Validation,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            Error::Keychain(_) => ErrorCode::Internal,
            Error::Database { .. } | Error::Migration(_) | Error::ReadOnly(_) => {
                ErrorCode::Database
            }
            Error::Io { .. } | Error::Internal(_) => ErrorCode::Internal,
            Error::Api(e) => match e.kind {
                ApiErrorKind::Unauthorized => ErrorCode::Unauthorized,
                ApiErrorKind::RateLimited => ErrorCode::RateLimited,
                ApiErrorKind::Upstream => ErrorCode::Upstream,
                ApiErrorKind::Network => ErrorCode::Network,
                ApiErrorKind::OutcomeUnknown => ErrorCode::OutcomeUnknown,
            },
        }
    }

    /// The exit code the CLI uses: 2 for input that can never succeed, 1 for runtime failures.
    pub fn exit_code(&self) -> i32 {
        match self.code() {
            ErrorCode::Validation => 2,
            _ => 1,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
            details: match self {
                Error::Api(e) => e.raw.clone(),
                _ => None,
            },
            field: match self {
                Error::InvalidField { field, .. } => Some(field.to_string()),
                _ => None,
            },
        }
    }
}

/// Closed list of error codes. Add one only when the UI branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Validation,
    NotFound,
    Unauthorized,
    RateLimited,
    Upstream,
    Network,
    /// A send whose answer was lost: it may have been sent; do not resend blindly.
    OutcomeUnknown,
    KeychainUnavailable,
    Database,
    Internal,
}

/// What an error looks like to the webview and to `--json` output: `{code, message}`, and
/// `details` when there is raw text behind the message (the library's or 360dialog's / Meta's
/// own words), for a "details" disclosure.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details: Option<String>,
    /// The form field the error is about, when it is about one (e.g. "label").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl From<Error> for ErrorPayload {
    fn from(e: Error) -> Self {
        e.payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::validation(Error::Validation("bad".into()), "validation", 2)]
    #[case::not_found(Error::NotFound("number".into()), "not_found", 1)]
    #[case::keychain(Error::KeychainUnavailable("no bus".into()), "keychain_unavailable", 1)]
    #[case::internal(Error::Internal("x".into()), "internal", 1)]
    fn payload_json_is_pinned(#[case] err: Error, #[case] code: &str, #[case] exit: i32) {
        let message = err.to_string();
        assert_eq!(err.exit_code(), exit);
        let json = serde_json::to_value(err.payload()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": code, "message": message })
        );
    }

    #[test]
    fn an_api_error_carries_its_raw_text_as_details() {
        let api = crate::api::ApiError::from_response(
            400,
            br#"{"error":{"message":"(#131026) Message Undeliverable.","code":131026}}"#,
            None,
        );
        let err = Error::Api(Box::new(api));
        let json = serde_json::to_value(err.payload()).unwrap();
        assert_eq!(json["code"], "upstream");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .contains("could not be delivered"),
            "{json}"
        );
        assert_eq!(
            json["details"],
            r#"{"error":{"message":"(#131026) Message Undeliverable.","code":131026}}"#
        );
    }
}
