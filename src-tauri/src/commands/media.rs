//! Uploads: template samples through the resumable upload (progress on the call's channel),
//! media for messages and the number's media library. The webview reads the file the user
//! picked and sends its bytes as base64; each command decodes, calls the core, maps the error.

use std::sync::Arc;

use base64::Engine as _;
use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::audit::Actor;
use wabadesk_core::media::{
    MediaFile, MediaType, SampleUpload, UploadFile, UploadProgress, MEDIA_TYPES,
};
use wabadesk_core::Error;

use crate::{AppState, IpcError};

fn file(file_name: String, data: &str) -> Result<UploadFile, IpcError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| Error::InvalidField {
            field: "file",
            message: format!("the file {file_name} did not arrive whole ({e}); pick it again"),
        })?;
    Ok(UploadFile { file_name, bytes })
}

/// Meta's media types and size limits (for the file picker's filter and its first check).
#[tauri::command]
pub fn media_types() -> Vec<MediaType> {
    MEDIA_TYPES.to_vec()
}

/// Uploads a template header sample (or a profile photo, `headerFormat` IMAGE); answers the
/// handle. Progress arrives on `on_progress` as the bytes go out.
#[tauri::command]
pub async fn upload_sample(
    state: State<'_, AppState>,
    number_id: i64,
    file_name: String,
    data: String,
    header_format: Option<String>,
    on_progress: Channel<UploadProgress>,
) -> Result<SampleUpload, IpcError> {
    let file = file(file_name, &data)?;
    drop(data);
    let progress = Arc::new(move |p: UploadProgress| {
        let _ = on_progress.send(p);
    });
    state
        .core()
        .upload_sample(
            number_id,
            file,
            header_format.as_deref(),
            Actor::Ui,
            Some(progress),
        )
        .await
        .map_err(state.for_number(number_id))
}

/// Uploads media for messages (`POST /media`) into the number's library.
#[tauri::command]
pub async fn upload_media(
    state: State<'_, AppState>,
    number_id: i64,
    file_name: String,
    data: String,
) -> Result<MediaFile, IpcError> {
    let file = file(file_name, &data)?;
    drop(data);
    state
        .core()
        .upload_media_file(number_id, file, Actor::Ui)
        .await
        .map_err(state.for_number(number_id))
}

#[tauri::command(async)]
pub fn media_library(
    state: State<'_, AppState>,
    number_id: i64,
) -> Result<Vec<MediaFile>, IpcError> {
    Ok(state.core().media_library(number_id)?)
}

#[tauri::command(async)]
pub fn forget_media(state: State<'_, AppState>, number_id: i64, id: i64) -> Result<(), IpcError> {
    Ok(state.core().forget_media(number_id, id)?)
}
