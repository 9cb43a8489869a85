//! `wabadesk-relay`: serve, migrate, tokens and numbers (also `wabadesk relay …`).

use std::process::ExitCode;

use clap::Parser;
use wabadesk_relay::cli::{run_blocking, RelayArgs};

#[derive(Parser)]
#[command(
    name = "wabadesk-relay",
    version,
    about = "WABA Desk team relay: webhooks for many numbers into PostgreSQL, a feed for the desktops"
)]
struct Cli {
    #[command(flatten)]
    args: RelayArgs,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    run_blocking(Cli::parse().args)
}
