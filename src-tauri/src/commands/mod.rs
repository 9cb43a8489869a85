pub mod app;
pub mod history;
pub mod numbers;
pub mod prefs;
pub mod templates;
pub mod webhook;
