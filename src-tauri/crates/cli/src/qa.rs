//! `template qa`: every approved language of a template to one test recipient, as a QA run.

use clap::{Args, ValueEnum};
use wabadesk_core::audit::Actor;
use wabadesk_core::templates::qa::ReportFormat;
use wabadesk_core::{Core, Error};

use crate::common::Output;

#[derive(Args, Debug)]
pub struct QaArgs {
    number: String,
    name: String,
    #[arg(long)]
    to: String,
    /// Print the run's report in this format (html: a page to print or save as PDF).
    #[arg(long, value_enum, default_value = "markdown")]
    report: Report,
    /// Also save the report to the export folder (Downloads, or the one set in settings) and
    /// name the file on standard error.
    #[arg(long)]
    save: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Report {
    Markdown,
    Csv,
    Html,
}

/// Syncs the library, sends each approved language, and prints the run's report; exits 1 when
/// a send failed.
pub async fn run(core: &Core, args: QaArgs) -> Result<Output, Error> {
    let n = core.resolve_number(&args.number)?;
    core.sync_templates(n.id, Actor::Cli).await?;
    let run = core
        .run_qa(n.id, &args.name, &args.to, Actor::Cli, |done, total| {
            if done < total {
                eprintln!("sending {}/{total}…", done + 1);
            }
        })
        .await?;
    let format = match args.report {
        Report::Markdown => ReportFormat::Markdown,
        Report::Csv => ReportFormat::Csv,
        Report::Html => ReportFormat::Html,
    };
    let text = core.qa_report(run.id, format)?;
    if args.save {
        let path = core.export_qa_report(run.id, format)?;
        eprintln!("report saved to {}", path.display());
    }
    let failed = run.results.iter().any(|r| r.error.is_some());
    Ok(Output::ok(&run, text)?.failed_if(failed))
}
