pub mod app;
pub mod history;
pub mod numbers;
pub mod prefs;
pub mod webhook;
pub mod templates;
