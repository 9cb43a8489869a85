//! `wabadesk-sim`: runs the 360dialog API simulator standalone (demo mode, manual testing).

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use wabadesk_sim::{start, SimConfig};

#[derive(Parser, Debug)]
#[command(
    name = "wabadesk-sim",
    version,
    about = "Local simulator of the 360dialog WhatsApp Cloud API"
)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8360")]
    listen: SocketAddr,
    /// Numbers to create.
    #[arg(long, default_value_t = 2)]
    numbers: usize,
    /// Milliseconds until a new template's review is decided.
    #[arg(long, default_value_t = 5000)]
    review_delay_ms: u64,
    /// Milliseconds between status events of a sent message.
    #[arg(long, default_value_t = 500)]
    status_delay_ms: u64,
    /// Seed for keys and ids (the same seed gives the same keys).
    #[arg(long)]
    seed: Option<u64>,
    /// Issuing a new key also clears the number's webhook.
    #[arg(long)]
    new_key_clears_webhook: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WABADESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = SimConfig {
        numbers: args.numbers,
        review_delay: Duration::from_millis(args.review_delay_ms),
        status_delay: Duration::from_millis(args.status_delay_ms),
        seed: args.seed,
        new_key_clears_webhook: args.new_key_clears_webhook,
        ..SimConfig::default()
    };
    let handle = start(args.listen, config).await?;
    for n in &handle.numbers {
        println!(
            "number +{} phone_number_id={} waba_id={} key={}",
            n.display_phone_number, n.phone_number_id, n.waba_id, n.api_key
        );
    }
    println!("wabadesk-sim ready on {}", handle.base_url);
    tokio::signal::ctrl_c().await?;
    handle.stop().await;
    Ok(())
}
