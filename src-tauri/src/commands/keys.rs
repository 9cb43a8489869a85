//! A number's API key: set, verify, remove, and its audit trail. Each command parses, calls the
//! core, maps the error.

use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::audit::{Actor, AuditEntry};
use wabadesk_core::keys::{KeySaved, VerifyOutcome, VerifyProgress};
use wabadesk_core::numbers::NumberView;
use wabadesk_core::secrets::Sensitive;

use crate::{AppState, IpcError};

/// The key comes in as `Sensitive`: it is never logged, serialised or sent back. The answer
/// says whether the webhook survived the new key.
#[tauri::command]
pub async fn set_key(
    state: State<'_, AppState>,
    id: i64,
    key: Sensitive<String>,
    verify: bool,
) -> Result<KeySaved, IpcError> {
    state
        .core()
        .save_key(id, key, verify, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

/// Checks the key and refreshes health (`GET /health_status`).
#[tauri::command]
pub async fn verify_key(state: State<'_, AppState>, id: i64) -> Result<NumberView, IpcError> {
    state
        .core()
        .verify_key(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn verify_all(
    state: State<'_, AppState>,
    on_progress: Channel<VerifyProgress>,
) -> Result<Vec<VerifyOutcome>, IpcError> {
    Ok(state
        .core()
        .verify_all(Actor::Ui, |p| {
            let _ = on_progress.send(p);
        })
        .await?)
}

#[tauri::command(async)]
pub fn remove_key(state: State<'_, AppState>, id: i64) -> Result<NumberView, IpcError> {
    Ok(state.core().remove_key(id, Actor::Ui)?)
}

#[tauri::command(async)]
pub fn key_history(state: State<'_, AppState>, id: i64) -> Result<Vec<AuditEntry>, IpcError> {
    Ok(state.core().key_history(id)?)
}
