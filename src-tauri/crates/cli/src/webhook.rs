//! `webhook` and `inbox` subcommands.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use wabadesk_core::audit::Actor;
use wabadesk_core::inbox::{self, InboxFilter};
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::webhook::{self, WebhookInput, WebhookView};
use wabadesk_core::{Core, Error};

use crate::Output;

#[derive(Subcommand, Debug)]
pub enum WebhookCmd {
    /// Check a URL against 360dialog's webhook rules (exit 0 valid, 2 invalid).
    Check { url: String },
    /// Read a number's webhook from 360dialog.
    Get { number: String },
    /// Set a number's webhook URL and headers.
    Set {
        number: String,
        url: String,
        /// A header 360dialog sends with each webhook (repeatable).
        #[arg(long = "header", value_name = "NAME=VALUE")]
        headers: Vec<String>,
        /// Add a generated shared-secret header (kept in the OS keyring) for the inbox to check.
        #[arg(long)]
        secret: bool,
    },
    /// List a number's extra destinations (up to 3 unique webhook URLs per number).
    Destinations { number: String },
    /// Add an extra destination, or update the one with the same name.
    AddDestination {
        number: String,
        name: String,
        url: String,
        #[arg(long = "header", value_name = "NAME=VALUE")]
        headers: Vec<String>,
    },
}

fn parse_headers(headers: Vec<String>) -> Result<BTreeMap<String, String>, Error> {
    let mut map = BTreeMap::new();
    for h in headers {
        let (k, v) = h
            .split_once('=')
            .ok_or_else(|| Error::Validation(format!("--header '{h}': use NAME=VALUE")))?;
        map.insert(k.trim().to_string(), v.to_string());
    }
    Ok(map)
}

fn multi_text(m: &wabadesk_core::api::MultiWebhook) -> String {
    let mut s = format!(
        "extra destinations {}\n",
        if m.enabled { "enabled" } else { "disabled" }
    );
    for d in &m.destinations {
        s += &format!("  {:<16} {}\n", d.name, d.url);
    }
    s
}

#[derive(Subcommand, Debug)]
pub enum InboxCmd {
    /// Run the webhook receiver until stopped.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8377")]
        listen: SocketAddr,
    },
    /// Load captured webhook payloads (a JSON array or JSON lines).
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

fn open(data_dir: &Path) -> Result<Core, Error> {
    Core::open(data_dir, Arc::new(KeyringStore::for_app()))
}

fn view_text(v: &WebhookView) -> String {
    let mut s = format!("url      {}\n", v.url.as_deref().unwrap_or("(none)"));
    for (k, val) in &v.headers {
        s += &format!("header   {k}: {val}\n");
    }
    if let Some(ch) = &v.changed_outside {
        s += &format!(
            "WARNING  changed outside WABA Desk: was {}, now {}\n",
            ch.previous.as_deref().unwrap_or("(none)"),
            ch.current.as_deref().unwrap_or("(none)")
        );
    }
    if !v.shared_with.is_empty() {
        s += &format!(
            "note     the same URL is set for: {}\n",
            v.shared_with.join(", ")
        );
    }
    s
}

pub async fn webhook(data_dir: &Path, cmd: WebhookCmd) -> Result<Output, Error> {
    match cmd {
        WebhookCmd::Check { url } => {
            let ok = webhook::check_url(&url)?;
            Output::ok(
                &serde_json::json!({"valid": true, "url": ok}),
                format!("valid: {ok}"),
            )
        }
        WebhookCmd::Get { number } => {
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let v = core.get_webhook(n.id, Actor::Cli).await?;
            Output::ok(&v, view_text(&v))
        }
        WebhookCmd::Set {
            number,
            url,
            headers,
            secret,
        } => {
            let mut map = BTreeMap::new();
            for h in headers {
                let (k, v) = h
                    .split_once('=')
                    .ok_or_else(|| Error::Validation(format!("--header '{h}': use NAME=VALUE")))?;
                map.insert(k.trim().to_string(), v.to_string());
            }
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let v = core
                .set_webhook(
                    n.id,
                    WebhookInput {
                        url,
                        headers: map,
                        secret,
                    },
                    Actor::Cli,
                )
                .await?;
            Output::ok(&v, view_text(&v))
        }
        WebhookCmd::Destinations { number } => {
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let m = core.destinations(n.id, Actor::Cli).await?;
            Output::ok(&m, multi_text(&m))
        }
        WebhookCmd::AddDestination {
            number,
            name,
            url,
            headers,
        } => {
            let headers = parse_headers(headers)?;
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let m = core
                .save_destination(
                    n.id,
                    wabadesk_core::api::Destination { name, url, headers },
                    Actor::Cli,
                )
                .await?;
            Output::ok(&m, multi_text(&m))
        }
    }
}

pub async fn inbox(data_dir: &Path, cmd: InboxCmd) -> Result<Output, Error> {
    let core = Arc::new(open(data_dir)?);
    match cmd {
        InboxCmd::Serve { listen } => {
            let handle = inbox::serve(core, listen).await?;
            // Scripts and tests wait for this line.
            println!("inbox listening on {}", handle.url());
            tokio::signal::ctrl_c()
                .await
                .map_err(|e| Error::Internal(format!("waiting for Ctrl+C: {e}")))?;
            handle.stop();
            Output::ok(&serde_json::json!({"stopped": true}), "")
        }
        InboxCmd::Import { file } => {
            let content = std::fs::read_to_string(&file).map_err(Error::io(&file))?;
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
            let number_id = number
                .map(|n| core.resolve_number(&n).map(|n| n.id))
                .transpose()?;
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
            Output::ok(
                &events,
                if text.is_empty() {
                    "no events received yet".into()
                } else {
                    text
                },
            )
        }
    }
}
