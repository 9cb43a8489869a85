//! Message history. Each command parses, calls the core, maps the error.

use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::history::{
    Conversation, ExportFormat, HistoryFilter, MessageDetail, MessageView,
};

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn list_messages(
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> Result<Vec<MessageView>, IpcError> {
    Ok(state.core().list_messages(&filter)?)
}

#[tauri::command(async)]
pub fn message_detail(
    state: State<'_, AppState>,
    wamid: String,
) -> Result<MessageDetail, IpcError> {
    Ok(state.core().message_detail(&wamid)?)
}

/// Messages per status for the filter (the strip above the table).
#[tauri::command(async)]
pub fn history_counts(
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> Result<Vec<(String, i64)>, IpcError> {
    Ok(state.core().message_counts(&filter)?)
}

/// Exports the filtered history to the Downloads folder, reporting rows written as it goes;
/// returns the file's path.
#[tauri::command(async)]
pub fn export_history(
    state: State<'_, AppState>,
    filter: HistoryFilter,
    format: ExportFormat,
    on_progress: Channel<u64>,
) -> Result<String, IpcError> {
    let path = state.core().export_path("history", format.extension())?;
    state.core().export_history(&filter, format, &path, |n| {
        let _ = on_progress.send(n);
    })?;
    Ok(path.display().to_string())
}

#[tauri::command(async)]
pub fn conversation(
    state: State<'_, AppState>,
    number_id: Option<i64>,
    contact: String,
) -> Result<Conversation, IpcError> {
    Ok(state.core().conversation(number_id, &contact)?)
}

/// Retention: how many messages are older than `days` (with `dry_run`), or deletes them.
#[tauri::command(async)]
pub fn prune_history(
    state: State<'_, AppState>,
    days: u32,
    dry_run: bool,
) -> Result<u64, IpcError> {
    Ok(state.core().prune_history(days, dry_run, Actor::Ui)?)
}
