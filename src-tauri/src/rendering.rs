//! How the window's web engine draws, set before the engine starts.
//!
//! On Linux, WebKitGTK composites pages through OpenGL by default ("accelerated compositing").
//! For this app's pages (forms, tables, lists) that buys nothing visible, and it costs memory:
//! where the GL is software (virtual machines, remote desktops, Xvfb), the web process held
//! 190 MB right after start and grew by ~50 MB on the first page opened and ~100 MB after
//! browsing History; drawing without it, 105 MB and ~15 MB after visiting every page (README,
//! "Start-up and footprint"). It is also the usual workaround for blank or flickering WebKitGTK
//! windows on some GPU drivers. So the app draws without it unless the user says otherwise:
//! a `WEBKIT_DISABLE_COMPOSITING_MODE` already set wins, and `WABADESK_GPU_COMPOSITING=1`
//! keeps WebKit's default.

/// The environment variable that keeps WebKit's accelerated compositing.
pub const KEEP_COMPOSITING: &str = "WABADESK_GPU_COMPOSITING";

/// Sets the engine's drawing mode for this process (and the web processes it starts). Call
/// before anything starts threads or the engine.
pub fn configure() {
    #[cfg(target_os = "linux")]
    if let Some((key, value)) = decide(
        std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some(),
        std::env::var(KEEP_COMPOSITING).ok().as_deref(),
    ) {
        std::env::set_var(key, value);
    }
}

/// What to set, given whether WebKit's own variable is set and the value of ours.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn decide(webkit_set: bool, keep: Option<&str>) -> Option<(&'static str, &'static str)> {
    if webkit_set || keep == Some("1") {
        None
    } else {
        Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"))
    }
}

#[cfg(test)]
mod tests {
    use super::decide;

    #[test]
    fn compositing_is_off_unless_the_user_set_either_variable() {
        assert_eq!(
            decide(false, None),
            Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"))
        );
        assert_eq!(
            decide(false, Some("0")),
            Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"))
        );
        assert_eq!(decide(false, Some("1")), None);
        assert_eq!(decide(true, None), None);
    }
}
