//! wabadesk-sim: a local stand-in for 360dialog's WhatsApp Cloud API (`waba-v2.360dialog.io`).
//! It is written from the API reference, never from the core crate, so tests check the core
//! against the documented behaviour rather than against itself.
