//! Setting a number up: business profile, conversational components, block list, health and
//! the checklist. Each command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::api::{BlockedUser, BusinessProfileFields, ConversationalAutomation};
use wabadesk_core::audit::Actor;
use wabadesk_core::onboarding::{
    BlockChange, BlockOutcome, BusinessProfileInput, BusinessProfileView, Checklist,
    ComponentsCheck, ComponentsView, NumberHealth, NumberProgress, ProfileCheck,
};

use crate::{AppState, IpcError};

#[tauri::command]
pub async fn get_business_profile(
    state: State<'_, AppState>,
    id: i64,
) -> Result<BusinessProfileView, IpcError> {
    state
        .core()
        .business_profile(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

/// The limits and the diff of an edit against `current`, as the user types (no call).
#[tauri::command(async)]
pub fn check_business_profile(
    state: State<'_, AppState>,
    current: BusinessProfileFields,
    input: BusinessProfileInput,
) -> ProfileCheck {
    state.core().check_business_profile(&current, &input)
}

#[tauri::command]
pub async fn set_business_profile(
    state: State<'_, AppState>,
    id: i64,
    input: BusinessProfileInput,
) -> Result<BusinessProfileView, IpcError> {
    state
        .core()
        .set_business_profile(id, input, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn get_components(
    state: State<'_, AppState>,
    id: i64,
) -> Result<ComponentsView, IpcError> {
    state
        .core()
        .components(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command(async)]
pub fn check_components(
    state: State<'_, AppState>,
    components: ConversationalAutomation,
) -> ComponentsCheck {
    state.core().check_components(&components)
}

#[tauri::command]
pub async fn set_components(
    state: State<'_, AppState>,
    id: i64,
    components: ConversationalAutomation,
) -> Result<ComponentsView, IpcError> {
    state
        .core()
        .set_components(id, components, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn list_blocked(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<BlockedUser>, IpcError> {
    state
        .core()
        .blocked_users(id, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command]
pub async fn change_blocked(
    state: State<'_, AppState>,
    id: i64,
    change: BlockChange,
    users: Vec<String>,
) -> Result<BlockOutcome, IpcError> {
    state
        .core()
        .change_blocked(id, change, users, Actor::Ui)
        .await
        .map_err(state.for_number(id))
}

#[tauri::command(async)]
pub fn number_health(state: State<'_, AppState>, id: i64) -> Result<NumberHealth, IpcError> {
    Ok(state.core().number_health(id)?)
}

#[tauri::command(async)]
pub fn get_checklist(state: State<'_, AppState>, id: i64) -> Result<Checklist, IpcError> {
    Ok(state.core().checklist(id)?)
}

#[tauri::command(async)]
pub fn onboarding_progress(state: State<'_, AppState>) -> Result<Vec<NumberProgress>, IpcError> {
    Ok(state.core().onboarding_progress()?)
}
