//! Webhook URLs through 360dialog's rules: an accepted URL is https, has a host without `_`
//! and no port, and is accepted again unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wabadesk_core::webhook::check_url;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match check_url(s) {
        Ok(url) => {
            assert!(url.len() <= 2000, "{url}");
            let parsed = url::Url::parse(&url).unwrap();
            assert_eq!(parsed.scheme(), "https");
            let host = parsed.host_str().unwrap_or_default();
            assert!(!host.is_empty() && !host.contains('_'), "{url}");
            assert!(parsed.port().is_none(), "{url}");
            assert_eq!(check_url(&url).ok().as_deref(), Some(url.as_str()));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
