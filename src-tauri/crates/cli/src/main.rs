//! `wabadesk`: WABA Desk on the command line.
//!
//! Exit codes: 0 success, 1 failure at run time (API, I/O, keyring), 2 invalid input.

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
    match run(cli) {
        Ok(code) => code,
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

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let data_dir = paths::resolve_data_dir(cli.data_dir.as_deref())?;
    match cli.command {
        Command::Doctor => {
            let info = wabadesk_core::info::doctor(&data_dir, &KeyringStore::for_app());
            if cli.json {
                print_json(&DoctorJson {
                    ok: info.ok(),
                    info: &info,
                });
            } else {
                print_doctor(&info);
            }
            Ok(if info.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
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

fn print_doctor(info: &AppInfo) {
    let mark = |ok: bool| if ok { "ok  " } else { "FAIL" };
    println!("WABA Desk {}", info.version);
    println!("     data dir   {}", info.data_dir);
    let db = &info.database;
    let version = db
        .schema_version
        .map(|v| format!("schema {v} of {}", db.latest_schema_version))
        .unwrap_or_else(|| "not opened".to_string());
    println!("{} database   {} ({version})", mark(db.ok), db.path);
    if !db.ok {
        println!("                {}", db.message);
    }
    let k = &info.keyring;
    println!(
        "{} keyring    {}: {}",
        mark(k.reachable),
        k.backend,
        k.message
    );
}
