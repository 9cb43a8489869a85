//! Phone numbers as people type them: E.164 out (8 to 15 digits, `contact::PHONE_DIGITS`,
//! idempotent) or a reason.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wabadesk_core::numbers::normalize_phone;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match normalize_phone(s) {
        Ok(p) => {
            let digits = p.strip_prefix('+').expect("E.164 starts with +");
            assert!(digits.bytes().all(|c| c.is_ascii_digit()), "{p}");
            assert!(wabadesk_core::contact::PHONE_DIGITS.contains(&digits.len()), "{p}");
            assert_eq!(normalize_phone(&p).ok().as_deref(), Some(p.as_str()));
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
