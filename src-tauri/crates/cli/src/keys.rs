//! `key`: set, check and trace a number's API key (kept in the OS keyring).

use std::io::{IsTerminal, Read};
use std::path::Path;

use clap::{Args, Subcommand};
use wabadesk_core::audit::Actor;
use wabadesk_core::keys::{KeyStatus, VerifyOutcome, VerifyResult, VerifySummary, WebhookReadBack};
use wabadesk_core::numbers::KeyState;
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
    /// Generate a new key through the Partner API (numbers imported from a partner channel):
    /// older keys stop working; the new key goes straight to the keyring, is verified, and a
    /// webhook it cleared is set again.
    Generate {
        /// Phone or label.
        number: String,
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
    read_secret(&format!("API key for {label} (input hidden): "))
}

/// A secret from standard input: prompted for (hidden) at a terminal, else read to the end.
pub fn read_secret(prompt: &str) -> Result<Sensitive<String>, Error> {
    let stdin = std::io::stdin();
    let key = if stdin.is_terminal() {
        rpassword::prompt_password(prompt)
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
            let saved = core.save_key(n.id, key, !no_verify, Actor::Cli).await?;
            let n = &saved.number;
            let mut text = format!(
                "{}: key {} {} ({})",
                n.label,
                n.key_hint.as_deref().unwrap_or(""),
                n.key_state.as_str(),
                n.key_fingerprint.as_deref().unwrap_or("")
            );
            let w = &saved.webhook;
            if matches!(
                w.state,
                WebhookReadBack::Gone | WebhookReadBack::Changed | WebhookReadBack::Unreadable
            ) {
                eprintln!("warning: {}", w.message);
                if w.state != WebhookReadBack::Unreadable {
                    eprintln!("re-apply it with: wabadesk webhook reapply \"{}\"", n.label);
                }
                text.push_str(&format!("\nwebhook: {}", w.message));
            }
            #[derive(serde::Serialize)]
            struct SetOutput<'a> {
                #[serde(flatten)]
                key: KeyStatus,
                webhook: &'a wabadesk_core::keys::WebhookAfterKey,
            }
            Output::ok(
                &SetOutput {
                    key: KeyStatus::from(n),
                    webhook: w,
                },
                text,
            )
        }
        KeyCmd::Generate { number } => {
            let n = core.resolve_number(&number)?;
            let done = core.generate_key(n.id, Actor::Cli).await?;
            let n = &done.number;
            let text = format!(
                "{}: key {} {} ({})\n{}",
                n.label,
                n.key_hint.as_deref().unwrap_or(""),
                n.key_state.as_str(),
                n.key_fingerprint.as_deref().unwrap_or(""),
                done.message
            );
            Output::ok(&done, text)
        }
        KeyCmd::Status { number } => {
            let n = core.resolve_number(&number)?;
            let verified = n.key_verified_at.as_deref().unwrap_or("never");
            let mut text = format!("{}\nlast verified {verified}", number_line(&n));
            if n.key_state == KeyState::Superseded {
                text.push_str(
                    " (stale: 360dialog no longer accepts this key; its health and last verified are from before)",
                );
            }
            Output::ok(&KeyStatus::from(&n), text)
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
                let checked = core.verify_key(n.id, Actor::Cli).await;
                let result = VerifyResult::of(&checked);
                let message = match checked {
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
                    result,
                    message,
                }]
            };
            let mut text = outcomes
                .iter()
                .map(|o| {
                    let stale = if o.key_state == KeyState::Superseded {
                        "  (health and last verified are stale)"
                    } else {
                        ""
                    };
                    format!(
                        "{:<24} {:<10} {}{stale}",
                        o.label,
                        o.key_state.as_str(),
                        o.message
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            if args.all {
                let summary = VerifySummary::of(&outcomes);
                eprintln!("{summary}");
                text.push_str(&format!("\n{summary}"));
            }
            let failed = outcomes.iter().any(|o| o.message != "ok");
            Ok(Output::ok(&outcomes, text)?.failed_if(failed))
        }
    }
}
