//! Builder drafts kept per number in SQLite: saved as the user types, so a half-filled template
//! survives navigation and a restart; listed on the Templates page to resume or discard. And
//! the builder's checks that need the number's library (a name + language that already exists).

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::draft::{DraftCheck, TemplateDraft};
use super::LintIssue;
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

/// A saved builder draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SavedDraft {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub number_id: i64,
    /// What the builder was opened for ("New template", "Add a language", …).
    pub title: String,
    pub draft: TemplateDraft,
    /// "Add a language": the variant the draft started from (its text is shown beside).
    pub source_name: Option<String>,
    pub source_language: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the builder saves: `id` is `None` the first time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DraftSave {
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub title: String,
    pub draft: TemplateDraft,
    pub source_name: Option<String>,
    pub source_language: Option<String>,
}

const COLUMNS: &str =
    "id, number_id, title, draft, source_name, source_language, created_at, updated_at";

fn row(r: &Row<'_>) -> rusqlite::Result<SavedDraft> {
    let draft: String = r.get(3)?;
    Ok(SavedDraft {
        id: r.get(0)?,
        number_id: r.get(1)?,
        title: r.get(2)?,
        // A draft written by a newer build with fields this one lacks still opens.
        draft: serde_json::from_str(&draft).unwrap_or_default(),
        source_name: r.get(4)?,
        source_language: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

impl Core {
    /// Saves a builder draft of the number (new, or over the one with `save.id`).
    pub fn save_template_draft(&self, number_id: i64, save: &DraftSave) -> Result<SavedDraft> {
        self.number(number_id)?;
        let json =
            serde_json::to_string(&save.draft).map_err(|e| Error::Internal(e.to_string()))?;
        let now = crate::util::now();
        let title = if save.title.trim().is_empty() {
            "New template"
        } else {
            save.title.trim()
        };
        self.write(&[Topic::Templates], Some(number_id), |tx| {
            let id = match save.id {
                Some(id) => {
                    let n = tx
                        .execute(
                            "UPDATE template_drafts SET title = ?1, draft = ?2, source_name = ?3, source_language = ?4, updated_at = ?5 \
                             WHERE id = ?6 AND number_id = ?7",
                            params![title, json, save.source_name, save.source_language, now, id, number_id],
                        )
                        .map_err(Error::db("saving a draft"))?;
                    if n == 0 {
                        return Err(Error::NotFound(format!("draft {id} is not saved for this number")));
                    }
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO template_drafts (number_id, title, draft, source_name, source_language, created_at, updated_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                        params![number_id, title, json, save.source_name, save.source_language, now],
                    )
                    .map_err(Error::db("saving a draft"))?;
                    tx.last_insert_rowid()
                }
            };
            tx.query_row(
                &format!("SELECT {COLUMNS} FROM template_drafts WHERE id = ?1"),
                params![id],
                row,
            )
            .map_err(Error::db("reading a draft"))
        })
    }

    /// The number's saved drafts, most recently changed first.
    pub fn template_drafts(&self, number_id: i64) -> Result<Vec<SavedDraft>> {
        self.db.with_conn(|c| {
            let mut st = c
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM template_drafts WHERE number_id = ?1 ORDER BY updated_at DESC, id DESC"
                ))
                .map_err(Error::db("listing drafts"))?;
            let rows = st
                .query_map(params![number_id], row)
                .map_err(Error::db("listing drafts"))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(Error::db("listing drafts"))
        })
    }

    /// One saved draft of the number.
    pub fn template_saved_draft(&self, number_id: i64, id: i64) -> Result<SavedDraft> {
        self.db
            .with_conn(|c| {
                c.query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM template_drafts WHERE id = ?1 AND number_id = ?2"
                    ),
                    params![id, number_id],
                    row,
                )
                .optional()
                .map_err(Error::db("reading a draft"))
            })?
            .ok_or_else(|| Error::NotFound(format!("draft {id} is not saved for this number")))
    }

    /// Discards a saved draft (after a submit, or when the user discards it). Discarding one
    /// that is gone already is not an error.
    pub fn discard_template_draft(&self, number_id: i64, id: i64) -> Result<()> {
        self.write(&[Topic::Templates], Some(number_id), |tx| {
            tx.execute(
                "DELETE FROM template_drafts WHERE id = ?1 AND number_id = ?2",
                params![id, number_id],
            )
            .map_err(Error::db("discarding a draft"))?;
            Ok(())
        })
    }

    /// Meta's rules on a draft plus what the number's local library knows: a name + language
    /// that is in the library already is reported at the language (and the name) before submit.
    pub fn check_template_for(&self, number_id: i64, draft: &TemplateDraft) -> Result<DraftCheck> {
        let mut check = draft.check();
        let (name, language) = (draft.name.trim(), draft.language.trim());
        if !name.is_empty() && !language.is_empty() {
            let status: Option<String> = self.db.with_conn(|c| {
                c.query_row(
                    "SELECT status FROM templates WHERE number_id = ?1 AND name = ?2 AND language = ?3",
                    params![number_id, name, language],
                    |r| r.get(0),
                )
                .optional()
                .map_err(Error::db("reading a template"))
            })?;
            if let Some(status) = status {
                let message = format!(
                    "{name} in {language} already exists in this number's library ({}); choose another language or name",
                    status.to_lowercase()
                );
                check.issues.push(LintIssue {
                    path: "language".into(),
                    message: message.clone(),
                });
                check.issues.push(LintIssue {
                    path: "name".into(),
                    message,
                });
            }
        }
        Ok(check)
    }
}
