//! Settings → Team relay: connect, status, sync now, disconnect. Following the relay's live
//! feed runs in the background while the profile subscribes (`Core::keep_following_relay`).

use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::relay::{RelayPointed, RelayStatus, RelaySync};

use crate::{AppState, IpcError};

/// Starts following the open profile's relay in the background (no-op when one follows).
pub(crate) fn follow(state: &AppState) {
    let core = state.core();
    tauri::async_runtime::spawn(async move { core.keep_following_relay().await });
}

#[tauri::command]
pub async fn relay_status(state: State<'_, AppState>) -> Result<RelayStatus, IpcError> {
    Ok(state.core().relay_status()?)
}

#[tauri::command]
pub async fn relay_connect(
    state: State<'_, AppState>,
    url: String,
    token: String,
) -> Result<RelayStatus, IpcError> {
    let status = state.core().connect_relay(&url, &token).await?;
    follow(&state);
    Ok(status)
}

#[tauri::command]
pub async fn relay_sync(state: State<'_, AppState>) -> Result<RelaySync, IpcError> {
    Ok(state.core().catch_up_relay().await?)
}

#[tauri::command]
pub async fn relay_disconnect(state: State<'_, AppState>) -> Result<RelayStatus, IpcError> {
    Ok(state.core().disconnect_relay()?)
}

/// The Webhook page's "Use the team relay": the number's webhook goes to the relay.
#[tauri::command]
pub async fn relay_point_webhook(
    state: State<'_, AppState>,
    number_id: i64,
) -> Result<RelayPointed, IpcError> {
    Ok(state
        .core()
        .point_webhook_at_relay(number_id, Actor::Ui)
        .await?)
}
