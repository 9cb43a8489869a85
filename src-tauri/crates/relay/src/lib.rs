//! The team relay: an always-on webhook receiver on PostgreSQL for many numbers, with the
//! desktop inbox's promises (stored before the 200, retries stored once, a shared secret per
//! number), and an authenticated feed (pull by cursor, live stream) that desktops fill their
//! local history from. The database is its only state; several replicas can share it.

pub mod cli;
pub mod db;
pub mod metrics;
pub mod server;
