//! A number's webhook at 360dialog: URL, headers, extra destinations, and the endpoint tester.
//! Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::api::{Destination, MultiWebhook};
use wabadesk_core::audit::Actor;
use wabadesk_core::webhook::{self, EndpointTest, TestEventKind, WebhookInput, WebhookView};

use crate::{AppState, IpcError};

#[tauri::command]
pub async fn get_webhook(state: State<'_, AppState>, id: i64) -> Result<WebhookView, IpcError> {
    Ok(state.core.get_webhook(id, Actor::Ui).await?)
}

#[tauri::command]
pub async fn set_webhook(
    state: State<'_, AppState>,
    id: i64,
    input: WebhookInput,
) -> Result<WebhookView, IpcError> {
    // The core reloads the running receiver's secrets itself.
    Ok(state.core.set_webhook(id, input, Actor::Ui).await?)
}

#[tauri::command]
pub async fn accept_webhook(state: State<'_, AppState>, id: i64) -> Result<WebhookView, IpcError> {
    Ok(state.core.accept_webhook(id, Actor::Ui).await?)
}

/// Sets the webhook WABA Desk last set or accepted again, with its headers (after a new key
/// cleared it).
#[tauri::command]
pub async fn reapply_webhook(state: State<'_, AppState>, id: i64) -> Result<WebhookView, IpcError> {
    Ok(state.core.reapply_webhook(id, Actor::Ui).await?)
}

/// 360dialog's URL rules, for checking as the user types. Returns the URL as it will be sent.
#[tauri::command]
pub fn check_webhook_url(url: String) -> Result<String, IpcError> {
    Ok(webhook::check_url(&url)?)
}

/// POSTs a synthetic event to `url` the way 360dialog would for this number.
#[tauri::command]
pub async fn test_webhook_endpoint(
    state: State<'_, AppState>,
    id: i64,
    url: String,
    kind: TestEventKind,
) -> Result<EndpointTest, IpcError> {
    Ok(state.core.test_number_endpoint(id, &url, kind).await?)
}

#[tauri::command]
pub async fn get_destinations(
    state: State<'_, AppState>,
    id: i64,
) -> Result<MultiWebhook, IpcError> {
    Ok(state.core.destinations(id, Actor::Ui).await?)
}

#[tauri::command]
pub async fn save_destination(
    state: State<'_, AppState>,
    id: i64,
    destination: Destination,
) -> Result<MultiWebhook, IpcError> {
    Ok(state
        .core
        .save_destination(id, destination, Actor::Ui)
        .await?)
}

#[tauri::command]
pub async fn set_destinations_enabled(
    state: State<'_, AppState>,
    id: i64,
    enabled: bool,
) -> Result<MultiWebhook, IpcError> {
    Ok(state
        .core
        .set_destinations_enabled(id, enabled, Actor::Ui)
        .await?)
}
