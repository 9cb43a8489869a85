//! `history`: messages sent and received, their statuses, export, retention, and seeding.

use std::path::Path;

use clap::Subcommand;
use serde_json::json;
use wabadesk_core::audit::Actor;
use wabadesk_core::history::{ExportFormat, HistoryFilter, MessageView};
use wabadesk_core::{Core, Error};

use crate::common::{number_id, open, or_none, Output};

#[derive(Subcommand, Debug)]
pub enum HistoryCmd {
    /// Messages, newest first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One message with its status timeline, by its wamid or, for a send whose answer was
    /// lost, by the attempt's reference (wd-…).
    Show { wamid: String },
    /// Export the filtered messages, streamed (constant memory).
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        #[command(flatten)]
        filter: FilterArgs,
        /// Output file, written atomically (an existing one must be a regular file);
        /// `-` or none: standard output.
        #[arg(short = 'o', long)]
        output: Option<std::path::PathBuf>,
    },
    /// Delete messages older than N days (with their status events).
    Prune {
        #[arg(long)]
        older_than: u32,
        /// Only count what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add synthetic messages (marked synthetic) for demos and benchmarks.
    Seed {
        #[arg(long)]
        count: u64,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Csv,
    Jsonl,
}

#[derive(clap::Args, Debug, Default)]
pub struct FilterArgs {
    #[arg(long)]
    number: Option<String>,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    to: Option<String>,
    #[arg(long)]
    template: Option<String>,
    #[arg(long)]
    since: Option<String>,
    #[arg(long)]
    until: Option<String>,
    #[arg(long)]
    search: Option<String>,
}

impl FilterArgs {
    fn into_filter(self, core: &Core) -> Result<HistoryFilter, Error> {
        Ok(HistoryFilter {
            number_id: number_id(core, self.number)?,
            status: self.status.map(|s| s.parse()).transpose()?,
            contact: self.to,
            template: self.template,
            since: self.since,
            until: self.until,
            search: self.search,
            ..Default::default()
        })
    }
}

fn line(m: &MessageView) -> String {
    format!(
        "{}  {:<3} {:<15} {:<10} {:<9} {}",
        m.created_at,
        m.direction,
        m.contact,
        m.template_name.as_deref().unwrap_or(&m.kind),
        m.status,
        m.body.as_deref().unwrap_or("")
    )
}

pub fn run(data_dir: &Path, cmd: HistoryCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        HistoryCmd::List { filter, limit } => {
            let filter = HistoryFilter {
                limit: Some(limit),
                ..filter.into_filter(&core)?
            };
            let list = core.list_messages(&filter)?;
            let text = list.iter().map(line).collect::<Vec<_>>().join("\n");
            Output::ok(&list, or_none(text, "no messages"))
        }
        HistoryCmd::Show { wamid } => {
            let d = core.message_detail(&wamid)?;
            let mut text = line(&d.message);
            for e in &d.events {
                text += &format!("\n  {:<10} {}", e.status, e.at.as_deref().unwrap_or(""));
            }
            Output::ok(&d, text)
        }
        HistoryCmd::Export {
            format,
            filter,
            output,
        } => {
            let filter = filter.into_filter(&core)?;
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Jsonl => ExportFormat::Jsonl,
            };
            // `-o -` is standard output, as with no `-o`.
            let output = output.filter(|p| p.as_os_str() != "-");
            let n = match &output {
                Some(path) => {
                    core.export_history(&filter, format, path, |n| eprint!("\rexported {n}"))?
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = std::io::BufWriter::new(stdout.lock());
                    match core.write_history(&filter, format, &mut lock, |_| {}) {
                        Ok(n) => n,
                        // The reader went away (e.g. `| head`): stop quietly.
                        Err(e) if e.to_string().contains("Broken pipe") => 0,
                        Err(e) => return Err(e),
                    }
                }
            };
            if output.is_some() {
                eprintln!();
                Output::ok(
                    &json!({"rows": n, "file": output}),
                    format!("{n} messages exported"),
                )
            } else {
                Ok(Output {
                    json: serde_json::Value::Null,
                    text: String::new(),
                    exit: 0,
                    quiet: true,
                })
            }
        }
        HistoryCmd::Prune {
            older_than,
            dry_run,
        } => {
            let n = core.prune_history(older_than, dry_run, Actor::Cli)?;
            let text = if dry_run {
                format!("{n} messages are older than {older_than} days (nothing deleted)")
            } else {
                format!("deleted {n} messages older than {older_than} days")
            };
            Output::ok(&json!({"messages": n, "dry_run": dry_run}), text)
        }
        HistoryCmd::Seed { count } => {
            let r = core.seed_history(count, |n| eprint!("\rseeded {n}    "))?;
            eprintln!();
            let text = format!(
                "{} synthetic messages in {:.1} s, {} status events in {:.1} s ({:.0} events/s), search index merged in {:.1} s",
                r.messages,
                r.message_secs,
                r.status_events,
                r.status_secs,
                r.status_events as f64 / r.status_secs,
                r.index_secs
            );
            Output::ok(&r, text)
        }
    }
}
