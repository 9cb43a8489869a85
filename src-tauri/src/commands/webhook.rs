//! A number's webhook at 360dialog: URL, headers, extra destinations, and the endpoint tester.
//! Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::api::{Destination, Environment, MultiWebhook};
use wabadesk_core::audit::Actor;
use wabadesk_core::webhook::{self, EndpointTest, TestEventKind, WebhookInput, WebhookView};

use crate::commands::inbox::listen_address;
use crate::{AppState, IpcError};

#[tauri::command]
pub async fn get_webhook(state: State<'_, AppState>, id: i64) -> Result<WebhookView, IpcError> {
    state
        .core()
        .get_webhook(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn set_webhook(
    state: State<'_, AppState>,
    id: i64,
    input: WebhookInput,
) -> Result<WebhookView, IpcError> {
    let view = state
        .core()
        .set_webhook(id, input, Actor::Ui)
        .await
        .map_err(state.for_number(id))?;
    // The core's receiver reads a changed shared secret by itself.
    Ok(view)
}

#[tauri::command]
pub async fn accept_webhook(state: State<'_, AppState>, id: i64) -> Result<WebhookView, IpcError> {
    state
        .core()
        .accept_webhook(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

/// The webhook URL rules for the number `id` (its environment decides: a simulator number may
/// point at this computer), for checking as the user types. Without a number, 360dialog's
/// rules. Returns the URL as it will be sent.
#[tauri::command(async)]
pub fn check_webhook_url(
    state: State<'_, AppState>,
    url: String,
    id: Option<i64>,
) -> Result<String, IpcError> {
    let environment = match id {
        Some(id) => state.core().number(id)?.environment,
        None => Environment::Production,
    };
    Ok(webhook::check_url_for(&url, environment)?)
}

/// 360dialog's header rules on the rows as typed: one answer per row, and the count limit.
#[tauri::command]
pub fn check_webhook_headers(rows: Vec<webhook::HeaderRow>) -> webhook::HeaderCheck {
    webhook::header_problems(&rows)
}

/// Sets the webhook WABA Desk last set or accepted again, with its headers (after a new key
/// cleared it).
#[tauri::command]
pub async fn reapply_webhook(state: State<'_, AppState>, id: i64) -> Result<WebhookView, IpcError> {
    state
        .core()
        .reapply_webhook(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

/// "Point this number's webhook at this app's inbox": starts the receiver on `listen` unless
/// it runs, then sets the number's webhook to the receiver's URL through the core (validated,
/// audited). A shared secret the number has is kept; custom headers are not sent to the inbox.
#[tauri::command]
pub async fn point_webhook_at_inbox(
    state: State<'_, AppState>,
    id: i64,
    listen: String,
) -> Result<WebhookView, IpcError> {
    let addr = listen_address(&listen)?;
    state.point_webhook_at_inbox(id, addr).await
}

/// POSTs a synthetic event to `url` the way 360dialog would for this number.
#[tauri::command]
pub async fn test_webhook_endpoint(
    state: State<'_, AppState>,
    id: i64,
    url: String,
    kind: TestEventKind,
) -> Result<EndpointTest, IpcError> {
    Ok(state.core().test_number_endpoint(id, &url, kind).await?)
}

#[tauri::command]
pub async fn get_destinations(
    state: State<'_, AppState>,
    id: i64,
) -> Result<MultiWebhook, IpcError> {
    state
        .core()
        .destinations(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn save_destination(
    state: State<'_, AppState>,
    id: i64,
    destination: Destination,
) -> Result<MultiWebhook, IpcError> {
    state
        .core()
        .save_destination(id, destination, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

/// Removes the extra destination `name`; answered with the remaining list.
#[tauri::command]
pub async fn remove_destination(
    state: State<'_, AppState>,
    id: i64,
    name: String,
) -> Result<MultiWebhook, IpcError> {
    state
        .core()
        .remove_destination(id, &name, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn set_destinations_enabled(
    state: State<'_, AppState>,
    id: i64,
    enabled: bool,
) -> Result<MultiWebhook, IpcError> {
    state
        .core()
        .set_destinations_enabled(id, enabled, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}
