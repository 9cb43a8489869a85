//! `audit`: the audit log of admin actions.

use std::path::Path;

use clap::Subcommand;
use wabadesk_core::audit::{self, AuditFilter};
use wabadesk_core::Error;

use crate::common::{number_id, open, Output};

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

pub fn run(data_dir: &Path, cmd: AuditCmd) -> Result<Output, Error> {
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
            let number_id = number_id(&core, number)?;
            let entries = core.audit_list(&AuditFilter {
                number_id,
                action: action.map(|a| a.parse()).transpose()?,
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
