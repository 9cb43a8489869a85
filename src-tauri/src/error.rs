use serde::Serialize;
use wabadesk_core::{Error, ErrorCode, ErrorPayload};

/// Every command's error, as the webview receives it: `{code, message}` with a closed code
/// list (`ErrorCode`, generated into TypeScript).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct IpcError(ErrorPayload);

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        tracing::warn!(code = ?e.code(), error = %e, "command failed");
        IpcError(e.payload())
    }
}

impl From<tauri_plugin_store::Error> for IpcError {
    fn from(e: tauri_plugin_store::Error) -> Self {
        IpcError(ErrorPayload {
            code: ErrorCode::Internal,
            message: format!("preferences store: {e}"),
            details: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_adds_its_raw_text_as_details() {
        let api = wabadesk_core::api::ApiError::from_response(502, b"Bad Gateway", None);
        let e = IpcError::from(Error::Api(Box::new(api)));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "upstream");
        assert_eq!(json["details"], "Bad Gateway");
        assert_eq!(json.as_object().unwrap().len(), 3, "{json}");
    }

    #[test]
    fn serialises_as_code_and_message() {
        let e = IpcError::from(Error::KeychainUnavailable("locked".into()));
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "keychain_unavailable", "message": "locked"})
        );
    }
}
