//! Numbers, keys and the audit log. Each command parses, calls the core, maps the error.

use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::audit::{Actor, AuditEntry, AuditFilter};
use wabadesk_core::keys::{VerifyOutcome, VerifyProgress};
use wabadesk_core::numbers::{NumberInput, NumberView};
use wabadesk_core::secrets::Sensitive;

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn list_numbers(state: State<'_, AppState>) -> Result<Vec<NumberView>, IpcError> {
    Ok(state.core.list_numbers()?)
}

#[tauri::command(async)]
pub fn add_number(state: State<'_, AppState>, input: NumberInput) -> Result<NumberView, IpcError> {
    Ok(state.core.add_number(input, Actor::Ui)?)
}

#[tauri::command(async)]
pub fn update_number(
    state: State<'_, AppState>,
    id: i64,
    input: NumberInput,
) -> Result<NumberView, IpcError> {
    Ok(state.core.update_number(id, input, Actor::Ui)?)
}

#[tauri::command(async)]
pub fn remove_number(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    Ok(state.core.remove_number(id, Actor::Ui)?)
}

/// The key comes in as `Sensitive`: it is never logged, serialised or sent back.
#[tauri::command]
pub async fn set_key(
    state: State<'_, AppState>,
    id: i64,
    key: Sensitive<String>,
    verify: bool,
) -> Result<NumberView, IpcError> {
    Ok(state.core.set_key(id, key, verify, Actor::Ui).await?)
}

/// Checks the key and refreshes health (`GET /health_status`).
#[tauri::command]
pub async fn verify_key(state: State<'_, AppState>, id: i64) -> Result<NumberView, IpcError> {
    Ok(state.core.verify_key(id, Actor::Ui).await?)
}

#[tauri::command]
pub async fn verify_all(
    state: State<'_, AppState>,
    on_progress: Channel<VerifyProgress>,
) -> Result<Vec<VerifyOutcome>, IpcError> {
    Ok(state
        .core
        .verify_all(Actor::Ui, |p| {
            let _ = on_progress.send(p);
        })
        .await?)
}

#[tauri::command(async)]
pub fn remove_key(state: State<'_, AppState>, id: i64) -> Result<NumberView, IpcError> {
    Ok(state.core.remove_key(id, Actor::Ui)?)
}

#[tauri::command(async)]
pub fn key_history(state: State<'_, AppState>, id: i64) -> Result<Vec<AuditEntry>, IpcError> {
    Ok(state.core.key_history(id)?)
}

#[tauri::command(async)]
pub fn list_audit(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<Vec<AuditEntry>, IpcError> {
    Ok(state.core.audit_list(&filter)?)
}

/// Writes the filtered audit log as CSV to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_audit_csv(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<String, IpcError> {
    Ok(state.core.export_audit_csv(&filter)?.display().to_string())
}
