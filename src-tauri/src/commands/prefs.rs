//! The Settings page's preferences: the UI's half (theme, last number) in the app's preference
//! store (tauri-plugin-store), the core's half (base URLs, default environment, name, downloads
//! folder) through the core, which keeps its own file. The UI sees them as one.

use tauri::{AppHandle, State};
use tauri_plugin_store::StoreExt;
use wabadesk_core::prefs::{Preferences, UiPreferences};

use crate::state::PREFERENCES_KEY as KEY;
use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn get_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Preferences, IpcError> {
    let store = app.store(state.preferences_path())?;
    let stored = store.get(KEY);
    // Once, for a profile from before the core kept its settings: the store held them all.
    if let Some(ui) = state.carry_over_settings(stored.clone()) {
        store.set(KEY, ui_value(&ui)?);
        store.save()?;
    }
    let ui = UiPreferences::from_json(stored);
    Ok(Preferences::join(ui, state.settings()))
}

#[tauri::command(async)]
pub fn set_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
    preferences: Preferences,
) -> Result<Preferences, IpcError> {
    let (ui, settings) = preferences.split();
    let settings = state.set_settings(settings)?;
    let store = app.store(state.preferences_path())?;
    store.set(KEY, ui_value(&ui)?);
    store.save()?;
    Ok(Preferences::join(ui, settings))
}

fn ui_value(ui: &UiPreferences) -> Result<serde_json::Value, IpcError> {
    serde_json::to_value(ui)
        .map_err(|e| IpcError::from(wabadesk_core::Error::Internal(format!("preferences: {e}"))))
}
