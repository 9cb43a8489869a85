// Every app command must be listed here; capabilities/main.json then grants each one
// explicitly (allow-<command>), so the webview can call nothing it was not given.
const COMMANDS: &[&str] = &[
    "app_info",
    "get_preferences",
    "set_preferences",
    "list_numbers",
    "add_number",
    "update_number",
    "remove_number",
    "set_key",
    "verify_key",
    "verify_all",
    "remove_key",
    "key_history",
    "list_audit",
    "export_audit_csv",
    "get_webhook",
    "set_webhook",
    "accept_webhook",
    "check_webhook_url",
    "test_webhook_endpoint",
    "inbox_status",
    "inbox_start",
    "inbox_stop",
    "list_inbox",
    "inbox_event",
    "replay_inbox_event",
    "import_inbox",
    "get_destinations",
    "save_destination",
    "set_destinations_enabled",
    "list_messages",
    "message_detail",
    "history_counts",
    "export_history",
    "conversation",
    "resend_message",
    "prune_history",
    "inbox_rejections",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
