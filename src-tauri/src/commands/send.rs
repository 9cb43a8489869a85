//! Sending outside the template test-send: free text, media messages, and "resend as test" from History. Each
//! command parses, calls the core, maps the error; retries after a capacity limit are
//! reported on the call's channel as they happen.

use std::sync::Arc;

use tauri::ipc::Channel;
use tauri::State;
use wabadesk_core::api::{ProgressFn, Retrying, SendResponse};
use wabadesk_core::audit::Actor;

use crate::{AppState, IpcError};

/// Forwards each retry to the webview.
pub fn progress_to(channel: Channel<Retrying>) -> ProgressFn {
    Arc::new(move |r| {
        let _ = channel.send(r);
    })
}

/// A free-text message (inside the contact's 24-hour window).
#[tauri::command]
pub async fn send_text(
    state: State<'_, AppState>,
    number_id: i64,
    to: String,
    body: String,
    on_progress: Channel<Retrying>,
) -> Result<SendResponse, IpcError> {
    let progress = Some(progress_to(on_progress));
    state
        .core()
        .send_text_with_progress(number_id, &to, &body, Actor::Ui, progress)
        .await
        .map_err(state.for_number(number_id))
}

/// A media message (inside the contact's 24-hour window): a media id from the library or a link.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn send_media(
    state: State<'_, AppState>,
    number_id: i64,
    to: String,
    kind: String,
    source: String,
    caption: Option<String>,
    filename: Option<String>,
    on_progress: Channel<Retrying>,
) -> Result<SendResponse, IpcError> {
    let progress = Some(progress_to(on_progress));
    state
        .core()
        .send_media_with_progress(
            number_id,
            &to,
            &kind,
            &source,
            caption.as_deref(),
            filename.as_deref(),
            Actor::Ui,
            progress,
        )
        .await
        .map_err(state.for_number(number_id))
}

/// "Resend as test": sends a sent message's request again. `wamid` is the message's wamid, or
/// the reference of an attempt that has none.
#[tauri::command]
pub async fn resend_message(
    state: State<'_, AppState>,
    wamid: String,
    on_progress: Channel<Retrying>,
) -> Result<SendResponse, IpcError> {
    let progress = Some(progress_to(on_progress));
    Ok(state
        .core()
        .resend_with_progress(&wamid, Actor::Ui, progress)
        .await?)
}
