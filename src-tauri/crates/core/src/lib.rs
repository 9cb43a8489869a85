//! WABA Desk core: everything the desktop app and the `wabadesk` CLI share.
//!
//! This crate never depends on Tauri. The app shell and the CLI are thin adapters over it.

pub mod api;
pub mod audit;
pub mod contact;
pub mod db;
pub mod error;
pub mod events;
pub mod history;
pub mod inbox;
pub mod info;
pub mod insights;
pub mod keys;
pub mod links;
pub mod media;
pub mod numbers;
pub mod onboarding;
pub mod partner;
pub mod paths;
pub mod postman;
pub mod prefs;
pub mod relay;
mod relay_health;
pub mod secrets;
mod send;
pub mod sensitive;
mod service;
mod settings;
pub mod templates;
pub mod util;
pub mod vocabulary;
pub mod webhook;

pub use crate::service::Core;
pub use error::{Error, ErrorCode, ErrorPayload, Result};

/// The application identifier: the OS data directory name and the keyring service name.
pub const APP_IDENTIFIER: &str = "com.wabadesk.desk";

/// The version of this build (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
