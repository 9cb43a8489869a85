//! QA runs: every approved language of a template to one test phone, signed off per language.
//! Each command parses, calls the core, maps the error.

use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::templates::qa::{QaRun, ReportFormat, Verdict};

use crate::{AppState, IpcError};

/// Sends every approved language of a template; progress is (done, total).
#[tauri::command]
pub async fn run_qa(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    recipient: String,
    on_progress: Channel<(usize, usize)>,
) -> Result<QaRun, IpcError> {
    state
        .core()
        .run_qa(number_id, &name, &recipient, Actor::Ui, |done, total| {
            let _ = on_progress.send((done, total));
        })
        .await
        .map_err(state.for_number(number_id))
}

#[tauri::command(async)]
pub fn qa_runs(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
) -> Result<Vec<QaRun>, IpcError> {
    Ok(state.core().qa_runs(number_id, &name)?)
}

/// Recipients the number sent to lately, for a new run.
#[tauri::command(async)]
pub fn qa_recent_recipients(
    state: State<'_, AppState>,
    number_id: i64,
) -> Result<Vec<String>, IpcError> {
    Ok(state.core().qa_recent_recipients(number_id, 5)?)
}

/// Signs off a variant in the name set in Settings (the user's profile's, also in a demo).
#[tauri::command(async)]
pub fn sign_off(
    state: State<'_, AppState>,
    run_id: i64,
    language: String,
    verdict: Verdict,
    note: String,
) -> Result<QaRun, IpcError> {
    let settings = state.settings();
    Ok(state.core().sign_off(
        run_id,
        &language,
        verdict,
        &note,
        settings.name(),
        Actor::Ui,
    )?)
}

/// Changes a signed variant's verdict: a new sign-off, audited; the earlier one is kept.
#[tauri::command(async)]
pub fn change_sign_off(
    state: State<'_, AppState>,
    run_id: i64,
    language: String,
    verdict: Verdict,
    note: String,
) -> Result<QaRun, IpcError> {
    let settings = state.settings();
    Ok(state.core().change_sign_off(
        run_id,
        &language,
        verdict,
        &note,
        settings.name(),
        Actor::Ui,
    )?)
}

/// Writes a QA run's report to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_qa_report(
    state: State<'_, AppState>,
    run_id: i64,
    format: ReportFormat,
) -> Result<String, IpcError> {
    let path = state.core().export_qa_report(run_id, format)?;
    Ok(path.display().to_string())
}
