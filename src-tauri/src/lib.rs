//! The Tauri shell of WABA Desk: builds the window, opens the core, and exposes thin commands.
//! No SQL, HTTP or keyring code lives here; it all belongs to `wabadesk-core`.

mod commands;
mod error;
mod state;

use tauri::Manager;

pub use error::IpcError;
pub use state::AppState;

pub fn run() {
    commands::app::mark_process_start();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WABADESK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let state = match AppState::open() {
        Ok(s) => s,
        Err(e) => {
            // The window cannot work without its database: say why and stop cleanly.
            eprintln!("WABA Desk cannot start: {e}");
            tracing::error!(error = %e, "start-up failed");
            std::process::exit(1);
        }
    };
    tracing::info!(data_dir = %state.data_dir().display(), "WABA Desk starting");

    tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .setup(|app| {
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::ui_ready,
            commands::prefs::get_preferences,
            commands::prefs::set_preferences,
            commands::numbers::list_numbers,
            commands::numbers::add_number,
            commands::numbers::update_number,
            commands::numbers::remove_number,
            commands::numbers::set_key,
            commands::numbers::verify_key,
            commands::numbers::verify_all,
            commands::numbers::remove_key,
            commands::numbers::key_history,
            commands::numbers::list_audit,
            commands::numbers::export_audit_csv,
            commands::webhook::get_webhook,
            commands::webhook::set_webhook,
            commands::webhook::accept_webhook,
            commands::webhook::check_webhook_url,
            commands::webhook::test_webhook_endpoint,
            commands::webhook::inbox_status,
            commands::webhook::inbox_start,
            commands::webhook::inbox_stop,
            commands::webhook::list_inbox,
            commands::webhook::inbox_event,
            commands::webhook::replay_inbox_event,
            commands::webhook::import_inbox,
            commands::webhook::get_destinations,
            commands::webhook::save_destination,
            commands::webhook::set_destinations_enabled,
            commands::history::list_messages,
            commands::history::message_detail,
            commands::history::history_counts,
            commands::history::export_history,
            commands::history::conversation,
            commands::history::resend_message,
            commands::history::prune_history,
            commands::webhook::inbox_rejections,
            commands::templates::check_template,
            commands::templates::import_template,
            commands::templates::template_library,
            commands::templates::sync_templates,
            commands::templates::create_template,
            commands::templates::delete_template,
            commands::templates::export_template,
            commands::templates::template_draft,
            commands::templates::template_send_form,
            commands::templates::send_test_template,
            commands::templates::send_text,
            commands::templates::run_qa,
            commands::templates::qa_runs,
            commands::templates::sign_off,
            commands::templates::export_qa_report,
        ])
        .run(tauri::generate_context!())
        .expect("error while running WABA Desk");
}
