use tauri::State;
use wabadesk_core::info::AppInfo;

use crate::{AppState, IpcError};

/// Version, data dir, database schema and keyring reachability, for the About page.
#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    let core = &state.core;
    Ok(wabadesk_core::info::app_info(
        &core.data_dir,
        &core.db,
        core.secrets.as_ref(),
    ))
}
