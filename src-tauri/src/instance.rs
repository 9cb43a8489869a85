//! One window per profile. A second start on the same data directory (a `wabadesk://` link the
//! desktop opens, a desktop-entry action, the app started again) hands its arguments to the
//! running window, which goes to the link's view and comes to the front; the second process
//! exits without opening the database or a webhook receiver (tauri-plugin-single-instance,
//! with its deep-link feature, on the name [`wabadesk_core::paths::instance_id`] gives).

use tauri::{plugin::TauriPlugin, AppHandle, Manager, Runtime};

/// The plugin's well-known name for an instance id (it appends `.SingleInstance`).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn bus_name(id: &str) -> String {
    format!("{id}.SingleInstance")
}

/// Whether a window of this profile already runs. Asked before the profile is opened, so a
/// second start never settles the running window's sends as interrupted or migrates its
/// database under it. Without a session bus nothing can be found: `false`.
#[cfg(target_os = "linux")]
pub fn already_running(id: &str) -> bool {
    let ask = || -> zbus::Result<bool> {
        let bus = zbus::blocking::Connection::session()?;
        let dbus = zbus::blocking::fdo::DBusProxy::new(&bus)?;
        let name = zbus::names::BusName::try_from(bus_name(id))?;
        Ok(dbus.name_has_owner(name)?)
    };
    ask().unwrap_or_else(|e| {
        tracing::debug!("no session bus to look for a running window: {e}");
        false
    })
}

#[cfg(not(target_os = "linux"))]
pub fn already_running(_id: &str) -> bool {
    // The plugin's own check (a named mutex, a socket) comes first among the plugins there.
    false
}

/// The single-instance plugin for the profile `id`. Registered first: a second instance is
/// handed off before any other plugin or the window starts.
pub fn plugin<R: Runtime>(id: &str) -> TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(id)
        .callback(|app, args, _cwd| on_second_start(app, args))
        .build()
}

/// In the running window: the deep-link plugin has already been given a lone link argument
/// (the desktop entry's `%u`), which moves the window there; a link among other arguments is
/// opened here. Either way the window comes to the front.
fn on_second_start<R: Runtime>(app: &AppHandle<R>, args: Vec<String>) {
    tracing::info!("a second start handed over its arguments");
    if !lone_link(&args) {
        if let Some(link) = wabadesk_core::links::link_in_args(args.into_iter().skip(1)) {
            crate::commands::app::open_link(app, &link);
        }
    }
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// The arguments are the program and one `wabadesk://` link: what the deep-link plugin takes.
fn lone_link(args: &[String]) -> bool {
    matches!(args, [_, link] if wabadesk_core::links::link_in_args([link.clone()]).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_a_lone_link_is_left_to_the_deep_link_plugin() {
        assert!(lone_link(&args(&["wabadesk-app", "wabadesk://inbox"])));
        assert!(!lone_link(&args(&[
            "wabadesk-app",
            "--demo",
            "wabadesk://inbox"
        ])));
        assert!(!lone_link(&args(&["wabadesk-app"])));
        assert!(!lone_link(&args(&["wabadesk-app", "--demo"])));
    }

    #[test]
    fn the_bus_name_is_the_plugins() {
        assert_eq!(
            bus_name("com.wabadesk.desk"),
            "com.wabadesk.desk.SingleInstance"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn no_window_runs_for_a_new_profile() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!already_running(&wabadesk_core::paths::instance_id(
            dir.path()
        )));
    }
}
