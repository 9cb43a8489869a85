//! `partner`: a 360dialog partner account (partner id + Partner API key, kept in the OS
//! keyring), its channels, importing channels as numbers, and the partner webhook.

use std::collections::BTreeMap;
use std::path::Path;

use clap::Subcommand;
use wabadesk_core::audit::Actor;
use wabadesk_core::partner::{ChannelQuery, PartnerInput};
use wabadesk_core::secrets::Sensitive;
use wabadesk_core::Error;

use crate::common::{open, or_none, Output};
use crate::keys::read_secret;
use crate::numbers::Env;

#[derive(Subcommand, Debug)]
pub enum PartnerCmd {
    /// Set the partner account. The partner API key is read from standard input (hidden when
    /// typed at a terminal) and checked against the Partner API before it is stored.
    Set {
        /// The partner id shown in the Partner Hub.
        #[arg(long)]
        id: String,
        #[arg(long, value_enum, default_value = "production")]
        environment: Env,
        /// Another Partner API base URL (e.g. a simulator's `…/api/v2`).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// The partner account (never the key).
    Show,
    /// The partner's channels, with the numbers they were imported as.
    Channels {
        /// Only channels with this status (e.g. ready, running, live).
        #[arg(long)]
        status: Option<String>,
        /// Only this client's channels.
        #[arg(long)]
        client: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Add channels as numbers (keeping their channel and client ids); generate their keys next
    /// with `wabadesk key generate NUMBER`.
    Import {
        #[arg(required = true)]
        channel_ids: Vec<String>,
    },
    /// Set the partner webhook URL; with `--secret-stdin` the platform secret that signs partner
    /// events is read from standard input and kept in the keyring.
    Webhook {
        #[arg(long)]
        url: String,
        #[arg(long)]
        secret_stdin: bool,
    },
}

pub async fn run(data_dir: &Path, cmd: PartnerCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        PartnerCmd::Set {
            id,
            environment,
            base_url,
        } => {
            let key = read_secret("Partner API key (input hidden): ")?;
            let view = core
                .set_partner_account(
                    PartnerInput {
                        partner_id: id,
                        environment: environment.into(),
                        base_url,
                    },
                    key,
                    Actor::Cli,
                )
                .await?;
            let text = format!(
                "partner {}: key {} verified ({}), {}",
                view.partner_id,
                view.key_hint.as_deref().unwrap_or(""),
                view.key_fingerprint.as_deref().unwrap_or(""),
                view.base_url
            );
            Output::ok(&view, text)
        }
        PartnerCmd::Show => {
            let view = core.partner_account()?;
            let text = match &view {
                None => "no partner account is set (wabadesk partner set --id ID)".to_string(),
                Some(v) => format!(
                    "partner {} ({})\nkey {} ({}), verified {}\nwebhook {}{}",
                    v.partner_id,
                    v.base_url,
                    v.key_hint.as_deref().unwrap_or("-"),
                    v.key_fingerprint.as_deref().unwrap_or("-"),
                    v.key_verified_at.as_deref().unwrap_or("never"),
                    v.webhook_url.as_deref().unwrap_or("not set"),
                    if v.has_webhook_secret {
                        " (signed)"
                    } else {
                        ""
                    }
                ),
            };
            Output::ok(&view, text)
        }
        PartnerCmd::Channels {
            status,
            client,
            offset,
            limit,
        } => {
            let mut filters = BTreeMap::new();
            if let Some(s) = status {
                filters.insert("status".to_string(), s);
            }
            if let Some(c) = client {
                filters.insert("client_id".to_string(), c);
            }
            let list = core
                .partner_channels(&ChannelQuery {
                    offset,
                    limit,
                    filters,
                })
                .await?;
            let mut text = list
                .items
                .iter()
                .map(|i| {
                    let c = &i.channel;
                    format!(
                        "{:<12} client {:<12} waba {:<16} {:<16} {:<10} {:<8} {}",
                        c.id,
                        c.client_id,
                        c.waba_id.as_deref().unwrap_or("-"),
                        c.phone.as_deref().unwrap_or("-"),
                        c.status.as_deref().unwrap_or("-"),
                        c.account_mode.as_deref().unwrap_or("-"),
                        match i.number_id {
                            Some(id) => format!("imported (number {id})"),
                            None => String::new(),
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            text = or_none(text, "no channels");
            text.push_str(&format!(
                "\n{}–{} of {}",
                list.offset + u32::from(!list.items.is_empty()),
                list.offset + list.items.len() as u32,
                list.total
            ));
            Output::ok(&list, text)
        }
        PartnerCmd::Import { channel_ids } => {
            let out = core.import_channels(&channel_ids, Actor::Cli).await?;
            let text = out
                .iter()
                .map(|o| match (&o.number, &o.error) {
                    (Some(n), _) => {
                        format!("{}: imported as {} ({})", o.channel_id, n.label, n.phone)
                    }
                    (None, Some(e)) => format!("{}: not imported: {e}", o.channel_id),
                    (None, None) => format!("{}: not imported", o.channel_id),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let failed = out.iter().any(|o| o.number.is_none());
            Ok(Output::ok(&out, text)?.failed_if(failed))
        }
        PartnerCmd::Webhook { url, secret_stdin } => {
            let secret: Option<Sensitive<String>> = if secret_stdin {
                Some(read_secret("Platform secret (input hidden): ")?)
            } else {
                None
            };
            let view = core.set_partner_webhook(&url, secret, Actor::Cli).await?;
            let text = format!(
                "partner webhook {}{}",
                view.webhook_url.as_deref().unwrap_or(""),
                if view.has_webhook_secret {
                    " (events are checked against the platform secret)"
                } else {
                    " (no platform secret set: partner events are refused until one is)"
                }
            );
            Output::ok(&view, text)
        }
    }
}
