//! Templates: library, builder checks, create/delete, test-send, QA runs. Each command parses,
//! calls the core, maps the error.

use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::api::{Outgoing, SendResponse};
use wabadesk_core::audit::Actor;
use wabadesk_core::templates::draft::{DraftCheck, TemplateDraft};
use wabadesk_core::templates::library::{
    SendFormView, SyncReport, TemplateFilter, TemplateLibrary, TemplateRow, TestSend,
    TestSendResult,
};
use wabadesk_core::templates::qa::{QaRun, ReportFormat, Verdict};
use wabadesk_core::Error;

use crate::{AppState, IpcError};

/// Meta's rules on the builder's draft, reported at its fields, with the create body.
#[tauri::command]
pub fn check_template(draft: TemplateDraft) -> DraftCheck {
    draft.check()
}

/// Reads a template JSON (a create body or an exported template) into a draft.
#[tauri::command]
pub fn import_template(json: String) -> Result<TemplateDraft, IpcError> {
    let v: serde_json::Value = serde_json::from_str(&json)
        .map_err(|e| Error::Validation(format!("this is not template JSON: {e}")))?;
    if !v.is_object() || v.get("components").is_none() {
        return Err(Error::Validation(
            "template JSON needs name, category, language and components".into(),
        )
        .into());
    }
    Ok(TemplateDraft::from_body(&v))
}

#[tauri::command(async)]
pub fn template_library(
    state: State<'_, AppState>,
    number_id: i64,
    filter: TemplateFilter,
) -> Result<TemplateLibrary, IpcError> {
    Ok(state.core.template_library(number_id, &filter)?)
}

#[tauri::command]
pub async fn sync_templates(
    state: State<'_, AppState>,
    number_id: i64,
) -> Result<SyncReport, IpcError> {
    Ok(state.core.sync_templates(number_id, Actor::Ui).await?)
}

#[tauri::command]
pub async fn create_template(
    state: State<'_, AppState>,
    number_id: i64,
    draft: TemplateDraft,
) -> Result<TemplateRow, IpcError> {
    Ok(state
        .core
        .create_template(number_id, &draft, Actor::Ui)
        .await?)
}

#[tauri::command]
pub async fn delete_template(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
) -> Result<usize, IpcError> {
    Ok(state
        .core
        .delete_template(number_id, &name, Actor::Ui)
        .await?)
}

/// Writes a template's create body to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_template(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    language: String,
) -> Result<String, IpcError> {
    let t = state.core.template(number_id, &name, &language)?;
    let body = serde_json::to_string_pretty(&t.to_draft().to_body())
        .map_err(|e| Error::Internal(e.to_string()))?;
    let path = wabadesk_core::paths::export_path(
        &state.core.data_dir,
        &format!("template-{name}-{language}"),
        "json",
    )?;
    std::fs::write(&path, body).map_err(Error::io(&path))?;
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
    Ok(state.core.template(number_id, &name, &language)?.to_draft())
}

#[tauri::command(async)]
pub fn template_send_form(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    language: String,
) -> Result<SendFormView, IpcError> {
    Ok(state.core.send_form(number_id, &name, &language)?)
}

#[tauri::command]
pub async fn send_test_template(
    state: State<'_, AppState>,
    number_id: i64,
    send: TestSend,
) -> Result<TestSendResult, IpcError> {
    Ok(state.core.send_test(number_id, &send, Actor::Ui).await?)
}

/// A free-text message (inside the contact's 24-hour window).
#[tauri::command]
pub async fn send_text(
    state: State<'_, AppState>,
    number_id: i64,
    to: String,
    body: String,
) -> Result<SendResponse, IpcError> {
    let to = to.trim().trim_start_matches('+').to_string();
    if to.is_empty() || !to.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::Validation(
            "enter the recipient's number in international format, digits only".into(),
        )
        .into());
    }
    if body.trim().is_empty() || body.chars().count() > 4096 {
        return Err(Error::Validation("write a message of 1 to 4096 characters".into()).into());
    }
    let m = Outgoing::Text {
        to,
        body,
        preview_url: false,
    };
    Ok(state.core.send_message(number_id, &m, Actor::Ui).await?)
}

/// Sends every approved language of a template; progress is (done, total).
#[tauri::command]
pub async fn run_qa(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
    recipient: String,
    on_progress: Channel<(usize, usize)>,
) -> Result<QaRun, IpcError> {
    Ok(state
        .core
        .run_qa(number_id, &name, &recipient, Actor::Ui, |done, total| {
            let _ = on_progress.send((done, total));
        })
        .await?)
}

#[tauri::command(async)]
pub fn qa_runs(
    state: State<'_, AppState>,
    number_id: i64,
    name: String,
) -> Result<Vec<QaRun>, IpcError> {
    Ok(state.core.qa_runs(number_id, &name)?)
}

#[tauri::command(async)]
pub fn sign_off(
    state: State<'_, AppState>,
    run_id: i64,
    language: String,
    verdict: Verdict,
    note: String,
) -> Result<QaRun, IpcError> {
    Ok(state
        .core
        .sign_off(run_id, &language, verdict, &note, Actor::Ui)?)
}

/// Writes a QA run's report to the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn export_qa_report(
    state: State<'_, AppState>,
    run_id: i64,
    format: ReportFormat,
) -> Result<String, IpcError> {
    let report = state.core.qa_report(run_id, format)?;
    let path = wabadesk_core::paths::export_path(
        &state.core.data_dir,
        &format!("qa-{run_id}"),
        format.extension(),
    )?;
    std::fs::write(&path, report).map_err(Error::io(&path))?;
    Ok(path.display().to_string())
}
