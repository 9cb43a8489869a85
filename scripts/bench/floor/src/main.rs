//! A minimal Tauri window: one static page that reports its first paint.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Called by the page after its first frame; the benchmark waits for this line.
#[tauri::command]
fn ui_ready() {
    eprintln!("UI ready");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
        .expect("the floor window failed to start");
}
