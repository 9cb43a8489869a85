//! The local webhook receiver and what it stored. Each command parses, calls the core, maps the
//! error.
//!
//! The receiver's lifecycle belongs to the core (`Core::start_receiver` and friends), which also
//! reports its start and stop as inbox changes.

use std::net::SocketAddr;
use tauri::State;
use wabadesk_core::inbox::{ImportReport, InboxEventView, InboxFilter, InboxStatus, Rejection};
use wabadesk_core::{Error, Result};

use crate::{AppState, IpcError};

pub(crate) fn listen_address(listen: &str) -> Result<SocketAddr> {
    listen
        .trim()
        .parse()
        .map_err(|_| Error::Validation(format!("'{listen}' is not an address like 127.0.0.1:8377")))
}

#[tauri::command]
pub async fn inbox_status(state: State<'_, AppState>) -> Result<InboxStatus, IpcError> {
    Ok(state.core().receiver_status())
}

#[tauri::command]
pub async fn inbox_start(
    state: State<'_, AppState>,
    listen: String,
) -> Result<InboxStatus, IpcError> {
    let addr = listen_address(&listen)?;
    Ok(state.core().start_receiver(addr).await?)
}

#[tauri::command]
pub async fn inbox_stop(state: State<'_, AppState>) -> Result<InboxStatus, IpcError> {
    Ok(state.core().stop_receiver())
}

#[tauri::command(async)]
pub fn list_inbox(
    state: State<'_, AppState>,
    filter: InboxFilter,
) -> Result<Vec<InboxEventView>, IpcError> {
    Ok(state.core().list_inbox(&filter)?)
}

#[tauri::command(async)]
pub fn inbox_event(state: State<'_, AppState>, id: i64) -> Result<InboxEventView, IpcError> {
    Ok(state.core().inbox_event(id)?)
}

#[tauri::command(async)]
pub fn replay_inbox_event(state: State<'_, AppState>, id: i64) -> Result<InboxEventView, IpcError> {
    Ok(state.core().replay_event(id)?)
}

/// Captured payloads (a JSON array or JSON lines) read from a file the user picked.
#[tauri::command(async)]
pub fn import_inbox(state: State<'_, AppState>, content: String) -> Result<ImportReport, IpcError> {
    Ok(state.core().import_events(&content)?)
}

/// Requests the receiver refused (missing or wrong shared secret), newest first.
#[tauri::command(async)]
pub fn inbox_rejections(state: State<'_, AppState>) -> Result<Vec<Rejection>, IpcError> {
    Ok(state.core().list_rejections(50)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listen_address_is_checked() {
        assert_eq!(
            listen_address(" 127.0.0.1:8377 ").unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 8377))
        );
        let e = listen_address("localhost").unwrap_err();
        assert!(e.to_string().contains("127.0.0.1:8377"), "{e}");
    }
}
