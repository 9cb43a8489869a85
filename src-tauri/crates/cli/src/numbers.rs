//! `numbers`, `key` and `audit` subcommands.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use wabadesk_core::api::Environment;
use wabadesk_core::audit::{self, Actor, AuditFilter};
use wabadesk_core::keys::KeyStatus;
use wabadesk_core::numbers::{NumberInput, NumberView};
use wabadesk_core::secrets::{KeyringStore, Sensitive};
use wabadesk_core::{Core, Error};

use crate::Output;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Env {
    Production,
    Sandbox,
    Simulator,
}

impl From<Env> for Environment {
    fn from(e: Env) -> Self {
        match e {
            Env::Production => Environment::Production,
            Env::Sandbox => Environment::Sandbox,
            Env::Simulator => Environment::Simulator,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum NumbersCmd {
    /// Add a number (then set its key with `wabadesk key set`).
    Add {
        /// Phone with country code, e.g. +4915123456789.
        #[arg(long)]
        phone: String,
        #[arg(long)]
        label: String,
        #[arg(long, value_enum, default_value = "production")]
        env: Env,
        /// Override the environment's API base URL.
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// List numbers with their key state.
    List,
    /// Show one number.
    Show { number: String },
    /// Remove a number and its key from the keyring.
    Remove {
        /// Phone or label.
        number: String,
        /// Confirm the removal.
        #[arg(long)]
        yes: bool,
    },
}

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

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// List audit entries, newest first.
    List {
        #[arg(long)]
        number: Option<String>,
        #[arg(long)]
        action: Option<String>,
        /// From this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Before this time.
        #[arg(long)]
        until: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Print CSV instead of a table.
        #[arg(long)]
        csv: bool,
    },
}

fn open(data_dir: &Path) -> Result<Core, Error> {
    Core::open(data_dir, Arc::new(KeyringStore::for_app()))
}

fn number_line(n: &NumberView) -> String {
    format!(
        "{:<17} {:<24} {:<11} {:<10} {} {}",
        n.phone,
        n.label,
        format!("{:?}", n.environment).to_lowercase(),
        n.key_state.as_str(),
        n.key_hint.as_deref().unwrap_or("-"),
        n.key_fingerprint.as_deref().unwrap_or(""),
    )
}

pub async fn numbers(data_dir: &Path, cmd: NumbersCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        NumbersCmd::Add {
            phone,
            label,
            env,
            base_url,
            notes,
        } => {
            let n = core.add_number(
                NumberInput {
                    phone,
                    label,
                    environment: env.into(),
                    base_url,
                    notes,
                },
                Actor::Cli,
            )?;
            let text = format!(
                "added {} ({}); set its key with: wabadesk key set '{}'",
                n.phone, n.label, n.label
            );
            Output::ok(&n, text)
        }
        NumbersCmd::List => {
            let list = core.list_numbers()?;
            let text = if list.is_empty() {
                "no numbers yet; add one with: wabadesk numbers add --phone +49... --label NAME"
                    .to_string()
            } else {
                list.iter().map(number_line).collect::<Vec<_>>().join("\n")
            };
            Output::ok(&list, text)
        }
        NumbersCmd::Show { number } => {
            let n = core.resolve_number(&number)?;
            let text = format!(
                "{}\nbase url  {}\nnumber id {}\nWABA id   {}\nhealth    {}",
                number_line(&n),
                n.base_url,
                n.phone_number_id.as_deref().unwrap_or("-"),
                n.waba_id.as_deref().unwrap_or("-"),
                n.health
                    .as_ref()
                    .map(|h| h.can_send_message.as_str())
                    .unwrap_or("unknown"),
            );
            Output::ok(&n, text)
        }
        NumbersCmd::Remove { number, yes } => {
            let n = core.resolve_number(&number)?;
            if !yes {
                return Err(Error::Validation(format!(
                    "this removes {} ({}) and its API key from the keyring; repeat with --yes",
                    n.phone, n.label
                )));
            }
            core.remove_number(n.id, Actor::Cli)?;
            Output::ok(
                &serde_json::json!({"removed": n.phone}),
                format!("removed {}", n.phone),
            )
        }
    }
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

pub async fn key(data_dir: &Path, cmd: KeyCmd) -> Result<Output, Error> {
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
            Output::ok(
                &h,
                if text.is_empty() {
                    "no key changes yet".into()
                } else {
                    text
                },
            )
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
                vec![wabadesk_core::keys::VerifyOutcome {
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
            let mut out = Output::ok(&outcomes, text)?;
            out.exit = if failed { 1 } else { 0 };
            Ok(out)
        }
    }
}

pub fn audit(data_dir: &Path, cmd: AuditCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        AuditCmd::List {
            number,
            action,
            since,
            until,
            limit,
            csv,
        } => {
            let number_id = number
                .map(|n| core.resolve_number(&n).map(|n| n.id))
                .transpose()?;
            let entries = core.audit_list(&AuditFilter {
                number_id,
                action,
                since,
                until,
                limit: Some(limit),
            })?;
            let text = if csv {
                audit::to_csv(&entries)
            } else {
                entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{}  {:<17} {:<24} {:<6} {}",
                            e.at,
                            e.number_phone.as_deref().unwrap_or("-"),
                            e.action,
                            e.actor,
                            e.detail
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Output::ok(&entries, text)
        }
    }
}
