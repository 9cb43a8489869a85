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
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }
}

impl Verdict {
    fn parse(s: &str) -> Verdict {
        if s == "pass" {
            Verdict::Pass
        } else {
            Verdict::Fail
        }
    }
}

/// One sign-off of a result: the verdict, the note, who signed and when.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SignOff {
    pub verdict: Verdict,
    pub note: String,
    /// The name set in Settings when it was signed (none for sign-offs made before names).
    pub signer: Option<String>,
    pub signed_at: String,
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
    /// When each status arrived.
    pub sent_at: Option<String>,
    pub delivered_at: Option<String>,
    pub read_at: Option<String>,
    pub failed_at: Option<String>,
    /// The message as sent: the template's header, body and footer with the values filled in.
    pub rendered: Option<String>,
    /// The values sent, by input by the send form's paths (`header.1`, `body.1`, `buttons.0.url_suffix`, ...).
    pub values: BTreeMap<String, String>,
    /// The template's components when it was sent (what the preview draws the bubble from).
    #[ts(type = "unknown")]
    pub components: Value,
    /// The sign-off in force.
    pub verdict: Option<Verdict>,
    pub note: String,
    pub signed_at: Option<String>,
    pub signer: Option<String>,
    /// Sign-offs the one in force replaced, oldest first.
    pub earlier: Vec<SignOff>,
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
    /// The number the messages went from: its phone and label when the run started.
    pub sender_phone: String,
    pub sender_label: String,
    pub started_at: String,
    pub results: Vec<QaResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportFormat {
    Markdown,
    Csv,
    /// A page to print (or save as PDF) from the browser.
    Html,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }
}

/// The signer a sign-off needs: the name set in Settings.
fn signer_of(signer: Option<&str>) -> Result<String> {
    match signer.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(s.to_string()),
        None => Err(Error::InvalidField {
            field: "your_name",
            message: "set your name in Settings first: a sign-off records who signed it".into(),
        }),
    }
}

fn with_note(note: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!(" — {note}")
    }
}

impl Core {
    /// Sends every approved language of `name` to `recipient` and records one result each
    /// (`progress` gets done/total): the message as sent (rendered text, values, the template's
    /// components) and the number it went from. A variant that fails to send is recorded with
    /// its error; the run goes on.
    pub async fn run_qa(
        &self,
        number_id: i64,
        name: &str,
        recipient: &str,
        actor: Actor,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<QaRun> {
        let recipient = crate::numbers::recipient(recipient)?;
        let number = self.number(number_id)?;
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
                "INSERT INTO qa_runs (number_id, name, recipient, started_at, sender_phone, sender_label) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![number_id, name, recipient, crate::util::now(), number.phone, number.label],
            )
            .map_err(Error::db("starting a QA run"))?;
            Ok(tx.last_insert_rowid())
        })?;
        let total = variants.len();
        for (i, v) in variants.iter().enumerate() {
            progress(i, total);
            // Saved inputs for this language, else the template's own samples; a media file
            // chosen for another language of the template (the same picture in every
            // language) serves one that has none of its own.
            let fields = form::send_form(v.shape());
            let values: BTreeMap<String, String> =
                match self.saved_inputs(number_id, name, &v.language)? {
                    Some(s) => form::carry_over(&fields, &s.values),
                    None => {
                        let mut values: BTreeMap<String, String> = fields
                            .iter()
                            .map(|f| (f.path.clone(), f.sample.clone()))
                            .collect();
                        let media = |path: &str| {
                            fields.iter().any(|f| {
                                f.path == path
                                    && matches!(
                                        f.kind,
                                        form::FieldKind::MediaLink | form::FieldKind::MediaId
                                    )
                            })
                        };
                        if let Some(other) = self
                            .saved_inputs_all(number_id, name)?
                            .into_iter()
                            .find(|s| {
                                form::carry_over(&fields, &s.values)
                                    .iter()
                                    .any(|(k, v)| media(k) && !v.is_empty())
                            })
                        {
                            for (k, val) in form::carry_over(&fields, &other.values) {
                                if media(&k) && !val.is_empty() {
                                    values.insert(k, val);
                                }
                            }
                        }
                        values
                    }
                };
            let (wamid, error, request, rendered) = match form::build_components(v.shape(), &values)
            {
                Err(issues) => (
                    None,
                    Some(format!("inputs incomplete: {}", issues_text(&issues))),
                    Value::Null,
                    None,
                ),
                Ok(components) => {
                    let rendered = form::render_template(&v.components, &components);
                    let message = Outgoing::Template {
                        to: recipient.clone(),
                        name: name.to_string(),
                        language: v.language.clone(),
                        components,
                    };
                    let request = message.to_json();
                    match self.send_message(number_id, &message, actor).await {
                        Ok(r) => (r.wamid().map(str::to_string), None, request, rendered),
                        Err(e) => (None, Some(e.to_string()), request, rendered),
                    }
                }
            };
            let values_json = serde_json::to_string(&values).unwrap_or_else(|_| "{}".into());
            self.write(&[Topic::Qa], Some(number_id), |tx| {
                tx.execute(
                    "INSERT INTO qa_results (run_id, language, wamid, error, request, rendered, values_json, components_json) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![run_id, v.language, wamid, error, request.to_string(), rendered, values_json, v.components.to_string()],
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
                    "SELECT r.id, r.number_id, r.name, r.recipient, r.started_at, \
                       COALESCE(r.sender_phone, n.phone, ''), COALESCE(r.sender_label, n.label, '') \
                     FROM qa_runs r LEFT JOIN numbers n ON n.id = r.number_id WHERE r.id = ?1",
                    [run_id],
                    |r| {
                        Ok(QaRun {
                            id: r.get(0)?,
                            number_id: r.get(1)?,
                            name: r.get(2)?,
                            recipient: r.get(3)?,
                            started_at: r.get(4)?,
                            sender_phone: r.get(5)?,
                            sender_label: r.get(6)?,
                            results: Vec::new(),
                        })
                    },
                )
                .optional()
                .map_err(Error::db("reading a QA run"))?
                .ok_or_else(|| Error::NotFound(format!("QA run {run_id}")))?;
            let mut st = c
                .prepare(
                    "SELECT q.language, q.wamid, q.error, m.status, q.verdict, q.note, q.signed_at, q.signer, \
                       q.rendered, q.values_json, q.components_json, q.request, \
                       m.sent_at, m.delivered_at, m.read_at, m.failed_at \
                     FROM qa_results q LEFT JOIN messages m ON m.wamid = q.wamid \
                     WHERE q.run_id = ?1 ORDER BY q.language",
                )
                .map_err(Error::db("reading QA results"))?;
            let mut results: Vec<QaResult> = st
                .query_map([run_id], |r| {
                    let verdict: Option<String> = r.get(4)?;
                    let values: Option<String> = r.get(9)?;
                    let components: Option<String> = r.get(10)?;
                    let rendered: Option<String> = r.get(8)?;
                    let request: String = r.get(11)?;
                    Ok(QaResult {
                        language: r.get(0)?,
                        wamid: r.get(1)?,
                        error: r.get(2)?,
                        status: r.get(3)?,
                        verdict: verdict.as_deref().map(Verdict::parse),
                        note: r.get(5)?,
                        signed_at: r.get(6)?,
                        signer: r.get(7)?,
                        // Runs from before results kept their values: the request's parameters.
                        values: match values {
                            Some(v) => serde_json::from_str(&v).unwrap_or_default(),
                            None => values_of_request(&request),
                        },
                        rendered,
                        components: components
                            .and_then(|c| serde_json::from_str(&c).ok())
                            .unwrap_or(Value::Null),
                        sent_at: r.get(12)?,
                        delivered_at: r.get(13)?,
                        read_at: r.get(14)?,
                        failed_at: r.get(15)?,
                        earlier: Vec::new(),
                    })
                })
                .map_err(Error::db("reading QA results"))?
                .collect::<rusqlite::Result<_>>()
                .map_err(Error::db("reading QA results"))?;
            let mut st = c
                .prepare(
                    "SELECT language, verdict, note, signer, signed_at FROM qa_sign_offs \
                     WHERE run_id = ?1 ORDER BY id",
                )
                .map_err(Error::db("reading QA sign-offs"))?;
            let entries: Vec<(String, SignOff)> = st
                .query_map([run_id], |r| {
                    let verdict: String = r.get(1)?;
                    Ok((
                        r.get(0)?,
                        SignOff {
                            verdict: Verdict::parse(&verdict),
                            note: r.get(2)?,
                            signer: r.get(3)?,
                            signed_at: r.get(4)?,
                        },
                    ))
                })
                .map_err(Error::db("reading QA sign-offs"))?
                .collect::<rusqlite::Result<_>>()
                .map_err(Error::db("reading QA sign-offs"))?;
            for result in &mut results {
                let mut mine: Vec<SignOff> = entries
                    .iter()
                    .filter(|(l, _)| *l == result.language)
                    .map(|(_, e)| e.clone())
                    .collect();
                // The last entry is the one in force.
                mine.pop();
                result.earlier = mine;
            }
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

    /// Recipients this number sent to lately (QA runs first, then other sends), newest first,
    /// at most `limit`: what a new QA run offers.
    pub fn qa_recent_recipients(&self, number_id: i64, limit: usize) -> Result<Vec<String>> {
        let (qa, sent): (Vec<String>, Vec<String>) = self.db.with_conn(|c| {
            let read = |sql: &str| -> Result<Vec<String>> {
                let mut st = c.prepare(sql).map_err(Error::db("listing recent recipients"))?;
                let rows = st
                    .query_map(params![number_id, limit as i64], |r| r.get(0))
                    .map_err(Error::db("listing recent recipients"))?;
                rows.collect::<rusqlite::Result<_>>()
                    .map_err(Error::db("listing recent recipients"))
            };
            Ok((
                read("SELECT recipient FROM qa_runs WHERE number_id = ?1 GROUP BY recipient ORDER BY max(id) DESC LIMIT ?2")?,
                read("SELECT contact FROM messages WHERE number_id = ?1 AND direction = 'out' AND contact <> '' GROUP BY contact ORDER BY max(id) DESC LIMIT ?2")?,
            ))
        })?;
        let mut out: Vec<String> = Vec::new();
        for r in qa.into_iter().chain(sent) {
            if !out.contains(&r) && out.len() < limit {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Signs off one language variant of a run, in the name of `signer` (the name set in
    /// Settings; required). A signed variant is locked: see [`Core::change_sign_off`].
    pub fn sign_off(
        &self,
        run_id: i64,
        language: &str,
        verdict: Verdict,
        note: &str,
        signer: Option<&str>,
        actor: Actor,
    ) -> Result<QaRun> {
        self.record_sign_off(run_id, language, verdict, note, signer, actor, false)
    }

    /// Changes the verdict of a signed variant: a new sign-off (the earlier ones are kept and
    /// listed), audited as a change from the verdict in force.
    pub fn change_sign_off(
        &self,
        run_id: i64,
        language: &str,
        verdict: Verdict,
        note: &str,
        signer: Option<&str>,
        actor: Actor,
    ) -> Result<QaRun> {
        self.record_sign_off(run_id, language, verdict, note, signer, actor, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn record_sign_off(
        &self,
        run_id: i64,
        language: &str,
        verdict: Verdict,
        note: &str,
        signer: Option<&str>,
        actor: Actor,
        change: bool,
    ) -> Result<QaRun> {
        let signer = signer_of(signer)?;
        let note = note.trim();
        let run = self.qa_run(run_id)?;
        let Some(current) = run.results.iter().find(|r| r.language == language) else {
            return Err(Error::NotFound(format!("{language} in QA run {run_id}")));
        };
        let before = current.verdict;
        match (before, change) {
            (Some(v), false) => {
                return Err(Error::Validation(format!(
                    "{language} is already signed off ({}{}); change the verdict instead, which keeps this sign-off on record",
                    v.as_str(),
                    current.signer.as_deref().map(|s| format!(" by {s}")).unwrap_or_default()
                )))
            }
            (None, true) => {
                return Err(Error::Validation(format!(
                    "{language} is not signed off yet: sign it off first"
                )))
            }
            _ => {}
        }
        let now = crate::util::now();
        self.write(&[Topic::Qa, Topic::Audit], Some(run.number_id), |tx| {
            tx.execute(
                "UPDATE qa_results SET verdict = ?1, note = ?2, signed_at = ?3, signer = ?4 WHERE run_id = ?5 AND language = ?6",
                params![verdict.as_str(), note, now, signer, run_id, language],
            )
            .map_err(Error::db("signing off"))?;
            tx.execute(
                "INSERT INTO qa_sign_offs (run_id, language, verdict, note, signer, signed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![run_id, language, verdict.as_str(), note, signer, now],
            )
            .map_err(Error::db("signing off"))?;
            let (action, detail) = match before {
                Some(b) => (
                    AuditAction::QaSignOffChanged,
                    format!("{} ({language}): {} → {} by {signer}{}", run.name, b.as_str(), verdict.as_str(), with_note(note)),
                ),
                None => (
                    AuditAction::QaSignedOff,
                    format!("{} ({language}): {} by {signer}{}", run.name, verdict.as_str(), with_note(note)),
                ),
            };
            audit::record(tx, actor, NewAudit {
                number_id: Some(run.number_id),
                detail: &detail,
                ..NewAudit::of(action)
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

    /// The run as a report for the team: per variant, the message as sent, its values, its
    /// statuses with their times and its sign-off (with the earlier ones).
    pub fn qa_report(&self, run_id: i64, format: ReportFormat) -> Result<String> {
        let run = self.qa_run(run_id)?;
        Ok(match format {
            ReportFormat::Csv => report_csv(&run),
            ReportFormat::Markdown => report_markdown(&run),
            ReportFormat::Html => report_html(&run),
        })
    }
}

/// The values of a stored request's parameters, by input key (for runs recorded before the
/// values were kept).
fn values_of_request(request: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Ok(v) = serde_json::from_str::<Value>(request) else {
        return out;
    };
    let Some(components) = v.pointer("/template/components").and_then(Value::as_array) else {
        return out;
    };
    for c in components {
        let kind = c
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let index = c.get("index").and_then(|i| {
            i.as_str()
                .map(str::to_string)
                .or_else(|| i.as_u64().map(|n| n.to_string()))
        });
        for (i, p) in c
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let Some(text) = p
                .get("text")
                .or_else(|| p.get("payload"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            // Keyed by the send form's paths (`templates::form`), as the preview reads them.
            let key = match (kind.as_str(), &index) {
                ("button", Some(ix)) if p.get("payload").is_some() => {
                    format!("buttons.{ix}.payload")
                }
                ("button", Some(ix)) => format!("buttons.{ix}.url_suffix"),
                (k, _) => format!(
                    "{k}.{}",
                    p.get("parameter_name")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| (i + 1).to_string())
                ),
            };
            out.insert(key, text.to_string());
        }
    }
    out
}

fn verdict_text(r: &QaResult) -> &'static str {
    r.verdict.map(Verdict::as_str).unwrap_or("not signed")
}

/// `body.1 = Ana; body.2 = A-1001`
fn values_text(r: &QaResult) -> String {
    r.values
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each status that arrived, with its time: `sent 2026-…; delivered 2026-…`.
fn statuses_text(r: &QaResult) -> String {
    if let Some(e) = &r.error {
        return format!("send failed: {e}");
    }
    let times: Vec<String> = [
        ("sent", &r.sent_at),
        ("delivered", &r.delivered_at),
        ("read", &r.read_at),
        ("failed", &r.failed_at),
    ]
    .into_iter()
    .filter_map(|(s, t)| t.as_ref().map(|t| format!("{s} {t}")))
    .collect();
    match (times.is_empty(), &r.status) {
        (false, _) => times.join("; "),
        (true, Some(s)) => s.clone(),
        (true, None) => "sent, no status yet".into(),
    }
}

fn earlier_text(r: &QaResult) -> String {
    r.earlier
        .iter()
        .map(|e| {
            format!(
                "{} by {} at {}{}",
                e.verdict.as_str(),
                e.signer.as_deref().unwrap_or("(no name)"),
                e.signed_at,
                with_note(&e.note)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn report_csv(run: &QaRun) -> String {
    let mut out = String::from(
        "template,language,recipient,wamid,status,error,verdict,note,signed_at,signer,\
         number_label,number_phone,rendered,parameters,sent_at,delivered_at,read_at,failed_at,earlier_sign_offs\n",
    );
    for r in &run.results {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let cells = [
            run.name.clone(),
            r.language.clone(),
            run.recipient.clone(),
            o(&r.wamid),
            o(&r.status),
            o(&r.error),
            verdict_text(r).to_string(),
            r.note.clone(),
            o(&r.signed_at),
            o(&r.signer),
            run.sender_label.clone(),
            run.sender_phone.clone(),
            o(&r.rendered),
            values_text(r),
            o(&r.sent_at),
            o(&r.delivered_at),
            o(&r.read_at),
            o(&r.failed_at),
            earlier_text(r),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn passed(run: &QaRun) -> usize {
    run.results
        .iter()
        .filter(|r| r.verdict == Some(Verdict::Pass))
        .count()
}

fn report_markdown(run: &QaRun) -> String {
    let mut out = format!(
        "# QA report: {}\n\nRun {} started {} · from {} ({}) · recipient {} · {} of {} variant(s) passed\n\n\
         | Language | Status | wamid | Verdict | Note | Signed by | Signed |\n|---|---|---|---|---|---|---|\n",
        run.name,
        run.id,
        run.started_at,
        run.sender_label,
        run.sender_phone,
        run.recipient,
        passed(run),
        run.results.len()
    );
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for r in &run.results {
        let status = match (&r.status, &r.error) {
            (_, Some(e)) => format!("send failed: {e}"),
            (Some(s), None) => s.clone(),
            (None, None) => "sent, no status yet".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.language,
            cell(&status),
            r.wamid.as_deref().unwrap_or("—"),
            verdict_text(r),
            cell(&r.note),
            cell(r.signer.as_deref().unwrap_or("—")),
            r.signed_at.as_deref().unwrap_or("—"),
        ));
    }
    for r in &run.results {
        out.push_str(&format!("\n## {}\n\n", r.language));
        match &r.rendered {
            Some(text) => {
                for line in text.lines() {
                    out.push_str(&format!("> {line}\n"));
                }
            }
            None => out.push_str("> (no text recorded)\n"),
        }
        out.push('\n');
        if !r.values.is_empty() {
            out.push_str("Parameters:\n\n");
            for (k, v) in &r.values {
                out.push_str(&format!("- `{k}`: {v}\n"));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "- wamid: {}\n- Statuses: {}\n- Verdict: {}{}\n",
            r.wamid.as_deref().unwrap_or("—"),
            statuses_text(r),
            verdict_text(r),
            match (&r.signer, &r.signed_at) {
                (Some(s), Some(t)) => format!(" by {s} at {t}"),
                (None, Some(t)) => format!(" at {t}"),
                _ => String::new(),
            }
        ));
        if !r.note.is_empty() {
            out.push_str(&format!("- Note: {}\n", r.note.replace('\n', " ")));
        }
        if !r.earlier.is_empty() {
            out.push_str(&format!("- Earlier sign-offs: {}\n", earlier_text(r)));
        }
    }
    out
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn report_html(run: &QaRun) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>QA report: {name}</title>\n<style>\
         body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}}\
         table{{border-collapse:collapse;width:100%;margin:1em 0}}\
         th,td{{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}}\
         .bubble{{white-space:pre-wrap;background:#e7ffdb;border-radius:8px;padding:8px 10px;max-width:36em}}\
         .mono{{font-family:ui-monospace,monospace;font-size:12px}}\
         section{{break-inside:avoid;margin-top:1.5em}}\
         @media print{{body{{margin:0}}}}\
         </style></head><body>\n<h1>QA report: {name}</h1>\n\
         <p>Run {id} started {started} · from {label} ({phone}) · recipient {to} · {passed} of {total} variant(s) passed</p>\n",
        name = html(&run.name),
        id = run.id,
        started = html(&run.started_at),
        label = html(&run.sender_label),
        phone = html(&run.sender_phone),
        to = html(&run.recipient),
        passed = passed(run),
        total = run.results.len(),
    );
    for r in &run.results {
        out.push_str(&format!(
            "<section data-language=\"{lang}\">\n<h2>{lang}</h2>\n<div class=\"bubble\">{text}</div>\n<table>\n",
            lang = html(&r.language),
            text = html(r.rendered.as_deref().unwrap_or("(no text recorded)")),
        ));
        let mut row = |k: &str, v: &str| {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n",
                html(k),
                html(v)
            ))
        };
        row("Parameters", &values_text(r));
        row("wamid", r.wamid.as_deref().unwrap_or("—"));
        row("Statuses", &statuses_text(r));
        row("Verdict", verdict_text(r));
        row("Note", &r.note);
        row("Signed by", r.signer.as_deref().unwrap_or("—"));
        row("Signed at", r.signed_at.as_deref().unwrap_or("—"));
        if !r.earlier.is_empty() {
            row("Earlier sign-offs", &earlier_text(r));
        }
        out.push_str("</table>\n</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}
