use tauri::State;
use wabadesk_core::info::AppInfo;

use crate::{AppState, IpcError};

/// Version, data dir, database schema and keyring reachability, for the About page.
#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(wabadesk_core::info::app_info(
        &state.data_dir,
        &state.db,
        state.secrets.as_ref(),
    ))
}
