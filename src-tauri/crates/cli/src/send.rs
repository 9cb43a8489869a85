//! `send`: free text, and the one template-send path (`send template` and `template send` are
//! the same command, parsed by [`TemplateSendArgs`] and sent by [`template`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use wabadesk_core::audit::Actor;
use wabadesk_core::paths::{read_text_file, TEMPLATE_FILE_MAX_BYTES};
use wabadesk_core::templates::curl::{parse_curl, template_of};
use wabadesk_core::templates::form::{self, FieldKind, SendField};
use wabadesk_core::templates::library::{TemplateRow, TestSend};
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
    /// A template send given as a curl command for `POST /messages` ("copy as curl", a
    /// Postman or 360dialog docs example), read from FILE or standard input. The template,
    /// recipient and values come from its body; its key and URL are not used: the number's own
    /// are. `--dry-run` shows what would be sent and sends nothing.
    Curl {
        /// Phone or label of the sending number.
        number: String,
        /// The file holding the command; without it (or `-`), standard input.
        file: Option<PathBuf>,
        /// Another recipient than the command's `to`.
        #[arg(long)]
        to: Option<String>,
        /// Check the command and show the request; send nothing.
        #[arg(long)]
        dry_run: bool,
    },
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

/// Sending an approved template: fields set by path (`--set body.1=Ana`, see
/// `wabadesk template form`), filled from the template's samples (`--samples`), or by the
/// shorthands (`--body-param` in order, `--header-param`, `--button-param`).
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
    /// Set the field at PATH (repeat), e.g. `--set header.image.link=https://…`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Fill each field that has a sample with it (`--set` and the shorthands win).
    #[arg(long)]
    samples: bool,
    /// Shorthand: body variables, in order (repeat).
    #[arg(long = "body-param", visible_alias = "param")]
    body: Vec<String>,
    /// Shorthand: the header's variable, media link or media id.
    #[arg(long = "header-param")]
    header: Option<String>,
    /// Shorthand: the URL suffix, coupon code or one-time code of the button that takes one.
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
        SendCmd::Curl {
            number,
            file,
            to,
            dry_run,
        } => curl(&core, &number, file, to, dry_run).await,
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

/// The number's template in the library, synced first when it is not there yet.
pub async fn find_template(
    core: &Core,
    number_id: i64,
    name: &str,
    language: &str,
) -> Result<TemplateRow, Error> {
    match core.template(number_id, name, language) {
        Ok(t) => Ok(t),
        Err(Error::NotFound(_)) => {
            core.sync_templates(number_id, Actor::Cli).await?;
            core.template(number_id, name, language)
        }
        Err(e) => Err(e),
    }
}

/// Sends a template from the number's library (synced first when it is not there yet), its
/// values checked against the template's form before anything is sent: an unknown path or a
/// bad value is refused (exit 2) naming the path and the reason.
pub async fn template(core: &Core, args: TemplateSendArgs) -> Result<Output, Error> {
    let n = core.resolve_number(&args.number)?;
    let template = find_template(core, n.id, &args.name, &args.language).await?;
    let fields = form::send_form(template.shape());
    let values = fill(&fields, &args)?;
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

/// What `send curl` read from the command, and the request it sends (or would send).
#[derive(serde::Serialize)]
struct CurlSend {
    #[serde(flatten)]
    import: wabadesk_core::templates::curl::CurlImport,
    dry_run: bool,
    request: serde_json::Value,
    curl: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    wamid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<serde_json::Value>,
}

/// `send curl`: the command read as the app's "Paste curl" reads it (the core's
/// `import_curl`), then sent as a test-send of the number, or only shown with `--dry-run`. A
/// command that is not a template send, or values that do not fit the template, exit 2.
async fn curl(
    core: &Core,
    number: &str,
    file: Option<PathBuf>,
    to: Option<String>,
    dry_run: bool,
) -> Result<Output, Error> {
    let n = core.resolve_number(number)?;
    let path = match file {
        Some(f) if f.as_os_str() != "-" => f,
        _ => PathBuf::from("/dev/stdin"),
    };
    let command = read_text_file(&path, TEMPLATE_FILE_MAX_BYTES)?;
    // The template is synced first when the library does not have it yet.
    let (_, name, language) = template_of(&parse_curl(&command)?.body)?;
    find_template(core, n.id, &name, &language).await?;
    let mut import = core.import_curl(n.id, &command)?;
    if let Some(to) = to {
        import.to = to;
    }
    let send = TestSend {
        to: import.to.clone(),
        name: import.name.clone(),
        language: import.language.clone(),
        values: import.values.clone(),
    };
    let mut lines: Vec<String> = import.notes.clone();
    let out = if dry_run {
        let request = core.test_send_request(n.id, &send)?;
        let curl = core.curl_for(n.id, &request)?;
        lines.push(curl.clone());
        lines.push(format!(
            "dry run: {} ({}) to {} not sent",
            send.name, send.language, send.to
        ));
        CurlSend {
            import,
            dry_run,
            request,
            curl,
            wamid: None,
            response: None,
        }
    } else {
        let r = core.send_test(n.id, &send, Actor::Cli).await?;
        lines.push(format!("sent: {}", r.wamid));
        CurlSend {
            import,
            dry_run,
            request: r.request,
            curl: r.curl,
            wamid: Some(r.wamid),
            response: serde_json::to_value(&r.response).ok(),
        }
    };
    Output::ok(&out, lines.join("\n"))
}

/// The field a one-value shorthand fills: a media header's link or id by the value's look.
fn target(f: &SendField, value: &str) -> String {
    match &f.one_of {
        Some(g) if value.starts_with("https://") || value.starts_with("http://") => {
            format!("{g}.link")
        }
        Some(g) => format!("{g}.id"),
        None => f.path.clone(),
    }
}

/// The form's values from the options: the samples (`--samples`), then the shorthands (body
/// variables in order, the header's, the button's), then `--set PATH=VALUE`. Paths are
/// checked by the core when the values are built.
fn fill(fields: &[SendField], args: &TemplateSendArgs) -> Result<BTreeMap<String, String>, Error> {
    let mut values = BTreeMap::new();
    if args.samples {
        for f in fields.iter().filter(|f| !f.sample.is_empty()) {
            values.insert(f.path.clone(), f.sample.clone());
        }
    }
    let body: Vec<&SendField> = fields
        .iter()
        .filter(|f| f.path.starts_with("body."))
        .collect();
    if args.body.len() > body.len() {
        return Err(Error::Validation(format!(
            "{} ({}) has fewer body variables; {} --body-param too many",
            args.name,
            args.language,
            args.body.len() - body.len()
        )));
    }
    for (f, v) in body.iter().zip(&args.body) {
        values.insert(f.path.clone(), v.clone());
    }
    if let Some(v) = &args.header {
        let f = fields
            .iter()
            .find(|f| f.path.starts_with("header."))
            .ok_or_else(|| {
                Error::Validation(format!(
                    "--header-param: {} ({}) has no header value",
                    args.name, args.language
                ))
            })?;
        values.insert(target(f, v), v.clone());
    }
    if let Some(v) = &args.button {
        let f = fields
            .iter()
            .find(|f| {
                matches!(
                    f.kind,
                    FieldKind::UrlSuffix | FieldKind::CouponCode | FieldKind::Otp
                ) && !f.path.starts_with("cards.")
            })
            .ok_or_else(|| {
                Error::Validation(format!(
                    "--button-param: {} ({}) has no button that takes a value",
                    args.name, args.language
                ))
            })?;
        values.insert(f.path.clone(), v.clone());
    }
    for s in &args.set {
        let (path, v) = s
            .split_once('=')
            .ok_or_else(|| Error::Validation(format!("--set '{s}': use PATH=VALUE")))?;
        values.insert(path.trim().to_string(), v.to_string());
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

    fn form_of(components: serde_json::Value) -> Vec<SendField> {
        form::send_form(form::TemplateShape {
            category: "MARKETING",
            parameter_format: None,
            components: &components,
        })
    }

    #[test]
    fn values_fill_the_form_in_order_and_extra_body_values_are_refused() {
        let fields = form_of(serde_json::json!([
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-1"]}},
            {"type": "BODY", "text": "Hi {{1}}, on {{2}}.", "example": {"body_text": [["Ana", "Friday"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.example/{{1}}", "example": ["https://x.example/t"]}]}
        ]));
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
        let values = fill(&fields, &a).unwrap();
        assert_eq!(values["header.1"], "A-1");
        assert_eq!(values["body.1"], "Ana");
        assert_eq!(values["body.2"], "Friday");
        assert_eq!(values["buttons.0.url_suffix"], "t/A-1");

        let few = args(&[
            "template", "send", "QA", "--to", "1", "--name", "order", "--param", "Ana",
        ]);
        let values = fill(&fields, &few).unwrap();
        assert!(
            !values.contains_key("body.2"),
            "left for the core to explain"
        );

        let many = args(&[
            "template", "send", "QA", "--to", "1", "--name", "order", "--param", "a", "--param",
            "b", "--param", "c",
        ]);
        let e = fill(&fields, &many).unwrap_err();
        assert!(e.to_string().contains("1 --body-param too many"), "{e}");
    }

    #[test]
    fn set_paths_win_over_samples_and_shorthands_and_media_goes_to_link_or_id() {
        let fields = form_of(serde_json::json!([
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::x"]}},
            {"type": "BODY", "text": "Hi {{1}}, code {{2}}.", "example": {"body_text": [["Ana", "X1"]]}},
            {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "SAVE10"}]}
        ]));
        let a = args(&[
            "template",
            "send",
            "QA",
            "--to",
            "1",
            "--name",
            "promo",
            "--samples",
            "--param",
            "Bo",
            "--header-param",
            "4711",
            "--set",
            "body.2=Y2",
            "--set",
            "nope.0=x",
        ]);
        let values = fill(&fields, &a).unwrap();
        assert_eq!(values["body.1"], "Bo", "a shorthand wins over the sample");
        assert_eq!(values["body.2"], "Y2", "--set wins over the sample");
        assert_eq!(values["buttons.0.coupon_code"], "SAVE10", "the sample");
        assert_eq!(values["header.image.id"], "4711");
        assert_eq!(
            values["nope.0"], "x",
            "unknown paths are the core's to refuse"
        );
        let link = args(&[
            "template",
            "send",
            "QA",
            "--to",
            "1",
            "--name",
            "promo",
            "--header-param",
            "https://x.example/a.png",
        ]);
        assert_eq!(
            fill(&fields, &link).unwrap()["header.image.link"],
            "https://x.example/a.png"
        );
        let bad = args(&[
            "template", "send", "QA", "--to", "1", "--name", "promo", "--set", "body.1",
        ]);
        let e = fill(&fields, &bad).unwrap_err();
        assert!(e.to_string().contains("use PATH=VALUE"), "{e}");
        let no_button = args(&[
            "template",
            "send",
            "QA",
            "--to",
            "1",
            "--name",
            "promo",
            "--header-param",
            "1",
        ]);
        let plain = form_of(serde_json::json!([{"type": "BODY", "text": "Hello."}]));
        let e = fill(&plain, &no_button).unwrap_err();
        assert!(e.to_string().contains("has no header value"), "{e}");
    }
}
