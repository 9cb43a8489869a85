//! Webhook URLs and headers: 360dialog's rules checked before anything is sent, reading and
//! setting a number's webhook, its change history, "changed outside WABA Desk", a shared-secret
//! header kept in the keyring, and a "test endpoint" probe.

mod config;
mod destinations;
mod endpoint_test;
mod url_rules;

pub use config::{
    secret_account, KnownWebhook, OutsideChange, WebhookChange, WebhookInput, WebhookView,
    SECRET_HEADER,
};
pub use endpoint_test::{test_endpoint, EndpointTest, TestEventKind, TEST_EVENT_FIELD};
pub use url_rules::{
    check_headers, check_url, check_url_for, header_problems, HeaderCheck, HeaderProblem,
    HeaderRow, MAX_HEADERS, MAX_URL_LEN,
};
