//! Postman: a number's collection and environment saved to the downloads folder.

use tauri::State;
use wabadesk_core::postman::PostmanSaved;

use crate::{AppState, IpcError};

/// Saves the number's Postman collection, environment and sample file into a new folder of the
/// downloads folder. The key goes into the environment only with `include_key` (the UI warns).
#[tauri::command(async)]
pub fn export_postman(
    state: State<'_, AppState>,
    number_id: i64,
    include_key: bool,
) -> Result<PostmanSaved, IpcError> {
    state
        .core()
        .save_postman_export(number_id, include_key)
        .map_err(state.for_number(number_id))
}
