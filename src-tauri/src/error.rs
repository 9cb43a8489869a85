use serde::Serialize;
use wabadesk_core::api::{ApiErrorKind, Environment};
use wabadesk_core::numbers::NumberView;
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

impl IpcError {
    /// The error of a call made for `number`. The one place a refused connection to a
    /// simulator number's API is told as what it is: the local simulator is not running.
    pub fn for_number(e: Error, number: Option<&NumberView>) -> Self {
        match number {
            Some(n) if n.environment == Environment::Simulator && connection_refused(&e) => {
                tracing::warn!(error = %e, base_url = %n.base_url, "the simulator is not running");
                IpcError(ErrorPayload {
                    code: ErrorCode::Network,
                    message: simulator_not_running(&n.base_url),
                    // What the connection attempt said, behind "details".
                    details: e.payload().details.or_else(|| Some(e.to_string())),
                    field: None,
                })
            }
            _ => e.into(),
        }
    }
}

/// What a simulator number says when nothing listens at its simulator's address.
pub fn simulator_not_running(base_url: &str) -> String {
    format!(
        "The local simulator at {base_url} is not running. Start it with `cargo run -p wabadesk-sim` or try the demo."
    )
}

/// The API could not be connected to at all (nothing listens there).
fn connection_refused(e: &Error) -> bool {
    matches!(e, Error::Api(api) if api.kind == ApiErrorKind::Network
        && api.message.as_deref().is_some_and(|m| m.contains("was refused")))
}

impl From<tauri_plugin_store::Error> for IpcError {
    fn from(e: tauri_plugin_store::Error) -> Self {
        IpcError(ErrorPayload {
            code: ErrorCode::Internal,
            message: format!("preferences store: {e}"),
            details: None,
            field: None,
        })
    }
}

impl From<tauri_plugin_opener::Error> for IpcError {
    fn from(e: tauri_plugin_opener::Error) -> Self {
        IpcError(ErrorPayload {
            code: ErrorCode::Internal,
            message: "the file manager could not be opened; the file is still saved".into(),
            details: Some(e.to_string()),
            field: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(environment: Environment, base_url: &str) -> NumberView {
        let core = wabadesk_core::Core::in_memory();
        core.add_number(
            wabadesk_core::numbers::NumberInput {
                phone: "+15550000100".into(),
                label: "Number".into(),
                environment,
                base_url: Some(base_url.into()),
                notes: None,
            },
            wabadesk_core::audit::Actor::Ui,
        )
        .unwrap()
    }

    /// The error the API client gives when nothing listens at the base URL.
    async fn refused() -> Error {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = wabadesk_core::api::Client::new(
            &format!("http://127.0.0.1:{port}"),
            wabadesk_core::secrets::Sensitive::new("key".to_string()),
        )
        .unwrap();
        client.health_status().await.unwrap_err().into()
    }

    #[tokio::test]
    async fn a_simulator_that_is_not_running_says_so_with_the_way_to_start_it() {
        let e = refused().await;
        let sim = number(Environment::Simulator, "http://127.0.0.1:8360");
        let v = serde_json::to_value(IpcError::for_number(e, Some(&sim))).unwrap();
        assert_eq!(v["code"], "network");
        assert_eq!(
            v["message"],
            "The local simulator at http://127.0.0.1:8360 is not running. Start it with `cargo run -p wabadesk-sim` or try the demo."
        );
    }

    #[tokio::test]
    async fn other_numbers_and_other_errors_keep_their_message() {
        let prod = number(Environment::Production, "https://waba-v2.360dialog.io");
        let v = serde_json::to_value(IpcError::for_number(refused().await, Some(&prod))).unwrap();
        assert!(!v["message"].as_str().unwrap().contains("simulator"), "{v}");
        let sim = number(Environment::Simulator, "http://127.0.0.1:8360");
        let v = serde_json::to_value(IpcError::for_number(
            Error::Validation("bad".into()),
            Some(&sim),
        ))
        .unwrap();
        assert_eq!(v["message"], "bad");
        let v = serde_json::to_value(IpcError::for_number(refused().await, None)).unwrap();
        assert!(!v["message"].as_str().unwrap().contains("simulator"), "{v}");
    }

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
