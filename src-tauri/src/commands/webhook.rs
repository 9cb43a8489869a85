//! Webhook URL and the inbox receiver. Each command parses, calls the core, maps the error.

use std::net::SocketAddr;

use tauri::State;
use wabadesk_core::api::{Destination, MultiWebhook};
use wabadesk_core::audit::Actor;
use wabadesk_core::inbox::{ImportReport, InboxEventView, InboxFilter, InboxStatus, Rejection};
use wabadesk_core::webhook::{self, EndpointTest, TestEventKind, WebhookInput, WebhookView};
use wabadesk_core::Error;

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
pub async fn inbox_status(state: State<'_, AppState>) -> Result<InboxStatus, IpcError> {
    Ok(state.core.receiver_status())
}

#[tauri::command]
pub async fn inbox_start(
    state: State<'_, AppState>,
    listen: String,
) -> Result<InboxStatus, IpcError> {
    let addr: SocketAddr = listen.trim().parse().map_err(|_| {
        Error::Validation(format!("'{listen}' is not an address like 127.0.0.1:8377"))
    })?;
    Ok(state.core.start_receiver(addr).await?)
}

#[tauri::command]
pub async fn inbox_stop(state: State<'_, AppState>) -> Result<InboxStatus, IpcError> {
    Ok(state.core.stop_receiver())
}

#[tauri::command(async)]
pub fn list_inbox(
    state: State<'_, AppState>,
    filter: InboxFilter,
) -> Result<Vec<InboxEventView>, IpcError> {
    Ok(state.core.list_inbox(&filter)?)
}

#[tauri::command(async)]
pub fn inbox_event(state: State<'_, AppState>, id: i64) -> Result<InboxEventView, IpcError> {
    Ok(state.core.inbox_event(id)?)
}

#[tauri::command(async)]
pub fn replay_inbox_event(state: State<'_, AppState>, id: i64) -> Result<InboxEventView, IpcError> {
    Ok(state.core.replay_event(id)?)
}

/// Captured payloads (a JSON array or JSON lines) read from a file the user picked.
#[tauri::command(async)]
pub fn import_inbox(state: State<'_, AppState>, content: String) -> Result<ImportReport, IpcError> {
    Ok(state.core.import_events(&content)?)
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

/// Requests the receiver refused (missing or wrong shared secret), newest first.
#[tauri::command(async)]
pub fn inbox_rejections(state: State<'_, AppState>) -> Result<Vec<Rejection>, IpcError> {
    Ok(state.core.list_rejections(50)?)
}
