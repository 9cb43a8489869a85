//! A minimal Tauri window: one static page that reports its first paint.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Called by the page after its first frame; the benchmark waits for this line. `page_ms` is
/// the page's own time since its navigation started (as WABA Desk logs it).
#[tauri::command]
fn ui_ready(page_ms: u64) {
    eprintln!("UI ready page_ms={page_ms}");
}

fn main() {
    // As WABA Desk does (src-tauri/src/rendering.rs): the engine draws without accelerated
    // compositing unless either variable says otherwise, so the two are compared like for like.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && std::env::var("WABADESK_GPU_COMPOSITING").as_deref() != Ok("1")
    {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
        .expect("the floor window failed to start");
}
