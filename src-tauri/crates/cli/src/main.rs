//! `wabadesk`: WABA Desk on the command line, over the same core as the desktop app.
//!
//! Exit codes: 0 success, 1 failure at run time (API, I/O, keyring), 2 invalid input.

mod demo;
mod history;
mod numbers;
mod templates;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;
use wabadesk_core::info::AppInfo;
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::{paths, Error};

#[derive(Parser, Debug)]
#[command(
    name = "wabadesk",
    version,
    about = "WABA Desk: 360dialog WhatsApp admin tool"
)]
struct Cli {
    /// Data directory (database, preferences). Default: the OS app-data dir, or
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
    Key(numbers::KeyCmd),
    /// The audit log of admin actions.
    #[command(subcommand)]
    Audit(numbers::AuditCmd),
    /// Check, read and set a number's webhook URL.
    #[command(subcommand)]
    Webhook(webhook::WebhookCmd),
    /// The local webhook receiver and captured payloads.
    #[command(subcommand)]
    Inbox(webhook::InboxCmd),
    /// Messages sent and received, with their statuses.
    #[command(subcommand)]
    History(history::HistoryCmd),
    /// Send a message (recorded in history).
    #[command(subcommand)]
    Send(history::SendCmd),
    /// Message templates.
    #[command(subcommand)]
    Template(templates::TemplateCmd),
    /// Run the demo: the simulator, the inbox and two demo numbers, until Ctrl-C.
    Demo(demo::DemoArgs),
}

/// What a subcommand tells `main`: print this, and exit with this code.
pub struct Output {
    pub json: serde_json::Value,
    pub text: String,
    pub exit: u8,
    /// The command wrote its own output (e.g. an export to standard output).
    pub quiet: bool,
}

impl Output {
    pub fn ok<T: Serialize>(value: &T, text: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            json: serde_json::to_value(value).map_err(|e| Error::Internal(e.to_string()))?,
            text: text.into(),
            exit: 0,
            quiet: false,
        })
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WABADESK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
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
        Command::Doctor => {
            let info = wabadesk_core::info::doctor(&data_dir, &KeyringStore::for_app());
            let mut out = Output::ok(
                &DoctorJson {
                    ok: info.ok(),
                    info: &info,
                },
                doctor_text(&info),
            )?;
            out.exit = if info.ok() { 0 } else { 1 };
            Ok(out)
        }
        Command::Numbers(cmd) => numbers::numbers(&data_dir, cmd).await,
        Command::Key(cmd) => numbers::key(&data_dir, cmd).await,
        Command::Audit(cmd) => numbers::audit(&data_dir, cmd),
        Command::Webhook(cmd) => webhook::webhook(&data_dir, cmd).await,
        Command::Inbox(cmd) => webhook::inbox(&data_dir, cmd).await,
        Command::History(cmd) => history::history(&data_dir, cmd),
        Command::Send(cmd) => history::send(&data_dir, cmd).await,
        Command::Template(cmd) => templates::template(&data_dir, cmd).await,
        Command::Demo(args) => demo::demo(cli.data_dir.as_deref(), cli.json, args).await,
    }
}

#[derive(Serialize)]
struct DoctorJson<'a> {
    ok: bool,
    #[serde(flatten)]
    info: &'a AppInfo,
}

fn print_json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON output serialises")
    );
}

fn doctor_text(info: &AppInfo) -> String {
    let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
    let mut s = format!(
        "WABA Desk {}\n     data dir   {}\n",
        info.version, info.data_dir
    );
    let db = &info.database;
    let version = db
        .schema_version
        .map(|v| format!("schema {v} of {}", db.latest_schema_version))
        .unwrap_or_else(|| "not opened".to_string());
    s += &format!("{} database   {} ({version})\n", mark(db.ok), db.path);
    if !db.ok {
        s += &format!("                {}\n", db.message);
    }
    let k = &info.keyring;
    s += &format!(
        "{} keyring    {}: {}\n",
        mark(k.reachable),
        k.backend,
        k.message
    );
    s
}
