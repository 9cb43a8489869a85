//! `template`: lint, list (synced), create, delete, form (the send form's fields by path);
//! `template send` is `send`'s template path and `template qa` is in `qa`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::Value;
use wabadesk_core::audit::Actor;
use wabadesk_core::paths::{read_text_file, TEMPLATE_FILE_MAX_BYTES};
use wabadesk_core::templates::draft::TemplateDraft;
use wabadesk_core::templates::form::send_form;
use wabadesk_core::templates::library::TemplateFilter;
use wabadesk_core::Error;

use crate::common::{open, Output};
use crate::qa::{self, QaArgs};
use crate::send::{self, TemplateSendArgs};

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
    /// The send form of a template: each field's path (for `template send --set PATH=VALUE`),
    /// label, kind, whether it is required, and the template's sample.
    Form {
        number: String,
        name: String,
        #[arg(long = "lang", default_value = "en_US")]
        language: String,
    },
    /// Send an approved template (the same as `wabadesk send template`).
    Send(TemplateSendArgs),
    /// Send every approved language to a test recipient and record a QA run.
    Qa(QaArgs),
}

fn read_json(file: &Path) -> Result<Value, Error> {
    let text = read_text_file(file, TEMPLATE_FILE_MAX_BYTES)?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Validation(format!("{} is not JSON: {e}", file.display())))
}

pub async fn run(data_dir: &Path, cmd: TemplateCmd) -> Result<Output, Error> {
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
            let text = read_text_file(&file, TEMPLATE_FILE_MAX_BYTES)?;
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
        TemplateCmd::Form {
            number,
            name,
            language,
        } => {
            let n = core.resolve_number(&number)?;
            let t = send::find_template(&core, n.id, &name, &language).await?;
            let fields = send_form(t.shape());
            let mut lines: Vec<String> = fields
                .iter()
                .map(|f| {
                    let need = match (&f.one_of, f.required) {
                        (Some(g), _) => format!("one of {g}"),
                        (None, true) => "required".to_string(),
                        (None, false) => "optional".to_string(),
                    };
                    let kind = serde_json::to_value(f.kind)
                        .ok()
                        .and_then(|k| k.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let sample = if f.sample.is_empty() {
                        String::new()
                    } else {
                        format!("  sample: {}", f.sample)
                    };
                    format!("{:<44} {kind:<20} {need:<16} {}{sample}", f.path, f.label)
                })
                .collect();
            if lines.is_empty() {
                lines.push(format!("{name} ({language}) takes no values"));
            }
            Output::ok(
                &serde_json::json!({
                    "name": t.name,
                    "language": t.language,
                    "category": t.category,
                    "status": t.status,
                    "fields": fields,
                }),
                lines.join("\n"),
            )
        }
        TemplateCmd::Send(args) => send::template(&core, args).await,
        TemplateCmd::Qa(args) => qa::run(&core, args).await,
    }
}
