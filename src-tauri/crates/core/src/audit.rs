//! The audit log: one table for every admin action of the app (keys, webhooks, templates,
//! test sends). It records fingerprints and names, never secrets.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Db;
use crate::service::Core;
use crate::{Error, Result};

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Actor {
    Ui,
    Cli,
    /// The app itself (a 401 seen during a call, recovery at start).
    System,
    /// Someone outside WABA Desk (the 360dialog Hub, another tool): a change the app only saw.
    Outside,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Ui => "ui",
            Actor::Cli => "cli",
            Actor::System => "system",
            Actor::Outside => "outside",
        }
    }
}

impl Actor {
    pub const ALL: [Actor; 4] = [Actor::Ui, Actor::Cli, Actor::System, Actor::Outside];

    /// The actor a stored name means (unknown names are the app itself).
    pub fn parse(s: &str) -> Self {
        Actor::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .unwrap_or(Actor::System)
    }

    pub fn label(self) -> &'static str {
        match self {
            Actor::Ui => "App",
            Actor::Cli => "CLI",
            Actor::System => "System",
            Actor::Outside => "Outside WABA Desk",
        }
    }
}

/// Every action the core records in the audit log (the stored `audit_log.action` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AuditAction {
    KeySet,
    KeyRotated,
    KeyVerified,
    KeySuperseded,
    KeyRemoved,
    KeyRotationRecovered,
    KeyRotationRolledBack,
    KeyGenerated,
    NumberAdded,
    NumberUpdated,
    NumberRemoved,
    WebhookChanged,
    WebhookChangedOutside,
    WebhookReapplied,
    WebhookDestinationSaved,
    WebhookDestinationRemoved,
    WebhookDestinationsToggled,
    TemplateCreated,
    TemplateDeleted,
    QaRun,
    QaSignedOff,
    QaSignOffChanged,
    MessageSent,
    MessageOutcomeUnknown,
    HistoryPruned,
    SettingsChanged,
    BusinessProfileChanged,
    ComponentsChanged,
    UsersBlocked,
    UsersUnblocked,
    PartnerAccountSet,
    PartnerChannelImported,
    PartnerWebhookSet,
    MediaUploaded,
}

impl AuditAction {
    pub const ALL: [AuditAction; 34] = [
        AuditAction::KeySet,
        AuditAction::KeyRotated,
        AuditAction::KeyVerified,
        AuditAction::KeySuperseded,
        AuditAction::KeyRemoved,
        AuditAction::KeyRotationRecovered,
        AuditAction::KeyRotationRolledBack,
        AuditAction::KeyGenerated,
        AuditAction::NumberAdded,
        AuditAction::NumberUpdated,
        AuditAction::NumberRemoved,
        AuditAction::WebhookChanged,
        AuditAction::WebhookChangedOutside,
        AuditAction::WebhookReapplied,
        AuditAction::WebhookDestinationSaved,
        AuditAction::WebhookDestinationRemoved,
        AuditAction::WebhookDestinationsToggled,
        AuditAction::TemplateCreated,
        AuditAction::TemplateDeleted,
        AuditAction::QaRun,
        AuditAction::QaSignedOff,
        AuditAction::QaSignOffChanged,
        AuditAction::MessageSent,
        AuditAction::MessageOutcomeUnknown,
        AuditAction::HistoryPruned,
        AuditAction::SettingsChanged,
        AuditAction::BusinessProfileChanged,
        AuditAction::ComponentsChanged,
        AuditAction::UsersBlocked,
        AuditAction::UsersUnblocked,
        AuditAction::PartnerAccountSet,
        AuditAction::PartnerChannelImported,
        AuditAction::PartnerWebhookSet,
        AuditAction::MediaUploaded,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::KeySet => "key_set",
            AuditAction::KeyRotated => "key_rotated",
            AuditAction::KeyVerified => "key_verified",
            AuditAction::KeySuperseded => "key_superseded",
            AuditAction::KeyRemoved => "key_removed",
            AuditAction::KeyRotationRecovered => "key_rotation_recovered",
            AuditAction::KeyRotationRolledBack => "key_rotation_rolled_back",
            AuditAction::KeyGenerated => "key_generated",
            AuditAction::NumberAdded => "number_added",
            AuditAction::NumberUpdated => "number_updated",
            AuditAction::NumberRemoved => "number_removed",
            AuditAction::WebhookChanged => "webhook_changed",
            AuditAction::WebhookChangedOutside => "webhook_changed_outside",
            AuditAction::WebhookReapplied => "webhook_reapplied",
            AuditAction::WebhookDestinationSaved => "webhook_destination_saved",
            AuditAction::WebhookDestinationRemoved => "webhook_destination_removed",
            AuditAction::WebhookDestinationsToggled => "webhook_destinations_toggled",
            AuditAction::TemplateCreated => "template_created",
            AuditAction::TemplateDeleted => "template_deleted",
            AuditAction::QaRun => "qa_run",
            AuditAction::QaSignedOff => "qa_signed_off",
            AuditAction::QaSignOffChanged => "qa_sign_off_changed",
            AuditAction::MessageSent => "message_sent",
            AuditAction::MessageOutcomeUnknown => "message_outcome_unknown",
            AuditAction::HistoryPruned => "history_pruned",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::BusinessProfileChanged => "business_profile_changed",
            AuditAction::ComponentsChanged => "components_changed",
            AuditAction::UsersBlocked => "users_blocked",
            AuditAction::UsersUnblocked => "users_unblocked",
            AuditAction::PartnerAccountSet => "partner_account_set",
            AuditAction::PartnerChannelImported => "partner_channel_imported",
            AuditAction::PartnerWebhookSet => "partner_webhook_set",
            AuditAction::MediaUploaded => "media_uploaded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Whether the action is about a number's API key.
    pub fn is_key(self) -> bool {
        self.as_str().starts_with("key_")
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::KeySet => "Key set",
            AuditAction::KeyRotated => "Key replaced",
            AuditAction::KeyVerified => "Key verified",
            AuditAction::KeySuperseded => "Key superseded",
            AuditAction::KeyRemoved => "Key removed",
            AuditAction::KeyRotationRecovered => "Key rotation recovered",
            AuditAction::KeyRotationRolledBack => "Key rotation rolled back",
            AuditAction::KeyGenerated => "Key generated",
            AuditAction::NumberAdded => "Number added",
            AuditAction::NumberUpdated => "Number updated",
            AuditAction::NumberRemoved => "Number removed",
            AuditAction::WebhookChanged => "Webhook changed",
            AuditAction::WebhookChangedOutside => "Webhook changed outside the app",
            AuditAction::WebhookReapplied => "Webhook re-applied",
            AuditAction::WebhookDestinationSaved => "Webhook destination saved",
            AuditAction::WebhookDestinationRemoved => "Webhook destination removed",
            AuditAction::WebhookDestinationsToggled => "Webhook destinations switched",
            AuditAction::TemplateCreated => "Template created",
            AuditAction::TemplateDeleted => "Template deleted",
            AuditAction::QaRun => "QA run",
            AuditAction::QaSignedOff => "QA signed off",
            AuditAction::QaSignOffChanged => "QA verdict changed",
            AuditAction::MessageSent => "Message sent",
            AuditAction::MessageOutcomeUnknown => "Message outcome unknown",
            AuditAction::HistoryPruned => "History pruned",
            AuditAction::SettingsChanged => "Settings changed",
            AuditAction::BusinessProfileChanged => "Business profile changed",
            AuditAction::ComponentsChanged => "Conversational components changed",
            AuditAction::UsersBlocked => "Users blocked",
            AuditAction::UsersUnblocked => "Users unblocked",
            AuditAction::PartnerAccountSet => "Partner account set",
            AuditAction::PartnerChannelImported => "Partner channel imported",
            AuditAction::PartnerWebhookSet => "Partner webhook set",
            AuditAction::MediaUploaded => "Media uploaded",
        }
    }
}

impl std::str::FromStr for AuditAction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        AuditAction::parse(s).ok_or_else(|| {
            let known: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
            Error::Validation(format!(
                "'{s}' is not an audit action; use one of {}",
                known.join(", ")
            ))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub number_phone: Option<String>,
    pub action: String,
    pub actor: String,
    pub old_fingerprint: Option<String>,
    pub new_fingerprint: Option<String>,
    pub detail: String,
}

/// One row to record.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub number_id: Option<i64>,
    pub action: AuditAction,
    pub old_fingerprint: Option<&'a str>,
    pub new_fingerprint: Option<&'a str>,
    pub detail: &'a str,
}

impl NewAudit<'_> {
    /// A row for `action` with no number, fingerprints or detail (fill in what applies).
    pub fn of(action: AuditAction) -> Self {
        NewAudit {
            number_id: None,
            action,
            old_fingerprint: None,
            new_fingerprint: None,
            detail: "",
        }
    }
}

/// Records an audit row inside the caller's transaction, so the action and its record commit
/// together.
pub fn record(conn: &Connection, actor: Actor, entry: NewAudit<'_>) -> Result<()> {
    // The one read of the `numbers` table outside `numbers::store`: the phone is copied into
    // the row so it stays readable after the number is removed (numbers depends on audit, so
    // audit cannot call into numbers without a cycle).
    let phone: Option<String> = match entry.number_id {
        Some(id) => conn
            .query_row("SELECT phone FROM numbers WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(Error::db("reading the number for the audit log"))?,
        None => None,
    };
    conn.execute(
        "INSERT INTO audit_log (at, number_id, number_phone, action, actor, old_fingerprint, \
         new_fingerprint, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            crate::util::now(),
            entry.number_id,
            phone,
            entry.action.as_str(),
            actor.as_str(),
            entry.old_fingerprint,
            entry.new_fingerprint,
            entry.detail
        ],
    )
    .map_err(Error::db("writing the audit log"))?;
    Ok(())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct AuditFilter {
    #[ts(type = "number | null")]
    pub number_id: Option<i64>,
    pub action: Option<AuditAction>,
    /// Inclusive lower bound (RFC 3339 or a date `YYYY-MM-DD`).
    pub since: Option<String>,
    /// Exclusive upper bound.
    pub until: Option<String>,
    /// At most this many rows, newest first (default 500).
    pub limit: Option<u32>,
}

pub fn list(db: &Db, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    db.with_conn(|c| {
        let mut stmt = c
            .prepare(
                "SELECT id, at, number_id, number_phone, action, actor, old_fingerprint, \
                 new_fingerprint, detail FROM audit_log \
                 WHERE (?1 IS NULL OR number_id = ?1) AND (?2 IS NULL OR action = ?2) \
                   AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4) \
                 ORDER BY id DESC LIMIT ?5",
            )
            .map_err(Error::db("listing the audit log"))?;
        let rows = stmt
            .query_map(
                params![
                    filter.number_id,
                    filter.action.map(AuditAction::as_str),
                    filter.since,
                    filter.until,
                    filter.limit.unwrap_or(500)
                ],
                |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        number_id: r.get(2)?,
                        number_phone: r.get(3)?,
                        action: r.get(4)?,
                        actor: r.get(5)?,
                        old_fingerprint: r.get(6)?,
                        new_fingerprint: r.get(7)?,
                        detail: r.get(8)?,
                    })
                },
            )
            .map_err(Error::db("listing the audit log"))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .map_err(Error::db("reading the audit log"))
    })
}

/// The entries as CSV (RFC 4180 quoting), header first.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("at,number,action,actor,old_fingerprint,new_fingerprint,detail\n");
    for e in entries {
        let cols = [
            e.at.as_str(),
            e.number_phone.as_deref().unwrap_or(""),
            &e.action,
            &e.actor,
            e.old_fingerprint.as_deref().unwrap_or(""),
            e.new_fingerprint.as_deref().unwrap_or(""),
            &e.detail,
        ];
        out.push_str(
            &cols
                .iter()
                .map(|c| crate::util::csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// Writes the filtered entries as CSV into the user's Downloads folder (or `<data dir>/exports`
/// when there is none) and returns the file.
pub fn export_csv(
    db: &Db,
    filter: &AuditFilter,
    data_dir: &std::path::Path,
) -> Result<std::path::PathBuf> {
    let entries = list(
        db,
        &AuditFilter {
            limit: Some(filter.limit.unwrap_or(u32::MAX)),
            ..filter.clone()
        },
    )?;
    let path = crate::paths::export_path(data_dir, "audit", "csv")?;
    crate::paths::write_atomically(&path, |w| {
        w.write_all(to_csv(&entries).as_bytes())
            .map_err(Error::io(&path))
    })?;
    Ok(path)
}

impl Core {
    /// The audit log, newest first, filtered.
    pub fn audit_list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        list(&self.db, filter)
    }

    /// Writes the filtered audit log as CSV to the Downloads folder; returns the file.
    pub fn export_audit_csv(&self, filter: &AuditFilter) -> Result<std::path::PathBuf> {
        export_csv(&self.db, filter, &self.data_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_list_filter_and_csv() {
        let db = Db::open_in_memory().unwrap();
        db.with_tx(|tx| {
            record(
                tx,
                Actor::Cli,
                NewAudit {
                    new_fingerprint: Some("aa"),
                    detail: "first",
                    ..NewAudit::of(AuditAction::KeySet)
                },
            )?;
            record(
                tx,
                Actor::Ui,
                NewAudit {
                    detail: "a, \"quoted\" value",
                    ..NewAudit::of(AuditAction::WebhookChanged)
                },
            )
        })
        .unwrap();
        let all = list(&db, &AuditFilter::default()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].action, "webhook_changed", "newest first");
        let keys = list(
            &db,
            &AuditFilter {
                action: Some(AuditAction::KeySet),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].actor, "cli");
        let none = list(
            &db,
            &AuditFilter {
                since: Some("2999-01-01".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(none.is_empty());
        let csv = to_csv(&all);
        assert!(csv.starts_with("at,number,action"));
        assert!(csv.contains("\"a, \"\"quoted\"\" value\""), "{csv}");
    }

    #[test]
    fn csv_neutralises_formulas_in_every_text_cell() {
        for payload in crate::util::FORMULA_PAYLOADS {
            let entry = AuditEntry {
                id: 1,
                at: "2026-11-25T10:00:00.000Z".into(),
                number_id: Some(1),
                number_phone: Some("+4915123456789".into()),
                action: "label_changed".into(),
                actor: "ui".into(),
                old_fingerprint: None,
                new_fingerprint: None,
                detail: payload.into(),
            };
            let csv = to_csv(&[entry]);
            crate::util::assert_csv_neutralised(&csv, payload);
            assert!(
                csv.contains(",+4915123456789,"),
                "phones stay readable: {csv}"
            );
        }
    }
}
