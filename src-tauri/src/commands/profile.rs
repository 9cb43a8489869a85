//! Which profile the app has open: the user's, or the demo profile (its own data directory
//! and keyring namespace, the simulator in-process). Nothing of the demo leaves this computer.

use tauri::ipc::Channel;
use tauri::State;

use crate::state::ProfileStatus;
use crate::{AppState, IpcError};

#[tauri::command]
pub async fn profile_status(state: State<'_, AppState>) -> Result<ProfileStatus, IpcError> {
    Ok(state.profile_status().await)
}

/// Switches to the demo profile and sets the demo up; each step is reported in plain words.
#[tauri::command]
pub async fn start_demo(
    state: State<'_, AppState>,
    on_progress: Channel<String>,
) -> Result<ProfileStatus, IpcError> {
    let options = state.demo_options();
    Ok(state
        .start_demo(options, |step| {
            let _ = on_progress.send(step.to_string());
        })
        .await?)
}

/// Stops the demo and opens the user's profile again.
#[tauri::command]
pub async fn leave_demo(state: State<'_, AppState>) -> Result<ProfileStatus, IpcError> {
    Ok(state.leave_demo().await?)
}
