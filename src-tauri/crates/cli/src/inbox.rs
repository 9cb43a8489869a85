//! `inbox`: the local webhook receiver and the payloads it stored.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use wabadesk_core::inbox::{self, InboxFilter};
use wabadesk_core::Error;

use crate::common::{number_id, open, or_none, Output};

#[derive(Subcommand, Debug)]
pub enum InboxCmd {
    /// Run the webhook receiver until stopped.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8377")]
        listen: SocketAddr,
    },
    /// Load captured webhook payloads: one webhook body (any formatting, as Meta's docs show
    /// it), a JSON array of bodies, JSON lines, or bodies one after another. Anything else is
    /// refused (exit 2) with its line:column and nothing is stored. At most 64 MiB and
    /// 100000 events per file.
    Import { file: PathBuf },
    /// List received events, newest first.
    List {
        #[arg(long)]
        number: Option<String>,
        /// status, message or error
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

pub async fn run(data_dir: &Path, cmd: InboxCmd) -> Result<Output, Error> {
    let core = Arc::new(open(data_dir)?);
    match cmd {
        InboxCmd::Serve { listen } => {
            let handle = inbox::serve(core, listen).await?;
            if handle.unauthenticated() {
                eprintln!(
                    "warning: no number has a shared secret, so anything that reaches {} (a \
                     tunnel to it, too) can post events; set the webhook with a shared secret \
                     (`webhook set --secret`) and this receiver checks it from then on",
                    handle.url()
                );
            }
            // Scripts and tests wait for this line.
            println!("inbox listening on {}", handle.url());
            tokio::signal::ctrl_c()
                .await
                .map_err(|e| Error::Internal(format!("waiting for Ctrl+C: {e}")))?;
            handle.stop();
            Output::ok(&serde_json::json!({"stopped": true}), "")
        }
        InboxCmd::Import { file } => {
            let content = read_capture(&file)?;
            let r = core.import_events(&content)?;
            let text = format!(
                "{} events read: {} new, {} already known",
                r.total, r.new, r.duplicates
            );
            Output::ok(&r, text)
        }
        InboxCmd::List {
            number,
            kind,
            limit,
        } => {
            let number_id = number_id(&core, number)?;
            let events = core.list_inbox(&InboxFilter {
                number_id,
                kind,
                limit: Some(limit),
                ..Default::default()
            })?;
            let text = events
                .iter()
                .map(|e| {
                    format!(
                        "{:>6} {}  {:<14} {:<16} {}",
                        e.id, e.received_at, e.state, e.kinds, e.note
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Output::ok(&events, or_none(text, "no events received yet"))
        }
    }
}

/// Reads at most one byte more than an import takes, so an endless or huge input stops at
/// the limit (the core names it).
fn read_capture(file: &Path) -> Result<String, Error> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(Error::io(file))?;
    let mut bytes = Vec::new();
    f.take(inbox::MAX_IMPORT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(Error::io(file))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::Validation(format!(
            "{} is not UTF-8 text (byte {}): nothing was imported",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}
