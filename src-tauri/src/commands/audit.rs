//! The audit log of admin actions. Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::audit::{self, AuditEntry, AuditFilter};

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn list_audit(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<Vec<AuditEntry>, IpcError> {
    Ok(audit::list(&state.core().db, &filter)?)
}

/// Writes the filtered audit log as CSV to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_audit_csv(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<String, IpcError> {
    let path = audit::export_csv(&state.core().db, &filter, &state.core().data_dir)?;
    Ok(path.display().to_string())
}
