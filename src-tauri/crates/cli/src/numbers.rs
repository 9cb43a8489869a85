//! `numbers`: add, list, show and remove WhatsApp numbers.

use std::path::Path;

use clap::{Subcommand, ValueEnum};
use wabadesk_core::api::Environment;
use wabadesk_core::audit::Actor;
use wabadesk_core::numbers::{NumberInput, NumberView};
use wabadesk_core::Error;

use crate::common::{open, Output};

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

/// One number on one line: phone, label, environment, key state, mask and fingerprint.
pub fn number_line(n: &NumberView) -> String {
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

pub fn run(data_dir: &Path, cmd: NumbersCmd) -> Result<Output, Error> {
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
