//! `wabadesk`: WABA Desk on the command line, over the same core as the desktop app. One module
//! per feature of the core, as in the app's commands; `common` holds what they share.
//!
//! Exit codes: 0 success, 1 failure at run time (API, I/O, keyring), 2 invalid input.

mod audit;
mod block;
mod business_profile;
mod common;
mod components;
mod demo;
mod doctor;
mod history;
mod inbox;
mod keys;
mod media;
mod numbers;
mod partner;
mod postman;
mod qa;
mod send;
mod stats;
mod templates;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;
use wabadesk_core::{paths, Error};

use crate::common::Output;

#[derive(Parser, Debug)]
#[command(
    name = "wabadesk",
    version,
    about = "WABA Desk: 360dialog WhatsApp admin tool"
)]
struct Cli {
    /// Data directory (database, settings). Default: the OS app-data dir, or
    /// $WABADESK_DATA_DIR when set.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the installation: data dir, database schema, OS keyring.
    Doctor,
    /// Add, list and remove WhatsApp numbers.
    #[command(subcommand)]
    Numbers(numbers::NumbersCmd),
    /// Set, check and trace a number's API key (kept in the OS keyring).
    #[command(subcommand)]
    Key(keys::KeyCmd),
    /// The audit log of admin actions.
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Check, read and set a number's webhook URL.
    #[command(subcommand)]
    Webhook(webhook::WebhookCmd),
    /// The local webhook receiver and captured payloads.
    #[command(subcommand)]
    Inbox(inbox::InboxCmd),
    /// Messages sent and received, with their statuses.
    #[command(subcommand)]
    History(history::HistoryCmd),
    /// Insights over the local history: volume, rates, templates, failures, reply times.
    Stats(stats::StatsArgs),
    /// Send a message (recorded in history).
    #[command(subcommand)]
    Send(send::SendCmd),
    /// Message templates.
    #[command(subcommand)]
    Template(templates::TemplateCmd),
    /// A number's WhatsApp business profile.
    #[command(subcommand)]
    Profile(business_profile::ProfileCmd),
    /// A number's conversational components: welcome message, ice breakers, commands.
    #[command(subcommand)]
    Components(components::ComponentsCmd),
    /// A number's block list.
    #[command(subcommand)]
    Block(block::BlockCmd),
    /// A 360dialog partner account: its channels, importing them, the partner webhook.
    #[command(subcommand)]
    Partner(partner::PartnerCmd),
    /// Upload files (template samples, media for messages) and list a number's media.
    #[command(subcommand)]
    Media(media::MediaCmd),
    /// Export a number's requests for Postman and Newman.
    #[command(subcommand)]
    Postman(postman::PostmanCmd),
    /// Run the demo: the simulator, the inbox and two demo numbers, until Ctrl-C.
    Demo(demo::DemoArgs),
    /// The team relay (the same as `wabadesk-relay`): serve, migrate, tokens, numbers.
    Relay(wabadesk_relay::cli::RelayArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WABADESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let mut cli = Cli::parse();
    // The relay runs on its own (multi-threaded) runtime, without a data directory.
    let command = std::mem::replace(&mut cli.command, Command::Doctor);
    let command = match command {
        Command::Relay(args) => return wabadesk_relay::cli::run_blocking(args),
        other => other,
    };
    cli.command = command;
    let json = cli.json;
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("runtime: {e}")))
        .and_then(|rt| rt.block_on(run(cli)));
    match result {
        Ok(out) => {
            if out.quiet {
            } else if json {
                print_json(&out.json);
            } else if !out.text.is_empty() {
                println!("{}", out.text.trim_end());
            }
            ExitCode::from(out.exit)
        }
        Err(e) => {
            if json {
                print_json(&serde_json::json!({ "error": e.payload() }));
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

async fn run(cli: Cli) -> Result<Output, Error> {
    let data_dir = paths::resolve_data_dir(cli.data_dir.as_deref())?;
    match cli.command {
        Command::Doctor => doctor::run(&data_dir),
        Command::Numbers(cmd) => numbers::run(&data_dir, cmd),
        Command::Key(cmd) => keys::run(&data_dir, cmd).await,
        Command::Audit(cmd) => audit::run(&data_dir, cmd),
        Command::Webhook(cmd) => webhook::run(&data_dir, cmd).await,
        Command::Inbox(cmd) => inbox::run(&data_dir, cmd).await,
        Command::History(cmd) => history::run(&data_dir, cmd),
        Command::Stats(args) => stats::run(&data_dir, args),
        Command::Send(cmd) => send::run(&data_dir, cmd).await,
        Command::Template(cmd) => templates::run(&data_dir, cmd).await,
        Command::Profile(cmd) => business_profile::run(&data_dir, cmd).await,
        Command::Components(cmd) => components::run(&data_dir, cmd).await,
        Command::Block(cmd) => block::run(&data_dir, cmd).await,
        Command::Partner(cmd) => partner::run(&data_dir, cmd).await,
        Command::Media(cmd) => media::run(&data_dir, cmd).await,
        Command::Postman(cmd) => postman::run(&data_dir, cmd),
        Command::Demo(args) => demo::demo(cli.data_dir.as_deref(), cli.json, args).await,
        Command::Relay(_) => Err(Error::Internal("the relay runs on its own runtime".into())),
    }
}

fn print_json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON output serialises")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
