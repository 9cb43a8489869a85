//! Message history. Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::history::{HistoryFilter, MessageDetail, MessageView};

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn list_messages(
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> Result<Vec<MessageView>, IpcError> {
    Ok(state.core.list_messages(&filter)?)
}

#[tauri::command(async)]
pub fn message_detail(
    state: State<'_, AppState>,
    wamid: String,
) -> Result<MessageDetail, IpcError> {
    Ok(state.core.message_detail(&wamid)?)
}
