//! `send`: free text, and the one template-send path (`send template` and `template send` are
//! the same command, parsed by [`TemplateSendArgs`] and sent by [`template`]).

use std::collections::BTreeMap;
use std::path::Path;

use clap::{Args, Subcommand};
use wabadesk_core::audit::Actor;
use wabadesk_core::templates::form::{self, FieldKind};
use wabadesk_core::templates::library::TestSend;
use wabadesk_core::{Core, Error};

use crate::common::{open, Output};

#[derive(Subcommand, Debug)]
pub enum SendCmd {
    /// A free-text message (only inside the contact's 24-hour window).
    Text {
        number: String,
        #[arg(long)]
        to: String,
        /// The message text.
        #[arg(long = "body", alias = "text")]
        text: String,
    },
    /// An approved template (the same as `wabadesk template send`).
    Template(TemplateSendArgs),
    /// A media message (only inside the contact's 24-hour window): a media id from
    /// `wabadesk media upload` or an https link.
    Media {
        number: String,
        #[arg(long)]
        to: String,
        /// image, video, audio, document or sticker.
        #[arg(long)]
        kind: String,
        /// The media id or https link.
        #[arg(long)]
        media: String,
        #[arg(long)]
        caption: Option<String>,
        /// Documents: the file name the recipient sees.
        #[arg(long)]
        filename: Option<String>,
    },
}

/// Sending an approved template. Values fill its placeholders in order.
#[derive(Args, Debug)]
pub struct TemplateSendArgs {
    /// Phone or label of the sending number.
    number: String,
    #[arg(long)]
    to: String,
    #[arg(long)]
    name: String,
    #[arg(long = "lang", default_value = "en_US")]
    language: String,
    /// Body variables, in order (repeat).
    #[arg(long = "body-param", visible_alias = "param")]
    body: Vec<String>,
    /// The header's variable, media link or media id.
    #[arg(long = "header-param")]
    header: Option<String>,
    /// The URL suffix, coupon code or one-time code of the button that takes one.
    #[arg(long = "button-param")]
    button: Option<String>,
    /// Also print the request as curl (key masked).
    #[arg(long)]
    curl: bool,
}

pub async fn run(data_dir: &Path, cmd: SendCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        SendCmd::Text { number, to, text } => {
            let n = core.resolve_number(&number)?;
            let resp = core.send_text(n.id, &to, &text, Actor::Cli).await?;
            let wamid = resp.wamid().unwrap_or_default().to_string();
            Output::ok(&resp, format!("sent: {wamid}"))
        }
        SendCmd::Template(args) => template(&core, args).await,
        SendCmd::Media {
            number,
            to,
            kind,
            media,
            caption,
            filename,
        } => {
            let n = core.resolve_number(&number)?;
            let resp = core
                .send_media_with_progress(
                    n.id,
                    &to,
                    &kind,
                    &media,
                    caption.as_deref(),
                    filename.as_deref(),
                    Actor::Cli,
                    None,
                )
                .await?;
            let wamid = resp.wamid().unwrap_or_default().to_string();
            Output::ok(&resp, format!("sent: {wamid}"))
        }
    }
}

/// Sends a template from the number's library (synced first when it is not there yet), its
/// values checked against the template's placeholders before anything is sent.
pub async fn template(core: &Core, args: TemplateSendArgs) -> Result<Output, Error> {
    let n = core.resolve_number(&args.number)?;
    let template = match core.template(n.id, &args.name, &args.language) {
        Ok(t) => t,
        Err(Error::NotFound(_)) => {
            core.sync_templates(n.id, Actor::Cli).await?;
            core.template(n.id, &args.name, &args.language)?
        }
        Err(e) => return Err(e),
    };
    let fields = form::send_form(template.shape())
        .into_iter()
        .map(|f| (f.key, f.kind));
    let values = fill(fields, &args)?;
    let r = core
        .send_test(
            n.id,
            &TestSend {
                to: args.to,
                name: args.name,
                language: args.language,
                values,
            },
            Actor::Cli,
        )
        .await?;
    let mut text = format!("sent: {}", r.wamid);
    if args.curl {
        text = format!("{}\n{text}", r.curl);
    }
    Output::ok(&r, text)
}

/// The form's values from the options: body variables in order, the header's and the button's.
fn fill(
    fields: impl Iterator<Item = (String, FieldKind)>,
    args: &TemplateSendArgs,
) -> Result<BTreeMap<String, String>, Error> {
    let mut values = BTreeMap::new();
    let mut body = args.body.iter();
    for (key, kind) in fields {
        let v = match kind {
            FieldKind::Body => body.next(),
            FieldKind::HeaderText | FieldKind::HeaderMedia => args.header.as_ref(),
            FieldKind::UrlSuffix | FieldKind::CopyCode | FieldKind::OneTimeCode => {
                args.button.as_ref()
            }
            FieldKind::HeaderLocation
            | FieldKind::ProductRetailerId
            | FieldKind::CatalogId
            | FieldKind::ExpirationTimeMs
            | FieldKind::QuickReplyPayload
            | FieldKind::ProductSections => None,
        };
        if let Some(v) = v {
            values.insert(key, v.clone());
        }
    }
    let extra = body.count();
    if extra > 0 {
        return Err(Error::Validation(format!(
            "{} ({}) has fewer body variables; {extra} --body-param too many",
            args.name, args.language
        )));
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Both spellings, parsed the way `main` parses them.
    #[derive(Parser, Debug)]
    struct Probe {
        #[command(subcommand)]
        cmd: ProbeCmd,
    }

    #[derive(Subcommand, Debug)]
    enum ProbeCmd {
        #[command(subcommand)]
        Send(SendCmd),
        #[command(subcommand)]
        Template(crate::templates::TemplateCmd),
    }

    fn args(line: &[&str]) -> TemplateSendArgs {
        let parsed = Probe::try_parse_from(std::iter::once("wabadesk").chain(line.iter().copied()))
            .unwrap_or_else(|e| panic!("{line:?}: {e}"));
        match parsed.cmd {
            ProbeCmd::Send(SendCmd::Template(a)) => a,
            ProbeCmd::Template(crate::templates::TemplateCmd::Send(a)) => a,
            other => panic!("not a template send: {other:?}"),
        }
    }

    #[test]
    fn both_spellings_parse_into_the_same_arguments() {
        let rest = [
            "QA",
            "--to",
            "4915123456789",
            "--name",
            "order",
            "--body-param",
            "Ana",
            "--param",
            "Friday",
            "--header-param",
            "A-1",
        ];
        let a = args(&[&["send", "template"][..], &rest].concat());
        let b = args(&[&["template", "send"][..], &rest].concat());
        for x in [&a, &b] {
            assert_eq!(x.number, "QA");
            assert_eq!(x.body, ["Ana", "Friday"], "--param is --body-param");
            assert_eq!(x.header.as_deref(), Some("A-1"));
            assert_eq!(x.language, "en_US");
            assert!(!x.curl);
        }
    }

    #[test]
    fn values_fill_the_form_in_order_and_extra_body_values_are_refused() {
        let fields = || {
            vec![
                ("header.1".to_string(), FieldKind::HeaderText),
                ("body.1".to_string(), FieldKind::Body),
                ("body.2".to_string(), FieldKind::Body),
                ("button.0".to_string(), FieldKind::UrlSuffix),
            ]
            .into_iter()
        };
        let a = args(&[
            "send",
            "template",
            "QA",
            "--to",
            "1",
            "--name",
            "order",
            "--param",
            "Ana",
            "--param",
            "Friday",
            "--header-param",
            "A-1",
            "--button-param",
            "t/A-1",
        ]);
        let values = fill(fields(), &a).unwrap();
        assert_eq!(values["header.1"], "A-1");
        assert_eq!(values["body.1"], "Ana");
        assert_eq!(values["body.2"], "Friday");
        assert_eq!(values["button.0"], "t/A-1");

        let few = args(&[
            "template", "send", "QA", "--to", "1", "--name", "order", "--param", "Ana",
        ]);
        let values = fill(fields(), &few).unwrap();
        assert!(
            !values.contains_key("body.2"),
            "left for the core to explain"
        );

        let many = args(&[
            "template", "send", "QA", "--to", "1", "--name", "order", "--param", "a", "--param",
            "b", "--param", "c",
        ]);
        let e = fill(fields(), &many).unwrap_err();
        assert!(e.to_string().contains("1 --body-param too many"), "{e}");
    }
}
