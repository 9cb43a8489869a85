//! The app's commands, one module per feature of the core. Each is registered through
//! `commands.list` (see build.rs).

pub mod app;
pub mod audit;
pub mod history;
pub mod inbox;
pub mod insights;
pub mod keys;
pub mod media;
pub mod numbers;
pub mod onboarding;
pub mod partner;
pub mod postman;
pub mod prefs;
pub mod profile;
pub mod qa;
pub mod relay;
pub mod send;
pub mod templates;
pub mod vocabulary;
pub mod webhook;
