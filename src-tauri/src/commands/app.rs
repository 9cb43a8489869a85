use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tauri::State;
use wabadesk_core::info::AppInfo;

use crate::{AppState, IpcError};

/// Version, data dir, database schema and keyring reachability, for the About page.
#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    Ok(state.core().info())
}

/// Shows an export (a report, a history or audit file) in the system's file manager. Only a
/// file the app wrote to the export folder is accepted (the core checks), so the window cannot
/// have anything else opened; the webview gets no opener permission of its own.
#[tauri::command(async)]
pub fn reveal_export(state: State<'_, AppState>, path: String) -> Result<(), IpcError> {
    let file = state.core().exported_file(std::path::Path::new(&path))?;
    tauri_plugin_opener::reveal_item_in_dir(file)?;
    Ok(())
}

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Remembers when the process started (called first thing in `run`).
pub fn mark_process_start() {
    STARTED.get_or_init(Instant::now);
}

/// The UI calls this once, after its first complete frame is painted. The log line is what the
/// start-up benchmark (`scripts/bench/startup.mjs`) waits for. `page_ms` is the page's own time
/// since its navigation started.
#[tauri::command]
pub fn ui_ready(page_ms: u64) {
    let ms = STARTED
        .get()
        .map(|t| t.elapsed().as_millis())
        .unwrap_or_default();
    tracing::info!(ms, page_ms, "UI ready");
    let (painted, signal) = &PAINTED;
    *painted.lock().unwrap_or_else(|e| e.into_inner()) = true;
    signal.notify_all();
}

/// Whether the UI has painted its first frame (set by [`ui_ready`]).
static PAINTED: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// Waits until the UI has painted its first frame, or `max` has passed. Work that can wait for
/// it (opening the profile: migrations, the keyring) then does not take the CPU from the first
/// paint on a machine with few cores; the full UI, which needs the profile, loads only after
/// that frame anyway (ui/src/boot.ts).
pub fn wait_for_first_frame(max: Duration) {
    let (painted, signal) = &PAINTED;
    let guard = painted.lock().unwrap_or_else(|e| e.into_inner());
    let _ = signal.wait_timeout_while(guard, max, |painted| !*painted);
}

/// The route of the `wabadesk://` link the app was started with, until the UI takes it.
static OPENING_LINK: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Keeps the window's route for a `wabadesk://` link given on the command line (the desktop
/// entry passes it); a link that opens nothing is logged and dropped.
pub fn remember_link(link: &str) {
    match wabadesk_core::links::Link::parse(link) {
        Ok(l) => *OPENING_LINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(l.route()),
        Err(e) => tracing::warn!("{e}"),
    }
}

/// The route (`#/templates?…`) of the link the app was started with, once; `None` after that
/// or when it was started without one.
#[tauri::command]
pub fn opening_link() -> Option<String> {
    OPENING_LINK
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
}

/// A link opened while the app runs: the main window goes to its route.
pub fn open_link<R: tauri::Runtime>(app: &tauri::AppHandle<R>, link: &str) {
    use tauri::Manager;
    let route = match wabadesk_core::links::Link::parse(link) {
        Ok(l) => l.route(),
        Err(e) => {
            tracing::warn!("{e}");
            return;
        }
    };
    if let Some(w) = app.get_webview_window("main") {
        let js = format!("location.hash = {}", serde_json::Value::from(route));
        if let Err(e) = w.eval(&js) {
            tracing::warn!("opening a link: {e}");
        }
        let _ = w.set_focus();
    }
}
