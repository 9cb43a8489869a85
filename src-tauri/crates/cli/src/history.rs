//! `history` and `send` subcommands.

use std::path::Path;
use std::sync::Arc;

use clap::Subcommand;
use serde_json::json;
use wabadesk_core::api::Outgoing;
use wabadesk_core::audit::Actor;
use wabadesk_core::history::{HistoryFilter, MessageView};
use wabadesk_core::numbers::normalize_phone;
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::{Core, Error};

use crate::Output;

#[derive(Subcommand, Debug)]
pub enum HistoryCmd {
    /// Messages, newest first.
    List {
        #[arg(long)]
        number: Option<String>,
        #[arg(long)]
        status: Option<String>,
        /// The contact (wa_id or phone).
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
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// One message with its status timeline.
    Show { wamid: String },
}

#[derive(Subcommand, Debug)]
pub enum SendCmd {
    /// A free-text message (only inside the contact's 24-hour window).
    Text {
        number: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        text: String,
    },
    /// An approved template, with one --param per body placeholder, in order.
    Template {
        number: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "en_US")]
        lang: String,
        #[arg(long = "param")]
        params: Vec<String>,
    },
}

fn open(data_dir: &Path) -> Result<Core, Error> {
    Core::open(data_dir, Arc::new(KeyringStore::for_app()))
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

pub fn history(data_dir: &Path, cmd: HistoryCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        HistoryCmd::List {
            number,
            status,
            to,
            template,
            since,
            until,
            search,
            limit,
        } => {
            let number_id = number
                .map(|n| core.resolve_number(&n).map(|n| n.id))
                .transpose()?;
            let list = core.list_messages(&HistoryFilter {
                number_id,
                status,
                contact: to,
                template,
                since,
                until,
                search,
                limit: Some(limit),
                ..Default::default()
            })?;
            let text = list.iter().map(line).collect::<Vec<_>>().join("\n");
            Output::ok(
                &list,
                if text.is_empty() {
                    "no messages".into()
                } else {
                    text
                },
            )
        }
        HistoryCmd::Show { wamid } => {
            let d = core.message_detail(&wamid)?;
            let mut text = line(&d.message);
            for e in &d.events {
                text += &format!("\n  {:<10} {}", e.status, e.at.as_deref().unwrap_or(""));
            }
            Output::ok(&d, text)
        }
    }
}

pub async fn send(data_dir: &Path, cmd: SendCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    let (number, message) = match cmd {
        SendCmd::Text { number, to, text } => (
            number,
            Outgoing::Text {
                to: normalize_phone(&to)?,
                body: text,
                preview_url: false,
            },
        ),
        SendCmd::Template {
            number,
            to,
            name,
            lang,
            params,
        } => {
            let components = if params.is_empty() {
                Vec::new()
            } else {
                let p: Vec<_> = params
                    .iter()
                    .map(|v| json!({"type": "text", "text": v}))
                    .collect();
                vec![json!({"type": "body", "parameters": p})]
            };
            (
                number,
                Outgoing::Template {
                    to: normalize_phone(&to)?,
                    name,
                    language: lang,
                    components,
                },
            )
        }
    };
    let n = core.resolve_number(&number)?;
    let resp = core.send_message(n.id, &message, Actor::Cli).await?;
    let wamid = resp.wamid().unwrap_or_default().to_string();
    Output::ok(&resp, format!("sent: {wamid}"))
}
