//! `webhook`: a number's webhook at 360dialog, its extra destinations, and the URL rules.

use std::path::Path;

use clap::Subcommand;
use wabadesk_core::audit::Actor;
use wabadesk_core::webhook::{self, WebhookInput, WebhookView};
use wabadesk_core::Error;

use crate::common::{open, parse_headers, Output};

#[derive(Subcommand, Debug)]
pub enum WebhookCmd {
    /// Check a URL against 360dialog's webhook rules (exit 0 valid, 2 invalid).
    Check { url: String },
    /// Read a number's webhook from 360dialog.
    Get { number: String },
    /// Set the webhook WABA Desk last set or accepted again, with its headers (after a new
    /// API key cleared it at 360dialog).
    Reapply { number: String },
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

pub async fn run(data_dir: &Path, cmd: WebhookCmd) -> Result<Output, Error> {
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
        WebhookCmd::Reapply { number } => {
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let v = core.reapply_webhook(n.id, Actor::Cli).await?;
            Output::ok(&v, view_text(&v))
        }
        WebhookCmd::Set {
            number,
            url,
            headers,
            secret,
        } => {
            let headers = parse_headers(headers)?;
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let v = core
                .set_webhook(
                    n.id,
                    WebhookInput {
                        url,
                        headers,
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
