//! Webhook payloads as the inbox receives them: stored, parsed, classified and applied to
//! history (the same path as the receiver and `inbox import`). Nothing may panic; a body is
//! either imported or refused as invalid input.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use wabadesk_core::{Core, ErrorCode};

thread_local! {
    /// One in-memory database, renewed now and then so that memory stays bounded.
    static CORE: RefCell<(Core, u32)> = RefCell::new((Core::in_memory(), 0));
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    CORE.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.1 >= 5_000 {
            *cell = (Core::in_memory(), 0);
        }
        cell.1 += 1;
        if let Err(e) = cell.0.import_events(body) {
            assert_eq!(e.code(), ErrorCode::Validation, "{e}");
        }
    });
});
