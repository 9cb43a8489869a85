//! Templates: library, builder checks, create/delete, export, and the test-send form. Each
//! command parses, calls the core, maps the error.

use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::templates::curl::CurlImport;
use wabadesk_core::templates::draft::{DraftCheck, TemplateDraft};
use wabadesk_core::templates::library::{
    SendFormView, SyncReport, TemplateFilter, TemplateLibrary, TemplateRow, TestSend,
    TestSendResult,
};
use wabadesk_core::templates::saved::{DraftSave, SavedDraft};

use crate::{AppState, IpcError};

/// Meta's rules on the builder's draft, reported at its fields, with the create body. With a
/// number, also what its local library knows (a name + language that exists already).
#[tauri::command(async)]
pub fn check_template(
    state: State<'_, AppState>,
    draft: TemplateDraft,
    number_id: Option<i64>,
) -> Result<DraftCheck, IpcError> {
    Ok(match number_id {
        Some(id) => state.core().check_template_for(id, &draft)?,
        None => draft.check(),
    })
}

/// Saves the builder's draft of a number as the user types; returns it with its id.
#[tauri::command(async)]
pub fn save_template_draft(
    state: State<'_, AppState>,
    number_id: i64,
    save: DraftSave,
) -> Result<SavedDraft, IpcError> {
    Ok(state.core().save_template_draft(number_id, &save)?)
}

/// The number's saved builder drafts, most recent first.
#[tauri::command(async)]
pub fn template_drafts(
    state: State<'_, AppState>,
    number_id: i64,
) -> Result<Vec<SavedDraft>, IpcError> {
    Ok(state.core().template_drafts(number_id)?)
}

#[tauri::command(async)]
pub fn discard_template_draft(
    state: State<'_, AppState>,
    number_id: i64,
    id: i64,
) -> Result<(), IpcError> {
    Ok(state.core().discard_template_draft(number_id, id)?)
}

/// Reads a template JSON (a create body or an exported template) into a draft.
#[tauri::command]
pub fn import_template(json: String) -> Result<TemplateDraft, IpcError> {
    Ok(TemplateDraft::from_json(&json)?)
}

#[tauri::command(async)]
pub fn template_library(
    state: State<'_, AppState>,
    number_id: i64,
    filter: TemplateFilter,
) -> Result<TemplateLibrary, IpcError> {
    Ok(state.core().template_library(number_id, &filter)?)
}

#[tauri::command]
pub async fn sync_templates(
    state: State<'_, AppState>,
    number_id: i64,
) -> Result<SyncReport, IpcError> {
    state
        .core()
        .sync_templates(number_id, Actor::Ui)
        .await
        .map_err(state.for_number(number_id))
}

#[tauri::command]
pub async fn create_template(
    state: State<'_, AppState>,
    number_id: i64,
    draft: TemplateDraft,
) -> Result<TemplateRow, IpcError> {
    state
        .core()
        .create_template(number_id, &draft, Actor::Ui)
        .await
        .map_err(state.for_number(number_id))
}

#[tauri::command]
pub async fn delete_template(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
) -> Result<usize, IpcError> {
    state
        .core()
        .delete_template(number_id, &name, Actor::Ui)
        .await
        .map_err(state.for_number(number_id))
}

/// Writes a template's create body to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_template(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    language: String,
) -> Result<String, IpcError> {
    let path = state.core().export_template(number_id, &name, &language)?;
    Ok(path.display().to_string())
}

/// A cached variant as a draft (edit a copy, duplicate as a new language or name).
#[tauri::command(async)]
pub fn template_draft(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    language: String,
) -> Result<TemplateDraft, IpcError> {
    Ok(state
        .core()
        .template(number_id, &name, &language)?
        .to_draft())
}

#[tauri::command(async)]
pub fn template_send_form(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    language: String,
) -> Result<SendFormView, IpcError> {
    Ok(state.core().send_form(number_id, &name, &language)?)
}

#[tauri::command]
pub async fn send_test_template(
    state: State<'_, AppState>,
    number_id: i64,
    send: TestSend,
    on_progress: tauri::ipc::Channel<wabadesk_core::api::Retrying>,
) -> Result<TestSendResult, IpcError> {
    let progress = Some(super::send::progress_to(on_progress));
    state
        .core()
        .send_test_with_progress(number_id, &send, Actor::Ui, progress)
        .await
        .map_err(state.for_number(number_id))
}

/// "Paste curl": a curl command for `POST /messages` opened as a test-send of the number.
#[tauri::command(async)]
pub fn import_curl(
    state: State<'_, AppState>,
    number_id: i64,
    command: String,
) -> Result<CurlImport, IpcError> {
    Ok(state.core().import_curl(number_id, &command)?)
}
