//! QA runs: one template sent in every approved language to a test recipient, with the inputs
//! saved for each language (or the template's samples), each result signed off pass or fail.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::form;
use super::library::issues_text;
use crate::api::Outgoing;
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::service::Core;
use crate::util::csv_field;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Verdict {
    Pass,
    Fail,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QaResult {
    pub language: String,
    pub wamid: Option<String>,
    /// Why the send failed (the API's words and their explanation).
    pub error: Option<String>,
    /// The message's delivery status as far as the inbox knows (sent, delivered, read, failed).
    pub status: Option<String>,
    pub verdict: Option<Verdict>,
    pub note: String,
    pub signed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QaRun {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub number_id: i64,
    pub name: String,
    pub recipient: String,
    pub started_at: String,
    pub results: Vec<QaResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportFormat {
    Markdown,
    Csv,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Csv => "csv",
        }
    }
}

impl Core {
    /// Sends every approved language of `name` to `recipient` and records one result each
    /// (`progress` gets done/total). A variant that fails to send is recorded with its error;
    /// the run goes on.
    pub async fn run_qa(
        &self,
        number_id: i64,
        name: &str,
        recipient: &str,
        actor: Actor,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<QaRun> {
        let recipient = crate::numbers::recipient(recipient)?;
        let library =
            self.template_library(number_id, &super::library::TemplateFilter::default())?;
        let variants: Vec<_> = library
            .groups
            .into_iter()
            .filter(|g| g.name == name)
            .flat_map(|g| g.variants)
            .filter(|v| v.is_approved())
            .collect();
        if variants.is_empty() {
            return Err(Error::Validation(format!(
                "{name} has no approved language variant to test; sync the library, or wait for Meta's review"
            )));
        }
        let run_id = self.write(&[Topic::Qa], Some(number_id), |tx| {
            tx.execute(
                "INSERT INTO qa_runs (number_id, name, recipient, started_at) VALUES (?1, ?2, ?3, ?4)",
                params![number_id, name, recipient, crate::util::now()],
            )
            .map_err(Error::db("starting a QA run"))?;
            Ok(tx.last_insert_rowid())
        })?;
        let total = variants.len();
        for (i, v) in variants.iter().enumerate() {
            progress(i, total);
            // Saved inputs for this language, else the template's own samples.
            let values: BTreeMap<String, String> =
                match self.saved_inputs(number_id, name, &v.language)? {
                    Some(s) => form::carry_over(&form::send_form(v.shape()), &s.values),
                    None => form::send_form(v.shape())
                        .into_iter()
                        .map(|f| (f.path, f.sample))
                        .collect(),
                };
            let (wamid, error, request) = match form::build_components(v.shape(), &values) {
                Err(issues) => (
                    None,
                    Some(format!("inputs incomplete: {}", issues_text(&issues))),
                    Value::Null,
                ),
                Ok(components) => {
                    let message = Outgoing::Template {
                        to: recipient.clone(),
                        name: name.to_string(),
                        language: v.language.clone(),
                        components,
                    };
                    let request = message.to_json();
                    match self.send_message(number_id, &message, actor).await {
                        Ok(r) => (r.wamid().map(str::to_string), None, request),
                        Err(e) => (None, Some(e.to_string()), request),
                    }
                }
            };
            self.write(&[Topic::Qa], Some(number_id), |tx| {
                tx.execute(
                    "INSERT INTO qa_results (run_id, language, wamid, error, request) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![run_id, v.language, wamid, error, request.to_string()],
                )
                .map_err(Error::db("recording a QA result"))?;
                Ok(())
            })?;
        }
        progress(total, total);
        self.write(&[Topic::Qa, Topic::Audit], Some(number_id), |tx| {
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!("{name}: {total} language variant(s) to {recipient}"),
                    ..NewAudit::of(AuditAction::QaRun)
                },
            )
        })?;
        self.qa_run(run_id)
    }

    pub fn qa_run(&self, run_id: i64) -> Result<QaRun> {
        self.db.with_conn(|c| {
            let run = c
                .query_row(
                    "SELECT id, number_id, name, recipient, started_at FROM qa_runs WHERE id = ?1",
                    [run_id],
                    |r| {
                        Ok(QaRun {
                            id: r.get(0)?,
                            number_id: r.get(1)?,
                            name: r.get(2)?,
                            recipient: r.get(3)?,
                            started_at: r.get(4)?,
                            results: Vec::new(),
                        })
                    },
                )
                .optional()
                .map_err(Error::db("reading a QA run"))?
                .ok_or_else(|| Error::NotFound(format!("QA run {run_id}")))?;
            let mut st = c
                .prepare(
                    "SELECT q.language, q.wamid, q.error, m.status, q.verdict, q.note, q.signed_at \
                     FROM qa_results q LEFT JOIN messages m ON m.wamid = q.wamid \
                     WHERE q.run_id = ?1 ORDER BY q.language",
                )
                .map_err(Error::db("reading QA results"))?;
            let results = st
                .query_map([run_id], |r| {
                    let verdict: Option<String> = r.get(4)?;
                    Ok(QaResult {
                        language: r.get(0)?,
                        wamid: r.get(1)?,
                        error: r.get(2)?,
                        status: r.get(3)?,
                        verdict: verdict.map(|v| {
                            if v == "pass" {
                                Verdict::Pass
                            } else {
                                Verdict::Fail
                            }
                        }),
                        note: r.get(5)?,
                        signed_at: r.get(6)?,
                    })
                })
                .map_err(Error::db("reading QA results"))?
                .collect::<rusqlite::Result<_>>()
                .map_err(Error::db("reading QA results"))?;
            Ok(QaRun { results, ..run })
        })
    }

    /// QA runs of a template, newest first.
    pub fn qa_runs(&self, number_id: i64, name: &str) -> Result<Vec<QaRun>> {
        let ids: Vec<i64> = self.db.with_conn(|c| {
            let mut st = c
                .prepare("SELECT id FROM qa_runs WHERE number_id = ?1 AND name = ?2 ORDER BY id DESC LIMIT 20")
                .map_err(Error::db("listing QA runs"))?;
            let rows = st
                .query_map(params![number_id, name], |r| r.get(0))
                .map_err(Error::db("listing QA runs"))?;
            rows.collect::<rusqlite::Result<_>>().map_err(Error::db("listing QA runs"))
        })?;
        ids.into_iter().map(|id| self.qa_run(id)).collect()
    }

    /// Signs off one language variant of a run.
    pub fn sign_off(
        &self,
        run_id: i64,
        language: &str,
        verdict: Verdict,
        note: &str,
        actor: Actor,
    ) -> Result<QaRun> {
        let run = self.qa_run(run_id)?;
        self.write(&[Topic::Qa, Topic::Audit], Some(run.number_id), |tx| {
            let n = tx
                .execute(
                    "UPDATE qa_results SET verdict = ?1, note = ?2, signed_at = ?3 WHERE run_id = ?4 AND language = ?5",
                    params![verdict.as_str(), note.trim(), crate::util::now(), run_id, language],
                )
                .map_err(Error::db("signing off"))?;
            if n == 0 {
                return Err(Error::NotFound(format!("{language} in QA run {run_id}")));
            }
            audit::record(tx, actor, NewAudit {
                number_id: Some(run.number_id),
                detail: &format!("{} ({language}): {}{}", run.name, verdict.as_str(), if note.trim().is_empty() { String::new() } else { format!(" — {}", note.trim()) }),
                ..NewAudit::of(AuditAction::QaSignedOff)
            })
        })?;
        self.qa_run(run_id)
    }

    /// Writes a run's report to the Downloads folder; returns the file.
    pub fn export_qa_report(
        &self,
        run_id: i64,
        format: ReportFormat,
    ) -> Result<std::path::PathBuf> {
        let report = self.qa_report(run_id, format)?;
        let path =
            crate::paths::export_path(&self.data_dir, &format!("qa-{run_id}"), format.extension())?;
        crate::paths::write_atomically(&path, |w| {
            w.write_all(report.as_bytes()).map_err(Error::io(&path))
        })?;
        Ok(path)
    }

    /// The run as a report for the team.
    pub fn qa_report(&self, run_id: i64, format: ReportFormat) -> Result<String> {
        let run = self.qa_run(run_id)?;
        let verdict = |r: &QaResult| r.verdict.map(Verdict::as_str).unwrap_or("not signed");
        Ok(match format {
            ReportFormat::Csv => {
                let mut out = String::from(
                    "template,language,recipient,wamid,status,error,verdict,note,signed_at\n",
                );
                for r in &run.results {
                    let cells = [
                        run.name.as_str(),
                        &r.language,
                        &run.recipient,
                        r.wamid.as_deref().unwrap_or(""),
                        r.status.as_deref().unwrap_or(""),
                        r.error.as_deref().unwrap_or(""),
                        verdict(r),
                        &r.note,
                        r.signed_at.as_deref().unwrap_or(""),
                    ];
                    let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
                    out.push_str(&line.join(","));
                    out.push('\n');
                }
                out
            }
            ReportFormat::Markdown => {
                let passed = run
                    .results
                    .iter()
                    .filter(|r| r.verdict == Some(Verdict::Pass))
                    .count();
                let mut out = format!(
                    "# QA report: {}\n\nRun {} started {} · recipient {} · {passed} of {} variant(s) passed\n\n\
                     | Language | Status | wamid | Verdict | Note | Signed |\n|---|---|---|---|---|---|\n",
                    run.name, run.id, run.started_at, run.recipient, run.results.len()
                );
                let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
                for r in &run.results {
                    let status = match (&r.status, &r.error) {
                        (_, Some(e)) => format!("send failed: {e}"),
                        (Some(s), None) => s.clone(),
                        (None, None) => "sent, no status yet".into(),
                    };
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {} |\n",
                        r.language,
                        cell(&status),
                        r.wamid.as_deref().unwrap_or("—"),
                        verdict(r),
                        cell(&r.note),
                        r.signed_at.as_deref().unwrap_or("—"),
                    ));
                }
                out
            }
        })
    }
}
