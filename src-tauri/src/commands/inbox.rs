//! The local webhook receiver and what it stored. Each command parses, calls the core, maps the
//! error.
//!
//! The receiver's lifecycle is kept here, in [`Receiver`], and nowhere else in the shell.

use std::net::SocketAddr;
use std::sync::Arc;

use tauri::State;
use wabadesk_core::events::Topic;
use wabadesk_core::inbox::{
    self, ImportReport, InboxEventView, InboxFilter, InboxHandle, InboxStatus, Rejection,
};
use wabadesk_core::{Core, Error, Result};

use crate::{AppState, IpcError};

/// The webhook receiver, while it runs.
#[derive(Default)]
pub struct Receiver(tokio::sync::Mutex<Option<InboxHandle>>);

impl Receiver {
    pub async fn status(&self) -> InboxStatus {
        let guard = self.0.lock().await;
        InboxStatus {
            running: guard.is_some(),
            url: guard.as_ref().map(|h| h.url()),
        }
    }

    /// Starts the receiver on `addr` unless it runs already.
    pub async fn start(&self, core: Arc<Core>, addr: SocketAddr) -> Result<InboxStatus> {
        let mut guard = self.0.lock().await;
        if guard.is_none() {
            *guard = Some(inbox::serve(core, addr).await?);
        }
        Ok(InboxStatus {
            running: true,
            url: guard.as_ref().map(|h| h.url()),
        })
    }

    /// Where the receiver listens, while it runs.
    pub async fn addr(&self) -> Option<SocketAddr> {
        self.0.lock().await.as_ref().map(|h| h.addr)
    }

    /// Takes over a receiver started elsewhere (the demo's), stopping the one running.
    pub async fn adopt(&self, handle: InboxHandle) {
        if let Some(old) = self.0.lock().await.replace(handle) {
            old.stop();
        }
    }

    pub async fn stop(&self) -> InboxStatus {
        if let Some(handle) = self.0.lock().await.take() {
            handle.stop();
        }
        InboxStatus {
            running: false,
            url: None,
        }
    }

    /// Makes a running receiver read the shared secrets again (after a webhook change).
    pub async fn reload_secrets(&self) -> Result<()> {
        match self.0.lock().await.as_ref() {
            Some(handle) => handle.reload_secrets().await,
            None => Ok(()),
        }
    }
}

pub(crate) fn listen_address(listen: &str) -> Result<SocketAddr> {
    listen
        .trim()
        .parse()
        .map_err(|_| Error::Validation(format!("'{listen}' is not an address like 127.0.0.1:8377")))
}

#[tauri::command]
pub async fn inbox_status(state: State<'_, AppState>) -> Result<InboxStatus, IpcError> {
    Ok(state.receiver.status().await)
}

#[tauri::command]
pub async fn inbox_start(
    state: State<'_, AppState>,
    listen: String,
) -> Result<InboxStatus, IpcError> {
    let addr = listen_address(&listen)?;
    let status = state.receiver.start(state.core(), addr).await?;
    state.events.changed(Topic::Inbox, None);
    Ok(status)
}

#[tauri::command]
pub async fn inbox_stop(state: State<'_, AppState>) -> Result<InboxStatus, IpcError> {
    let status = state.receiver.stop().await;
    state.events.changed(Topic::Inbox, None);
    Ok(status)
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

    #[tokio::test]
    async fn the_receiver_starts_once_reports_its_url_and_stops() {
        let core = Arc::new(Core::in_memory());
        let receiver = Receiver::default();
        assert!(!receiver.status().await.running);
        receiver.reload_secrets().await.unwrap();
        let any_port = SocketAddr::from(([127, 0, 0, 1], 0));
        let first = receiver.start(core.clone(), any_port).await.unwrap();
        let url = first.url.clone().expect("a running receiver has a URL");
        let again = receiver.start(core, any_port).await.unwrap();
        assert_eq!(
            again.url.as_deref(),
            Some(url.as_str()),
            "not started twice"
        );
        assert_eq!(receiver.status().await.url.as_deref(), Some(url.as_str()));
        receiver.reload_secrets().await.unwrap();
        let stopped = receiver.stop().await;
        assert!(!stopped.running && stopped.url.is_none());
        assert!(!receiver.status().await.running);
    }
}
