pub mod app;
pub mod prefs;
