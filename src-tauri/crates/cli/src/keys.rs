//! `key`: set, check and trace a number's API key (kept in the OS keyring).

use std::io::{IsTerminal, Read};
use std::path::Path;

use clap::{Args, Subcommand};
use wabadesk_core::audit::Actor;
use wabadesk_core::keys::{KeyStatus, VerifyOutcome};
use wabadesk_core::secrets::Sensitive;
use wabadesk_core::Error;

use crate::common::{open, or_none, Output};
use crate::numbers::number_line;

#[derive(Subcommand, Debug)]
pub enum KeyCmd {
    /// Set or replace a number's API key. The key is read from standard input (hidden when
    /// typed at a terminal), never from the command line.
    Set {
        /// Phone or label.
        number: String,
        /// Store without checking it against the API (marked unverified).
        #[arg(long)]
        no_verify: bool,
    },
    /// The key's state, mask and fingerprint.
    Status { number: String },
    /// The key's audit trail.
    History { number: String },
    /// Check keys against the API (401 marks a key superseded).
    Verify(VerifyArgs),
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Phone or label.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    number: Option<String>,
    /// Every number that has a key.
    #[arg(long)]
    all: bool,
}

fn read_key(label: &str) -> Result<Sensitive<String>, Error> {
    let stdin = std::io::stdin();
    let key = if stdin.is_terminal() {
        rpassword::prompt_password(format!("API key for {label} (input hidden): "))
            .map_err(|e| Error::Internal(format!("reading the key: {e}")))?
    } else {
        let mut s = String::new();
        stdin
            .lock()
            .read_to_string(&mut s)
            .map_err(|e| Error::Internal(format!("reading the key from standard input: {e}")))?;
        s
    };
    Ok(Sensitive::new(key))
}

pub async fn run(data_dir: &Path, cmd: KeyCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        KeyCmd::Set { number, no_verify } => {
            let n = core.resolve_number(&number)?;
            let key = read_key(&n.label)?;
            let n = core.set_key(n.id, key, !no_verify, Actor::Cli).await?;
            let text = format!(
                "{}: key {} {} ({})",
                n.label,
                n.key_hint.as_deref().unwrap_or(""),
                n.key_state.as_str(),
                n.key_fingerprint.as_deref().unwrap_or("")
            );
            Output::ok(&KeyStatus::from(&n), text)
        }
        KeyCmd::Status { number } => {
            let n = core.resolve_number(&number)?;
            Output::ok(&KeyStatus::from(&n), number_line(&n))
        }
        KeyCmd::History { number } => {
            let n = core.resolve_number(&number)?;
            let h = core.key_history(n.id)?;
            let text = h
                .iter()
                .map(|e| {
                    format!(
                        "{}  {:<24} {:<6} {} -> {}  {}",
                        e.at,
                        e.action,
                        e.actor,
                        e.old_fingerprint.as_deref().unwrap_or("-"),
                        e.new_fingerprint.as_deref().unwrap_or("-"),
                        e.detail
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Output::ok(&h, or_none(text, "no key changes yet"))
        }
        KeyCmd::Verify(args) => {
            let outcomes = if args.all {
                core.verify_all(Actor::Cli, |p| {
                    eprintln!(
                        "[{}/{}] {} {}",
                        p.done,
                        p.total,
                        p.outcome.label,
                        p.outcome.key_state.as_str()
                    );
                })
                .await?
            } else {
                let n = core.resolve_number(args.number.as_deref().unwrap_or_default())?;
                let message = match core.verify_key(n.id, Actor::Cli).await {
                    Ok(_) => "ok".to_string(),
                    Err(e @ Error::Api(_)) => e.to_string(),
                    Err(e) => return Err(e),
                };
                let now = core.number(n.id)?;
                vec![VerifyOutcome {
                    number_id: now.id,
                    phone: now.phone,
                    label: now.label,
                    key_state: now.key_state,
                    message,
                }]
            };
            let text = outcomes
                .iter()
                .map(|o| format!("{:<24} {:<10} {}", o.label, o.key_state.as_str(), o.message))
                .collect::<Vec<_>>()
                .join("\n");
            let failed = outcomes.iter().any(|o| o.message != "ok");
            Ok(Output::ok(&outcomes, text)?.failed_if(failed))
        }
    }
}
