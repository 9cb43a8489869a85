//! The template library: each number's templates synced from the API into SQLite, grouped by
//! name with their language variants; create and delete through the API; test-send with the
//! inputs remembered per template and language.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::draft::TemplateDraft;
use super::form::{self, SendField, TemplateShape};
use super::{placeholder_names, LintIssue};
use crate::api::{Outgoing, SendResponse, TemplateInfo};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

/// One template in one language, as last synced.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplateRow {
    #[ts(type = "number")]
    pub number_id: i64,
    pub name: String,
    pub language: String,
    pub template_id: Option<String>,
    pub category: String,
    /// Verbatim from the API; compare case-insensitively.
    pub status: String,
    pub quality: Option<String>,
    pub rejected_reason: Option<String>,
    /// What the rejection reason means and what to do, in plain words.
    pub rejected_explanation: Option<String>,
    pub parameter_format: Option<String>,
    #[ts(type = "unknown")]
    pub components: Value,
    pub synced_at: String,
}

/// How a template status reads: `ok` (can be sent), `wait` (Meta's review is going on), `warn`
/// (cannot be sent for now) or `bad` (cannot be sent; act).
pub const TEMPLATE_STATUSES: [(&str, &str, &str); 10] = [
    ("APPROVED", "ok", "Approved by Meta's review: it can be sent."),
    ("PENDING", "wait", "Waiting for Meta's review (usually minutes, at most 24 hours)."),
    ("SUBMITTED", "wait", "Submitted: waiting for Meta's review."),
    ("IN_APPEAL", "wait", "Under appeal: Meta is reviewing its rejection again."),
    ("REJECTED", "bad", "Rejected by Meta's review: it cannot be sent. See the reason, then edit and resubmit it."),
    ("PAUSED", "warn", "Paused by Meta after recipients blocked or reported it (low quality): it cannot be sent until the pause ends (3 hours the first time, 6 the second). Check its wording before sending it again."),
    ("DISABLED", "bad", "Disabled by Meta after repeated low quality: it can no longer be sent. Create a new template with different wording."),
    ("PENDING_DELETION", "warn", "Being deleted: it cannot be sent, and its name can be used again 30 days after the deletion."),
    ("DELETED", "bad", "Deleted: it cannot be sent; its name can be used again 30 days after the deletion."),
    ("LIMIT_EXCEEDED", "bad", "Meta's limit of templates for this account is reached: delete templates you no longer use, then submit again."),
];

/// The tone and plain words of a template status (compared case-insensitively), if known.
pub fn template_status(status: &str) -> Option<(&'static str, &'static str)> {
    TEMPLATE_STATUSES
        .iter()
        .find(|(s, _, _)| s.eq_ignore_ascii_case(status.trim()))
        .map(|(_, tone, meaning)| (*tone, *meaning))
}

impl TemplateRow {
    pub fn shape(&self) -> TemplateShape<'_> {
        TemplateShape {
            category: &self.category,
            parameter_format: self.parameter_format.as_deref(),
            components: &self.components,
        }
    }

    pub fn is_approved(&self) -> bool {
        self.status.eq_ignore_ascii_case("approved")
    }

    /// The template as a create body (export, duplicate).
    pub fn to_draft(&self) -> TemplateDraft {
        let mut body = serde_json::json!({
            "name": self.name, "language": self.language, "category": self.category,
            "components": self.components,
        });
        if let Some(f) = &self.parameter_format {
            body["parameter_format"] = Value::from(f.to_ascii_lowercase());
        }
        TemplateDraft::from_body(&body)
    }
}

/// All language variants of one template name.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplateGroup {
    pub name: String,
    pub variants: Vec<TemplateRow>,
    /// Where the variants disagree (placeholders, buttons, header kind), in plain words.
    pub differences: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplateLibrary {
    #[ts(type = "number")]
    pub number_id: i64,
    /// When the library was last synced; `None` before the first sync.
    pub synced_at: Option<String>,
    /// Templates in the cache for this number, before filtering.
    #[ts(type = "number")]
    pub total: i64,
    pub groups: Vec<TemplateGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TemplateFilter {
    pub status: Option<String>,
    pub category: Option<String>,
    pub language: Option<String>,
    /// Matches the name or the body text.
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatusChange {
    pub name: String,
    pub language: String,
    pub from: Option<String>,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SyncReport {
    pub total: usize,
    pub added: usize,
    pub removed: usize,
    /// New templates and status changes since the previous sync.
    pub changes: Vec<StatusChange>,
    pub synced_at: String,
}

/// A test send: recipient, template and the form's values by field key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TestSend {
    pub to: String,
    pub name: String,
    pub language: String,
    pub values: BTreeMap<String, String>,
}

/// What a test send did: the exact request, 360dialog's answer, and a curl line for it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TestSendResult {
    #[ts(type = "unknown")]
    pub request: Value,
    pub response: SendResponse,
    pub wamid: String,
    /// The request as a curl command; the key is masked.
    pub curl: String,
    /// The same request for HTTPie; the key is masked.
    pub httpie: String,
}

/// The last inputs used for a template and language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedInputs {
    pub recipient: String,
    pub values: BTreeMap<String, String>,
}

/// Everything the test-send form needs for one template variant.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SendFormView {
    pub template: TemplateRow,
    pub fields: Vec<SendField>,
    pub saved: Option<SavedInputs>,
    /// Recipients this number sent to most recently.
    pub recent_recipients: Vec<String>,
}

const COLUMNS: &str = "number_id, name, language, template_id, category, status, quality, \
                       rejected_reason, parameter_format, components, synced_at";

fn row(r: &Row<'_>) -> rusqlite::Result<TemplateRow> {
    let components: String = r.get(9)?;
    Ok(TemplateRow {
        number_id: r.get(0)?,
        name: r.get(1)?,
        language: r.get(2)?,
        template_id: r.get(3)?,
        category: r.get(4)?,
        status: r.get(5)?,
        quality: r.get(6)?,
        rejected_reason: r.get(7)?,
        rejected_explanation: r
            .get::<_, Option<String>>(7)?
            .as_deref()
            .and_then(crate::api::explain_rejection)
            .map(str::to_string),
        parameter_format: r.get(8)?,
        components: serde_json::from_str(&components).unwrap_or(Value::Null),
        synced_at: r.get(10)?,
    })
}

fn body_text(components: &Value) -> String {
    components
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

fn quality(v: &Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("score").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// Applies a template webhook (`message_template_status_update`,
/// `message_template_quality_update`, `template_category_update`) to the library's copy of
/// that template (matched on Meta's template id). Returns how many rows changed.
pub(crate) fn apply_webhook_update(
    tx: &rusqlite::Transaction<'_>,
    field: &str,
    v: &Value,
) -> Result<usize> {
    let text = |k: &str| match v.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let Some(id) = text("message_template_id") else {
        return Ok(0);
    };
    let (status, quality, category, reason) = match field {
        "message_template_status_update" => (
            text("event"),
            None,
            text("message_template_category"),
            text("reason"),
        ),
        "message_template_quality_update" => (None, text("new_quality_score"), None, None),
        "template_category_update" => (None, None, text("new_category"), None),
        _ => return Ok(0),
    };
    let reason = reason.filter(|r| !r.eq_ignore_ascii_case("NONE"));
    tx.execute(
        "UPDATE templates SET status = COALESCE(?2, status), quality = COALESCE(?3, quality), \
         category = COALESCE(?4, category), \
         rejected_reason = CASE WHEN ?2 IS NULL THEN rejected_reason ELSE ?5 END \
         WHERE template_id = ?1",
        params![id, status, quality, category, reason],
    )
    .map_err(Error::db("updating a template from a webhook"))
}

fn upsert(
    tx: &rusqlite::Transaction<'_>,
    number_id: i64,
    t: &TemplateInfo,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO templates (number_id, name, language, template_id, category, status, quality, \
         rejected_reason, parameter_format, components, body_text, synced_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT (number_id, name, language) DO UPDATE SET template_id = excluded.template_id, \
         category = excluded.category, status = excluded.status, quality = excluded.quality, \
         rejected_reason = excluded.rejected_reason, parameter_format = excluded.parameter_format, \
         components = excluded.components, body_text = excluded.body_text, synced_at = excluded.synced_at",
        params![
            number_id,
            t.name,
            t.language,
            t.id,
            t.category.to_ascii_uppercase(),
            t.status,
            quality(&t.quality_score),
            t.rejected_reason.as_deref().filter(|r| !r.eq_ignore_ascii_case("NONE")),
            t.parameter_format,
            t.components.to_string(),
            body_text(&t.components),
            now,
        ],
    )
    .map_err(Error::db("saving a template"))?;
    Ok(())
}

/// What a variant looks like to a recipient's form: header kind and variable count, body
/// variables, and the buttons' kinds.
fn signature(t: &TemplateRow) -> (String, String, String) {
    let mut header = "no header".to_string();
    let mut body = "0 body variables".to_string();
    let mut buttons = Vec::new();
    for c in t.components.as_array().into_iter().flatten() {
        let kind = c
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_uppercase();
        let text = c.get("text").and_then(Value::as_str).unwrap_or_default();
        match kind.as_str() {
            "HEADER" => {
                let format = c
                    .get("format")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let n = placeholder_names(text).len();
                header = if n > 0 {
                    format!("{format} header with {n} variable")
                } else {
                    format!("{format} header")
                };
            }
            "BODY" => {
                let names = placeholder_names(text);
                body = format!(
                    "{} body variable{}",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" }
                );
                if t.parameter_format
                    .as_deref()
                    .is_some_and(|f| f.eq_ignore_ascii_case("named"))
                    && !names.is_empty()
                {
                    body = format!("{body} ({})", names.join(", "));
                }
            }
            "BUTTONS" => {
                for b in c
                    .get("buttons")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let kind = b
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_ascii_uppercase();
                    let var = b
                        .get("url")
                        .and_then(Value::as_str)
                        .is_some_and(|u| !placeholder_names(u).is_empty());
                    buttons.push(if var {
                        format!("{kind}+variable")
                    } else {
                        kind
                    });
                }
            }
            _ => {}
        }
    }
    let buttons = if buttons.is_empty() {
        "no buttons".to_string()
    } else {
        buttons.join(", ")
    };
    (header, body, buttons)
}

/// Plain-words differences between language variants of one name.
pub fn differences(variants: &[TemplateRow]) -> Vec<String> {
    let sigs: Vec<_> = variants.iter().map(signature).collect();
    let mut out = Vec::new();
    let mut compare = |what: &str, get: &dyn Fn(&(String, String, String)) -> &String| {
        let distinct: BTreeSet<&String> = sigs.iter().map(get).collect();
        if distinct.len() > 1 {
            let each: Vec<String> = variants
                .iter()
                .zip(&sigs)
                .map(|(v, s)| format!("{}: {}", v.language, get(s)))
                .collect();
            out.push(format!("{what} differ — {}", each.join("; ")));
        }
    };
    compare("headers", &|s| &s.0);
    compare("body variables", &|s| &s.1);
    compare("buttons", &|s| &s.2);
    out
}

pub use super::curl::{curl_command, httpie_command};

impl Core {
    /// Fetches every template of the number from the API and replaces the cached ones.
    pub async fn sync_templates(&self, number_id: i64, actor: Actor) -> Result<SyncReport> {
        let all = self
            .call(number_id, actor, |c| async move {
                c.list_all_templates(100).await
            })
            .await?;
        let now = crate::util::now();
        self.write(&[Topic::Templates, Topic::Audit], Some(number_id), |tx| {
            let mut before: BTreeMap<(String, String), String> = BTreeMap::new();
            {
                let mut st = tx
                    .prepare("SELECT name, language, status FROM templates WHERE number_id = ?1")
                    .map_err(Error::db("reading templates"))?;
                let rows = st
                    .query_map([number_id], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
                    .map_err(Error::db("reading templates"))?;
                for r in rows {
                    let (k, v) = r.map_err(Error::db("reading templates"))?;
                    before.insert(k, v);
                }
            }
            let mut changes = Vec::new();
            let mut added = 0;
            let mut seen = BTreeSet::new();
            for t in &all {
                let key = (t.name.clone(), t.language.clone());
                match before.get(&key) {
                    None => {
                        added += 1;
                        changes.push(StatusChange { name: t.name.clone(), language: t.language.clone(), from: None, to: t.status.clone() });
                    }
                    Some(old) if !old.eq_ignore_ascii_case(&t.status) => {
                        changes.push(StatusChange { name: t.name.clone(), language: t.language.clone(), from: Some(old.clone()), to: t.status.clone() });
                    }
                    Some(_) => {}
                }
                upsert(tx, number_id, t, &now)?;
                seen.insert(key);
            }
            let mut removed = 0;
            for key in before.keys().filter(|k| !seen.contains(*k)) {
                removed += tx
                    .execute(
                        "DELETE FROM templates WHERE number_id = ?1 AND name = ?2 AND language = ?3",
                        params![number_id, key.0, key.1],
                    )
                    .map_err(Error::db("removing a template"))?;
            }
            tx.execute(
                "INSERT INTO template_syncs (number_id, synced_at, total) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (number_id) DO UPDATE SET synced_at = excluded.synced_at, total = excluded.total",
                params![number_id, now, all.len() as i64],
            )
            .map_err(Error::db("recording a sync"))?;
            Ok(SyncReport { total: all.len(), added, removed, changes, synced_at: now.clone() })
        })
    }

    /// The cached library of a number, filtered, grouped by name (variants by language).
    pub fn template_library(&self, number_id: i64, f: &TemplateFilter) -> Result<TemplateLibrary> {
        self.number(number_id)?;
        self.db.with_conn(|c| {
            let synced_at: Option<String> = c
                .query_row("SELECT synced_at FROM template_syncs WHERE number_id = ?1", [number_id], |r| r.get(0))
                .optional()
                .map_err(Error::db("reading the last sync"))?;
            let total: i64 = c
                .query_row("SELECT count(*) FROM templates WHERE number_id = ?1", [number_id], |r| r.get(0))
                .map_err(Error::db("counting templates"))?;
            let norm = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            let search = norm(&f.search).map(|s| {
                let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                format!("%{escaped}%")
            });
            let mut st = c
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM templates WHERE number_id = ?1 \
                     AND (?2 IS NULL OR status = ?2 COLLATE NOCASE) \
                     AND (?3 IS NULL OR category = ?3 COLLATE NOCASE) \
                     AND (?4 IS NULL OR language = ?4) \
                     AND (?5 IS NULL OR name LIKE ?5 ESCAPE '\\' OR body_text LIKE ?5 ESCAPE '\\') \
                     ORDER BY name, language"
                ))
                .map_err(Error::db("listing templates"))?;
            let rows = st
                .query_map(params![number_id, norm(&f.status), norm(&f.category), norm(&f.language), search], row)
                .map_err(Error::db("listing templates"))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Error::db("listing templates"))?;
            let names: BTreeSet<String> = rows.iter().map(|r| r.name.clone()).collect();
            // Differences are judged over all variants of a name, not only the filtered ones.
            let mut all_of = c
                .prepare(&format!("SELECT {COLUMNS} FROM templates WHERE number_id = ?1 AND name = ?2 ORDER BY language"))
                .map_err(Error::db("listing templates"))?;
            let mut groups = Vec::new();
            for name in names {
                let all: Vec<TemplateRow> = all_of
                    .query_map(params![number_id, name], row)
                    .map_err(Error::db("listing templates"))?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(Error::db("listing templates"))?;
                groups.push(TemplateGroup {
                    differences: differences(&all),
                    variants: rows.iter().filter(|r| r.name == name).cloned().collect(),
                    name,
                });
            }
            Ok(TemplateLibrary { number_id, synced_at, total, groups })
        })
    }

    /// Writes a cached variant's create body to the Downloads folder; returns the file.
    pub fn export_template(
        &self,
        number_id: i64,
        name: &str,
        language: &str,
    ) -> Result<std::path::PathBuf> {
        let t = self.template(number_id, name, language)?;
        let body = serde_json::to_string_pretty(&t.to_draft().to_body())
            .map_err(|e| Error::Internal(e.to_string()))?;
        let path = crate::paths::export_path(
            &self.data_dir,
            &format!("template-{name}-{language}"),
            "json",
        )?;
        std::fs::write(&path, body).map_err(Error::io(&path))?;
        Ok(path)
    }

    /// One cached template variant.
    pub fn template(&self, number_id: i64, name: &str, language: &str) -> Result<TemplateRow> {
        self.db
            .with_conn(|c| {
                c.query_row(
                    &format!("SELECT {COLUMNS} FROM templates WHERE number_id = ?1 AND name = ?2 AND language = ?3"),
                    params![number_id, name, language],
                    row,
                )
                .optional()
                .map_err(Error::db("reading a template"))
            })?
            .ok_or_else(|| Error::NotFound(format!("template {name} ({language}) is not in the library; sync the number's templates")))
    }

    /// Checks a draft and submits it. The new template is cached with the status the API gave
    /// (PENDING until Meta's review; a later sync brings the outcome).
    pub async fn create_template(
        &self,
        number_id: i64,
        draft: &TemplateDraft,
        actor: Actor,
    ) -> Result<TemplateRow> {
        let check = self.check_template_for(number_id, draft)?;
        if !check.issues.is_empty() {
            return Err(Error::Validation(issues_text(&check.issues)));
        }
        let body = check.body;
        let b = body.clone();
        let created = self
            .call(
                number_id,
                actor,
                |c| async move { c.create_template(&b).await },
            )
            .await?;
        let info = TemplateInfo {
            id: created.id.clone(),
            name: draft.name.trim().to_string(),
            language: draft.language.trim().to_string(),
            category: if created.category.is_empty() {
                draft.category.clone()
            } else {
                created.category.clone()
            },
            status: if created.status.is_empty() {
                "PENDING".into()
            } else {
                created.status.clone()
            },
            rejected_reason: created.rejected_reason.clone(),
            parameter_format: draft.named.then(|| "NAMED".to_string()),
            namespace: None,
            components: body["components"].clone(),
            quality_score: None,
        };
        let now = crate::util::now();
        self.write(&[Topic::Templates, Topic::Audit], Some(number_id), |tx| {
            upsert(tx, number_id, &info, &now)?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!(
                        "{} ({}, {}): {}",
                        info.name, info.language, info.category, info.status
                    ),
                    ..NewAudit::of(AuditAction::TemplateCreated)
                },
            )
        })?;
        self.template(number_id, &info.name, &info.language)
    }

    /// Deletes every language of a template at the API, then from the library.
    pub async fn delete_template(&self, number_id: i64, name: &str, actor: Actor) -> Result<usize> {
        let n = name.to_string();
        self.call(
            number_id,
            actor,
            |c| async move { c.delete_template(&n).await },
        )
        .await?;
        self.write(&[Topic::Templates, Topic::Audit], Some(number_id), |tx| {
            let removed = tx
                .execute(
                    "DELETE FROM templates WHERE number_id = ?1 AND name = ?2",
                    params![number_id, name],
                )
                .map_err(Error::db("removing a template"))?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!("{name} (all languages)"),
                    ..NewAudit::of(AuditAction::TemplateDeleted)
                },
            )?;
            Ok(removed)
        })
    }

    /// The test-send form of a cached template, with the last inputs used for it.
    pub fn send_form(&self, number_id: i64, name: &str, language: &str) -> Result<SendFormView> {
        let template = self.template(number_id, name, language)?;
        let fields = form::send_form(template.shape());
        // Inputs saved for an older shape of the form move to today's paths.
        let saved = self
            .saved_inputs(number_id, name, language)?
            .map(|s| SavedInputs {
                values: form::carry_over(&fields, &s.values),
                ..s
            });
        let recent_recipients = self.recent_recipients(number_id)?;
        Ok(SendFormView {
            template,
            fields,
            saved,
            recent_recipients,
        })
    }

    pub fn saved_inputs(
        &self,
        number_id: i64,
        name: &str,
        language: &str,
    ) -> Result<Option<SavedInputs>> {
        self.db.with_conn(|c| {
            c.query_row(
                "SELECT recipient, values_json FROM test_inputs WHERE number_id = ?1 AND name = ?2 AND language = ?3",
                params![number_id, name, language],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
            .map_err(Error::db("reading saved inputs"))
            .map(|o| {
                o.map(|(recipient, v)| SavedInputs { recipient, values: serde_json::from_str(&v).unwrap_or_default() })
            })
        })
    }

    /// The saved test-send inputs of every language of template `name`, newest first.
    pub fn saved_inputs_all(&self, number_id: i64, name: &str) -> Result<Vec<SavedInputs>> {
        self.db.with_conn(|c| {
            let mut st = c
                .prepare(
                    "SELECT recipient, values_json FROM test_inputs WHERE number_id = ?1 AND name = ?2 ORDER BY updated_at DESC",
                )
                .map_err(Error::db("reading saved inputs"))?;
            let rows = st
                .query_map(params![number_id, name], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(Error::db("reading saved inputs"))?;
            rows.map(|r| {
                r.map(|(recipient, v)| SavedInputs {
                    recipient,
                    values: serde_json::from_str(&v).unwrap_or_default(),
                })
                .map_err(Error::db("reading saved inputs"))
            })
            .collect()
        })
    }

    /// Recipients this number sent to, most recent first.
    pub fn recent_recipients(&self, number_id: i64) -> Result<Vec<String>> {
        self.db
            .with_conn(|c| crate::history::recent_recipients(c, number_id, 10))
    }

    /// Sends a cached template with the form's values, remembers the inputs, and returns the
    /// request, the answer and a curl line (key masked).
    pub async fn send_test(
        &self,
        number_id: i64,
        t: &TestSend,
        actor: Actor,
    ) -> Result<TestSendResult> {
        self.send_test_with_progress(number_id, t, actor, None)
            .await
    }

    /// [`Core::send_test`], telling `progress` of each retry after a capacity limit.
    pub async fn send_test_with_progress(
        &self,
        number_id: i64,
        t: &TestSend,
        actor: Actor,
        progress: Option<crate::api::ProgressFn>,
    ) -> Result<TestSendResult> {
        let message = self.test_send_message(number_id, t)?;
        let to = crate::numbers::recipient(&t.to)?;
        self.write(&[Topic::Templates], Some(number_id), |tx| {
            tx.execute(
                "INSERT INTO test_inputs (number_id, name, language, recipient, values_json, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (number_id, name, language) DO UPDATE SET \
                 recipient = excluded.recipient, values_json = excluded.values_json, updated_at = excluded.updated_at",
                params![number_id, t.name, t.language, to, serde_json::to_string(&t.values).unwrap_or_default(), crate::util::now()],
            )
            .map_err(Error::db("saving test inputs"))?;
            Ok(())
        })?;
        let request = message.to_json();
        let response = self
            .send_message_with_progress(number_id, &message, actor, progress)
            .await?;
        let wamid = response.wamid().unwrap_or_default().to_string();
        Ok(TestSendResult {
            curl: self.curl_for(number_id, &request)?,
            httpie: self.httpie_for(number_id, &request)?,
            request,
            response,
            wamid,
        })
    }

    /// The request a test-send of a cached template makes, checked (recipient, the form's
    /// values) but not sent: what `--dry-run` shows.
    pub fn test_send_request(&self, number_id: i64, t: &TestSend) -> Result<Value> {
        Ok(self.test_send_message(number_id, t)?.to_json())
    }

    fn test_send_message(&self, number_id: i64, t: &TestSend) -> Result<Outgoing> {
        let template = self.template(number_id, &t.name, &t.language)?;
        let to = crate::numbers::recipient(&t.to)?;
        let components = form::build_components(template.shape(), &t.values)
            .map_err(|issues| Error::Validation(issues_text(&issues)))?;
        Ok(Outgoing::Template {
            to,
            name: t.name.clone(),
            language: t.language.clone(),
            components,
        })
    }

    /// The request as curl, with the number's base URL and its key masked.
    pub fn curl_for(&self, number_id: i64, request: &Value) -> Result<String> {
        let n = self.number(number_id)?;
        let base = n.base_url.clone();
        Ok(curl_command(
            &base,
            request,
            n.key_hint.as_deref().unwrap_or("$D360_API_KEY"),
        ))
    }

    /// The request for HTTPie, with the number's base URL and its key masked.
    pub fn httpie_for(&self, number_id: i64, request: &Value) -> Result<String> {
        let n = self.number(number_id)?;
        Ok(httpie_command(
            &n.base_url,
            request,
            n.key_hint.as_deref().unwrap_or("$D360_API_KEY"),
        ))
    }
}

/// Problems as one line each, for errors that reach a text-only surface.
pub fn issues_text(issues: &[LintIssue]) -> String {
    let lines: Vec<String> = issues
        .iter()
        .map(|i| format!("{}: {}", i.path, i.message))
        .collect();
    format!(
        "{} problem{}: {}",
        issues.len(),
        if issues.len() == 1 { "" } else { "s" },
        lines.join("; ")
    )
}
