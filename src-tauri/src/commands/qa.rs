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

#[tauri::command(async)]
pub fn sign_off(
    state: State<'_, AppState>,
    run_id: i64,
    language: String,
    verdict: Verdict,
    note: String,
) -> Result<QaRun, IpcError> {
    // Who signs off: the name in Settings goes in front of the note (run, report, audit).
    let note = state.settings().sign_off_note(&note);
    Ok(state
        .core()
        .sign_off(run_id, &language, verdict, &note, Actor::Ui)?)
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
