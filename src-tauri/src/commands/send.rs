//! Sending outside the template test-send: free text, and "resend as test" from History. Each
//! command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::api::SendResponse;
use wabadesk_core::audit::Actor;

use crate::{AppState, IpcError};

/// A free-text message (inside the contact's 24-hour window).
#[tauri::command]
pub async fn send_text(
    state: State<'_, AppState>,
    number_id: i64,
    to: String,
    body: String,
) -> Result<SendResponse, IpcError> {
    state
        .core()
        .send_text(number_id, &to, &body, Actor::Ui)
        .await
        .map_err(state.for_number(number_id))
}

/// "Resend as test": sends a sent message's request again.
#[tauri::command]
pub async fn resend_message(
    state: State<'_, AppState>,
    wamid: String,
) -> Result<SendResponse, IpcError> {
    Ok(state.core().resend(&wamid, Actor::Ui).await?)
}
