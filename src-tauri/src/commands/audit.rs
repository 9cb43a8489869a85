//! The audit log of admin actions. Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::audit::{AuditEntry, AuditFilter};

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn list_audit(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<Vec<AuditEntry>, IpcError> {
    Ok(state.core().audit_list(&filter)?)
}

/// Writes the filtered audit log as CSV to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_audit_csv(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<String, IpcError> {
    let path = state.core().export_audit_csv(&filter)?;
    Ok(path.display().to_string())
}
