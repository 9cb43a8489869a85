use tauri::{AppHandle, State};
use tauri_plugin_store::StoreExt;
use wabadesk_core::prefs::Preferences;

use crate::{AppState, IpcError};

use wabadesk_core::prefs::PREFERENCES_KEY as KEY;

#[tauri::command(async)]
pub fn get_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Preferences, IpcError> {
    let store = app.store(state.preferences_path())?;
    Ok(Preferences::from_json(store.get(KEY)))
}

#[tauri::command(async)]
pub fn set_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
    preferences: Preferences,
) -> Result<Preferences, IpcError> {
    preferences.validate()?;
    let store = app.store(state.preferences_path())?;
    let value = serde_json::to_value(&preferences)
        .map_err(|e| IpcError::from(wabadesk_core::Error::Internal(format!("preferences: {e}"))))?;
    store.set(KEY, value);
    store.save()?;
    state.mirror_preferences();
    Ok(preferences)
}
