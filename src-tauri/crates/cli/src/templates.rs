//! `wabadesk template …`: lint, list (synced), create, delete, send, QA runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Subcommand, ValueEnum};
use serde_json::Value;
use wabadesk_core::audit::Actor;
use wabadesk_core::secrets::KeyringStore;
use wabadesk_core::templates::draft::TemplateDraft;
use wabadesk_core::templates::form::{self, FieldKind};
use wabadesk_core::templates::library::{TemplateFilter, TestSend};
use wabadesk_core::templates::qa::ReportFormat;
use wabadesk_core::{Core, Error};

use crate::Output;

#[derive(Subcommand, Debug)]
pub enum TemplateCmd {
    /// Check a template-create JSON file against Meta's rules (exit 0 clean, 2 with problems).
    Lint { file: PathBuf },
    /// The number's templates from the local library (`--sync` fetches them first).
    List {
        number: String,
        #[arg(long)]
        sync: bool,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long = "lang")]
        language: Option<String>,
        /// Name or body text contains this.
        #[arg(long)]
        search: Option<String>,
    },
    /// Submit a template-create JSON file for review (checked first).
    Create { number: String, file: PathBuf },
    /// Delete a template in every language.
    Delete {
        number: String,
        name: String,
        /// Confirm the deletion.
        #[arg(long)]
        yes: bool,
    },
    /// Send an approved template. Values fill its placeholders in order.
    Send {
        number: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        name: String,
        #[arg(long = "lang", default_value = "en_US")]
        language: String,
        /// Body variables, in order (repeat).
        #[arg(long = "body-param")]
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
    },
    /// Send every approved language to a test recipient and record a QA run.
    Qa {
        number: String,
        name: String,
        #[arg(long)]
        to: String,
        /// Print the run's report in this format.
        #[arg(long, value_enum, default_value = "markdown")]
        report: Report,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Report {
    Markdown,
    Csv,
}

fn open(data_dir: &Path) -> Result<Core, Error> {
    Core::open(data_dir, Arc::new(KeyringStore::for_app()))
}

fn read_json(file: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(file).map_err(Error::io(file))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Validation(format!("{} is not JSON: {e}", file.display())))
}

pub async fn template(data_dir: &Path, cmd: TemplateCmd) -> Result<Output, Error> {
    if let TemplateCmd::Lint { file } = &cmd {
        let issues = wabadesk_core::templates::lint(&read_json(file)?);
        let text = if issues.is_empty() {
            "no problems found".to_string()
        } else {
            let lines: Vec<String> = issues
                .iter()
                .map(|i| format!("{}: {}", i.path, i.message))
                .collect();
            lines.join("\n")
        };
        let mut out = Output::ok(&issues, text)?;
        out.exit = if issues.is_empty() { 0 } else { 2 };
        return Ok(out);
    }
    let core = open(data_dir)?;
    match cmd {
        TemplateCmd::Lint { .. } => unreachable!("handled above"),
        TemplateCmd::List {
            number,
            sync,
            status,
            category,
            language,
            search,
        } => {
            let n = core.resolve_number(&number)?;
            if sync {
                core.sync_templates(n.id, Actor::Cli).await?;
            }
            let lib = core.template_library(
                n.id,
                &TemplateFilter {
                    status,
                    category,
                    language,
                    search,
                },
            )?;
            let mut lines = Vec::new();
            for g in &lib.groups {
                for v in &g.variants {
                    let reason = v
                        .rejected_reason
                        .as_deref()
                        .map(|r| format!("  ({r})"))
                        .unwrap_or_default();
                    lines.push(format!(
                        "{:<30} {:<6} {:<14} {:<9}{reason}",
                        v.name, v.language, v.category, v.status
                    ));
                }
                for d in &g.differences {
                    lines.push(format!("  ! {d}"));
                }
            }
            let synced = lib.synced_at.as_deref().unwrap_or("never (use --sync)");
            lines.push(format!("{} template(s); last synced {synced}", lib.total));
            Output::ok(&lib, lines.join("\n"))
        }
        TemplateCmd::Create { number, file } => {
            let n = core.resolve_number(&number)?;
            let text = std::fs::read_to_string(&file).map_err(Error::io(&file))?;
            let draft = TemplateDraft::from_json(&text)?;
            let t = core.create_template(n.id, &draft, Actor::Cli).await?;
            Output::ok(
                &t,
                format!("submitted {} ({}): {}", t.name, t.language, t.status),
            )
        }
        TemplateCmd::Delete { number, name, yes } => {
            if !yes {
                return Err(Error::Validation(format!(
                    "deleting {name} removes it in every language; add --yes to confirm"
                )));
            }
            let n = core.resolve_number(&number)?;
            let removed = core.delete_template(n.id, &name, Actor::Cli).await?;
            Output::ok(
                &serde_json::json!({"deleted": name, "variants": removed}),
                format!("deleted {name}"),
            )
        }
        TemplateCmd::Send {
            number,
            to,
            name,
            language,
            body,
            header,
            button,
            curl,
        } => {
            let n = core.resolve_number(&number)?;
            let template = match core.template(n.id, &name, &language) {
                Ok(t) => t,
                Err(Error::NotFound(_)) => {
                    core.sync_templates(n.id, Actor::Cli).await?;
                    core.template(n.id, &name, &language)?
                }
                Err(e) => return Err(e),
            };
            let mut values = std::collections::BTreeMap::new();
            let mut body = body.into_iter();
            for f in form::send_form(template.shape()) {
                let v = match f.kind {
                    FieldKind::Body => body.next(),
                    FieldKind::HeaderText | FieldKind::HeaderMedia => header.clone(),
                    FieldKind::UrlSuffix | FieldKind::CopyCode | FieldKind::OneTimeCode => {
                        button.clone()
                    }
                    FieldKind::HeaderLocation => None,
                };
                if let Some(v) = v {
                    values.insert(f.key, v);
                }
            }
            let extra = body.count();
            if extra > 0 {
                return Err(Error::Validation(format!(
                    "{name} ({language}) has fewer body variables; {extra} --body-param too many"
                )));
            }
            let r = core
                .send_test(
                    n.id,
                    &TestSend {
                        to,
                        name,
                        language,
                        values,
                    },
                    Actor::Cli,
                )
                .await?;
            let mut text = format!("sent: {}", r.wamid);
            if curl {
                text = format!("{}\n{text}", r.curl);
            }
            Output::ok(&r, text)
        }
        TemplateCmd::Qa {
            number,
            name,
            to,
            report,
        } => {
            let n = core.resolve_number(&number)?;
            core.sync_templates(n.id, Actor::Cli).await?;
            let run = core
                .run_qa(n.id, &name, &to, Actor::Cli, |done, total| {
                    if done < total {
                        eprintln!("sending {}/{total}…", done + 1);
                    }
                })
                .await?;
            let format = match report {
                Report::Markdown => ReportFormat::Markdown,
                Report::Csv => ReportFormat::Csv,
            };
            let text = core.qa_report(run.id, format)?;
            let mut out = Output::ok(&run, text)?;
            out.exit = if run.results.iter().any(|r| r.error.is_some()) {
                1
            } else {
                0
            };
            Ok(out)
        }
    }
}
