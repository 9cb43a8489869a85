//! What the user sees when the app cannot start (keyring, database): the reason on standard
//! error and in the log, and in a message dialog when there is a display to show one.

use std::ffi::OsString;

const TITLE: &str = "WABA Desk cannot start";

/// Reports why the app cannot start and exits with status 1.
pub fn fail(error: &wabadesk_core::Error) -> ! {
    eprintln!("{TITLE}: {error}");
    tracing::error!(code = ?error.code(), error = %error, "start-up failed");
    if dialog_possible_here() {
        rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title(TITLE)
            .set_description(dialog_text(error))
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
    std::process::exit(1)
}

fn dialog_text(error: &wabadesk_core::Error) -> String {
    format!(
        "{error}\n\nWABA Desk closes now. Running \"wabadesk doctor\" checks the data \
         directory, the database and the OS keyring."
    )
}

/// Whether a failure could be shown in a dialog here (see [`fail`]).
pub fn dialog_possible_here() -> bool {
    dialog_possible(|name| std::env::var_os(name))
}

/// A dialog needs a display, and must never wait for a click in CI or a headless test.
fn dialog_possible(var: impl Fn(&str) -> Option<OsString>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    let ci = var("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    if ci {
        return false;
    }
    if cfg!(all(unix, not(target_os = "macos"))) {
        set("DISPLAY") || set("WAYLAND_DISPLAY")
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            vars.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn no_dialog_in_ci_even_with_a_display() {
        assert!(!dialog_possible(env(&[("CI", "true"), ("DISPLAY", ":0")])));
        assert!(!dialog_possible(env(&[
            ("CI", "1"),
            ("WAYLAND_DISPLAY", "w-0")
        ])));
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn a_dialog_needs_a_display_on_linux() {
        assert!(!dialog_possible(env(&[])));
        assert!(!dialog_possible(env(&[("DISPLAY", "")])));
        assert!(dialog_possible(env(&[("DISPLAY", ":99")])));
        assert!(dialog_possible(env(&[("WAYLAND_DISPLAY", "wayland-0")])));
        assert!(dialog_possible(env(&[("CI", "false"), ("DISPLAY", ":0")])));
    }

    #[test]
    fn the_dialog_says_why_and_what_to_run() {
        let text = dialog_text(&wabadesk_core::Error::KeychainUnavailable(
            "no OS keyring is reachable".into(),
        ));
        assert!(text.starts_with("no OS keyring is reachable"), "{text}");
        assert!(text.contains("wabadesk doctor"), "{text}");
    }
}
