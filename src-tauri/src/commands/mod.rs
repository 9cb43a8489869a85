pub mod app;
pub mod numbers;
pub mod prefs;
pub mod webhook;
