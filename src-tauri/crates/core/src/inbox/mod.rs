//! The webhook inbox: a local receiver that persists each raw body first (one transaction per
//! batch of concurrent requests: group commit), answers 200 only after the commit, and then
//! parses the events and applies them to history. Retries of an event (same body) are counted,
//! not stored twice. Malformed and unknown payloads are kept raw and flagged.

mod apply;
mod server;
mod store;

pub use apply::{
    event_keys, parse_capture, EventKeys, APPLY_ITEMS, APPLY_SLICE, MAX_IMPORT_BYTES,
    MAX_IMPORT_EVENTS, TEST_EVENT_FIELD, TEST_EVENT_KIND,
};
pub use server::{
    read_webhook_body, serve, InboxHandle, BODY_BUDGET, BODY_TIMEOUT, BUDGET_WAIT, HEADER_TIMEOUT,
    MAX_BODY,
};
pub use store::{
    ImportReport, InboxEventView, InboxFilter, InboxSource, InboxState, InboxStatus, Rejection,
    REJECTIONS_KEPT,
};
