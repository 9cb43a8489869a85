//! `wabadesk demo`: the demo (simulator, inbox receiver, demo numbers and content) without the
//! window, until Ctrl-C or SIGTERM.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::json;
use wabadesk_core::audit::Actor;
use wabadesk_core::paths::{self, DATA_DIR_ENV};
use wabadesk_core::secrets::{KeyringStore, KEYRING_SERVICE_ENV};
use wabadesk_core::Error;
use wabadesk_demo::{demo_keyring_service, demo_profile_dir, demo_sim_config, Demo, DemoOptions};

use crate::common::Output;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Milliseconds until a new template's review is decided.
    #[arg(long, default_value_t = 5000)]
    review_delay_ms: u64,
}

/// The profile: the data directory as given (`--data-dir`, `WABADESK_DATA_DIR`) with the
/// keyring the other subcommands use for it, or else the app's demo profile.
fn profile(explicit: Option<&Path>) -> Result<(PathBuf, KeyringStore, bool), Error> {
    let from_env = std::env::var_os(DATA_DIR_ENV).is_some_and(|v| !v.is_empty());
    if explicit.is_some() || from_env {
        let dir = paths::resolve_data_dir(explicit)?;
        return Ok((dir, KeyringStore::for_app(), false));
    }
    let dir = demo_profile_dir(&paths::default_data_dir()?);
    Ok((dir, KeyringStore::new(demo_keyring_service()), true))
}

async fn shutdown_signal() -> Result<(), Error> {
    let io = |e: std::io::Error| Error::Internal(format!("cannot wait for a signal: {e}"));
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(io)?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(io),
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map_err(io)
    }
}

pub async fn demo(explicit: Option<&Path>, json: bool, args: DemoArgs) -> Result<Output, Error> {
    let (dir, store, demo_profile) = profile(explicit)?;
    let service = store.service().to_string();
    let opts = DemoOptions {
        sim: wabadesk_demo::SimConfig {
            review_delay: Duration::from_millis(args.review_delay_ms),
            ..demo_sim_config()
        },
        actor: Actor::Cli,
        ..DemoOptions::new(&dir, Arc::new(store))
    };
    let handle = Demo::start(opts, |step| eprintln!("  {step}")).await?;
    let info = handle.info();
    if json {
        println!("{}", json!({"ready": true, "demo": info}));
    } else {
        let numbers: Vec<String> = info
            .numbers
            .iter()
            .map(|n| format!("\"{}\" ({})", n.label, n.phone))
            .collect();
        println!(
            "ready: simulator {}, inbox {}, numbers {}",
            info.sim_url,
            info.inbox_url,
            numbers.join(", ")
        );
        let mut env = format!("{DATA_DIR_ENV}={}", dir.display());
        if demo_profile || std::env::var_os(KEYRING_SERVICE_ENV).is_some() {
            env += &format!(" {KEYRING_SERVICE_ENV}={service}");
        }
        println!(
            "In another shell: {env} wabadesk template list \"{}\"",
            info.numbers
                .first()
                .map(|n| n.label.as_str())
                .unwrap_or("Demo Support")
        );
        println!("Stop with Ctrl-C.");
    }
    shutdown_signal().await?;
    handle.stop().await;
    Output::ok(&json!({"stopped": true}), "demo stopped")
}
