//! `block`: a number's block list. WhatsApp only blocks users who wrote in the last 24 hours,
//! at most 1,000 per request; the users are checked before anything is sent.

use std::path::Path;

use clap::Subcommand;
use wabadesk_core::audit::Actor;
use wabadesk_core::onboarding::{block::check_users, BlockChange, BlockOutcome};
use wabadesk_core::Error;

use crate::common::{name_field, open, refuse_problems, Output};

#[derive(Subcommand, Debug)]
pub enum BlockCmd {
    /// List the number's blocked users.
    List { number: String },
    /// Block users (phone numbers or WhatsApp ids) who wrote in the last 24 hours.
    Add {
        number: String,
        #[arg(required = true, value_name = "WA_ID")]
        users: Vec<String>,
    },
    /// Unblock users.
    Remove {
        number: String,
        #[arg(required = true, value_name = "WA_ID")]
        users: Vec<String>,
    },
}

fn outcome_text(o: &BlockOutcome) -> String {
    let verb = match o.change {
        BlockChange::Block => "blocked",
        BlockChange::Unblock => "unblocked",
    };
    let mut s = String::new();
    for u in &o.changed {
        s += &format!("{verb}  {u}\n");
    }
    for f in &o.failed {
        s += &format!("refused  {}  {}\n", f.user, f.reason);
    }
    s
}

async fn change(
    data_dir: &Path,
    number: String,
    change: BlockChange,
    users: Vec<String>,
) -> Result<Output, Error> {
    refuse_problems(&check_users(&users).1)?;
    let core = open(data_dir)?;
    let n = core.resolve_number(&number)?;
    let o = core
        .change_blocked(n.id, change, users, Actor::Cli)
        .await
        .map_err(name_field)?;
    let failed = !o.failed.is_empty();
    Ok(Output::ok(&o, outcome_text(&o))?.failed_if(failed))
}

pub async fn run(data_dir: &Path, cmd: BlockCmd) -> Result<Output, Error> {
    match cmd {
        BlockCmd::List { number } => {
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let users = core.blocked_users(n.id, Actor::Cli).await?;
            let text = if users.is_empty() {
                "no blocked users".to_string()
            } else {
                users
                    .iter()
                    .map(|u| u.wa_id.clone())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Output::ok(&users, text)
        }
        BlockCmd::Add { number, users } => {
            change(data_dir, number, BlockChange::Block, users).await
        }
        BlockCmd::Remove { number, users } => {
            change(data_dir, number, BlockChange::Unblock, users).await
        }
    }
}
