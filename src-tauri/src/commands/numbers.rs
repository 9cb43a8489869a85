//! WhatsApp numbers: list, add, edit, remove. Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::numbers::{NumberInput, NumberView};

use crate::{AppState, IpcError};

#[tauri::command(async)]
pub fn list_numbers(state: State<'_, AppState>) -> Result<Vec<NumberView>, IpcError> {
    Ok(state.core().list_numbers()?)
}

#[tauri::command(async)]
pub fn add_number(state: State<'_, AppState>, input: NumberInput) -> Result<NumberView, IpcError> {
    Ok(state.core().add_number(input, Actor::Ui)?)
}

#[tauri::command(async)]
pub fn update_number(
    state: State<'_, AppState>,
    id: i64,
    input: NumberInput,
) -> Result<NumberView, IpcError> {
    Ok(state.core().update_number(id, input, Actor::Ui)?)
}

#[tauri::command(async)]
pub fn remove_number(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    Ok(state.core().remove_number(id, Actor::Ui)?)
}
