//! API keys: verified, bound to their number, crash-safe replacement in the OS keyring,
//! supersession on 401, health.
//!
//! A key belongs to one number: one already stored on another number is refused, and with
//! verification `GET /health_status` must name this number (its known phone-number id, no
//! other number's id, and its display number where the answer gives one).
//!
//! Replacement keeps a usable key in the keyring at every moment:
//! 1. finish or undo an earlier interrupted replacement of the number (refused while that
//!    cannot be done, so its journal is never replaced);
//! 2. verify the new key with `GET /health_status` (unless told not to);
//! 3. journal the rotation in SQLite (`staging`);
//! 4. write the new key to a pending entry and read it back (`staged`);
//! 5. write it to the number's entry and read it back (`promoted`);
//! 6. in one transaction, describe the new key in the number's row, write the audit row and
//!    mark the journal `recorded`;
//! 7. delete the pending entry; drop the journal row.
//!
//! A crash before `staged` rolls back (the number's entry was never touched). From `staged`
//! on, the next start completes the rotation from the pending entry, or from the number's entry
//! when it already holds the journalled key; from `recorded` on it only cleans up. A test hook
//! stops the rotation after each of these writes ([`RotationStep`]).

use std::future::Future;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::{ApiErrorKind, Client, HealthStatus};
use crate::audit::{self, Actor, AuditAction, AuditEntry, AuditFilter, NewAudit};
use crate::events::Topic;
use crate::numbers::store;
use crate::numbers::{KeyState, NumberView};
use crate::secrets::Sensitive;
use crate::service::Core;
pub use crate::service::RotationStep;
use crate::{Error, Result};

/// The keyring account names, kept in [`crate::secrets::accounts`].
pub use crate::secrets::accounts::{key_account as account, pending_account};

/// Progress of "verify all".
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VerifyProgress {
    pub done: u32,
    pub total: u32,
    pub outcome: VerifyOutcome,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VerifyOutcome {
    #[ts(type = "number")]
    pub number_id: i64,
    pub phone: String,
    pub label: String,
    pub key_state: KeyState,
    /// What the check found.
    pub result: VerifyResult,
    /// "ok", or what went wrong.
    pub message: String,
}

/// What checking one key found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VerifyResult {
    /// `/health_status` accepted it.
    Verified,
    /// 401: a newer key was issued.
    Superseded,
    /// No answer from 360dialog (network, timeout).
    Unreachable,
    /// Another error (see the message).
    Failed,
}

impl VerifyResult {
    pub fn of(result: &Result<NumberView>) -> Self {
        match result {
            Ok(_) => VerifyResult::Verified,
            Err(e) => match e.code() {
                crate::ErrorCode::Unauthorized => VerifyResult::Superseded,
                crate::ErrorCode::Network => VerifyResult::Unreachable,
                _ => VerifyResult::Failed,
            },
        }
    }
}

/// How "verify all" ended: "2 verified, 1 superseded, 0 unreachable" (and how many failed
/// otherwise, when any did).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VerifySummary {
    pub verified: u32,
    pub superseded: u32,
    pub unreachable: u32,
    pub failed: u32,
}

impl VerifySummary {
    pub fn of(outcomes: &[VerifyOutcome]) -> Self {
        let mut s = Self::default();
        for o in outcomes {
            match o.result {
                VerifyResult::Verified => s.verified += 1,
                VerifyResult::Superseded => s.superseded += 1,
                VerifyResult::Unreachable => s.unreachable += 1,
                VerifyResult::Failed => s.failed += 1,
            }
        }
        s
    }
}

impl std::fmt::Display for VerifySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} verified, {} superseded, {} unreachable",
            self.verified, self.superseded, self.unreachable
        )?;
        if self.failed > 0 {
            write!(f, ", {} failed", self.failed)?;
        }
        Ok(())
    }
}

/// A key saved, and what became of the number's webhook (a new key is reported to clear it at
/// 360dialog).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeySaved {
    pub number: NumberView,
    pub webhook: WebhookAfterKey,
}

/// The webhook read back with the new key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WebhookReadBack {
    /// As WABA Desk last set or accepted it.
    Unchanged,
    /// Gone at 360dialog: re-apply it.
    Gone,
    /// Another URL at 360dialog than WABA Desk last set or accepted.
    Changed,
    /// WABA Desk knows no webhook of this number to compare with.
    NoneKnown,
    /// It could not be read (see the message).
    Unreadable,
    /// The key was stored without verification: no call was made to read it.
    NotChecked,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WebhookAfterKey {
    pub state: WebhookReadBack,
    /// The URL WABA Desk last set or accepted (what "re-apply" sets again).
    pub known_url: Option<String>,
    /// Names of the headers re-applied with it.
    pub known_header_names: Vec<String>,
    /// The URL 360dialog has now.
    pub current_url: Option<String>,
    /// What to tell the user.
    pub message: String,
}

fn clean_key(key: Sensitive<String>) -> Result<Sensitive<String>> {
    let k = key.expose().trim();
    if k.is_empty() {
        return Err(Error::Validation("paste the API key".into()));
    }
    if k.len() > 512 || k.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::Validation(
            "that does not look like an API key (it has spaces or is very long); copy it again from the 360dialog Hub".into(),
        ));
    }
    Ok(Sensitive::new(k.to_string()))
}

/// What the pending entry holds while a key is being minted, until the key replaces it.
const MINT_RESERVATION: &str = "(reserved for a key being generated)";

/// A rotation journal row.
struct Journal {
    stage: String,
    fingerprint: String,
    hint: String,
    verified: bool,
    actor: String,
    /// `pasted`, or `minted` (generated through the Partner API).
    source: String,
}

const JOURNAL_COLUMNS: &str = "stage, new_fingerprint, new_hint, verified, actor, source";

fn journal_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Journal> {
    Ok(Journal {
        stage: r.get(0)?,
        fingerprint: r.get(1)?,
        hint: r.get(2)?,
        verified: r.get(3)?,
        actor: r.get(4)?,
        source: r.get(5)?,
    })
}

/// Where a keyring step of a rotation failed.
enum RotationFailure {
    /// Writing the pending entry failed: nothing of this attempt reached the keyring.
    PendingNotWritten(Error),
    Later(Error),
}

impl RotationFailure {
    fn into_error(self) -> Error {
        match self {
            RotationFailure::PendingNotWritten(e) | RotationFailure::Later(e) => e,
        }
    }
}

fn is_simulated_crash(e: &RotationFailure) -> bool {
    matches!(e, RotationFailure::Later(Error::Internal(m)) if m.starts_with("simulated crash"))
}

fn named(n: &NumberView) -> String {
    format!("{} ({})", n.label, n.phone)
}

/// A key is stored on one number only: the same key on two numbers would send "from" one of
/// them as the other.
fn key_not_stored_elsewhere(number: &NumberView, fp: &str, others: &[NumberView]) -> Result<()> {
    match others
        .iter()
        .find(|o| o.key_fingerprint.as_deref() == Some(fp))
    {
        Some(owner) => Err(Error::Validation(format!(
            "this key is already stored on {}; a key belongs to one number, so it was not saved on {}",
            named(owner),
            named(number)
        ))),
        None => Ok(()),
    }
}

/// The key's identity, as `/health_status` tells it, must be this number's: its known
/// phone-number id, else no other number's id, and its display number where given.
pub(crate) fn key_belongs_to(
    number: &NumberView,
    health: &HealthStatus,
    others: &[NumberView],
) -> Result<()> {
    let refuse = |whose: String| {
        Err(Error::Validation(format!(
            "this key belongs to {whose}, not to {}; nothing was changed",
            named(number)
        )))
    };
    if let Some(id) = health.phone_number_id() {
        let owner = others
            .iter()
            .find(|o| o.phone_number_id.as_deref() == Some(id));
        let wrong_id = number.phone_number_id.as_deref().is_some_and(|k| k != id);
        match owner {
            Some(o) => return refuse(format!("{} (phone-number id {id})", named(o))),
            None if wrong_id => {
                return refuse(format!(
                    "phone-number id {id} (this number's is {})",
                    number.phone_number_id.as_deref().unwrap_or_default()
                ))
            }
            None => {}
        }
    }
    if let Some(display) = health.display_phone_number() {
        let digits: String = display.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && format!("+{digits}") != number.phone {
            let owner = others.iter().find(|o| o.phone == format!("+{digits}"));
            return refuse(match owner {
                Some(o) => named(o),
                None => format!("+{digits}"),
            });
        }
    }
    Ok(())
}

impl Core {
    pub(crate) fn crash_point(&self, step: RotationStep) -> Result<()> {
        let mut hook = self.crash_after.lock().unwrap_or_else(|p| p.into_inner());
        if *hook == Some(step) {
            *hook = None;
            return Err(Error::Internal(format!("simulated crash after {step:?}")));
        }
        Ok(())
    }

    pub(crate) fn client_with_key(
        &self,
        number: &NumberView,
        key: Sensitive<String>,
    ) -> Result<Client> {
        Ok(Client::with_http(
            self.http.clone(),
            &number.base_url,
            key,
            self.api_config.clone(),
        )?)
    }

    /// The API client of a number, with its key from the keyring.
    pub fn client(&self, number_id: i64) -> Result<Client> {
        let number = self.number(number_id)?;
        let key = self.secrets.get(&account(&number.phone))?.ok_or_else(|| {
            Error::Validation(format!(
                "{} has no API key yet; set one first",
                number.label
            ))
        })?;
        self.client_with_key(&number, key)
    }

    /// Runs an API call for a number. A 401 marks the number's key as superseded.
    pub async fn call<T, E, F, Fut>(&self, number_id: i64, actor: Actor, f: F) -> Result<T>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: Into<Error>,
    {
        let client = self.client(number_id)?;
        let result = f(client).await.map_err(Into::into);
        if let Err(Error::Api(e)) = &result {
            if e.kind == ApiErrorKind::Unauthorized {
                self.mark_superseded(number_id, actor)?;
            }
        }
        result
    }

    /// Marks a number's key as superseded (once; repeated 401s add no audit rows).
    pub fn mark_superseded(&self, number_id: i64, actor: Actor) -> Result<()> {
        self.write(&[Topic::Keys, Topic::Audit], Some(number_id), |tx| {
            if store::mark_superseded(tx, number_id, &crate::util::now())? {
                let fp = store::key_fingerprint(tx, number_id)?;
                audit::record(
                    tx,
                    actor,
                    NewAudit {
                        number_id: Some(number_id),
                        old_fingerprint: fp.as_deref(),
                        detail: "360dialog answered 401: a newer key was issued for this number",
                        ..NewAudit::of(AuditAction::KeySuperseded)
                    },
                )?;
            }
            Ok(())
        })
    }

    fn store_health(&self, number_id: i64, health: &HealthStatus) -> Result<()> {
        let json = serde_json::to_string(health).map_err(|e| Error::Internal(e.to_string()))?;
        self.write(&[Topic::Keys], Some(number_id), |c| {
            store::set_health(
                c,
                number_id,
                &json,
                &crate::util::now(),
                health.phone_number_id(),
                health.waba_id(),
            )?;
            Ok(())
        })
    }

    /// Sets or replaces a number's key. With `verify`, the key must first pass
    /// `GET /health_status` and belong to this number; otherwise nothing changes. A key that
    /// is already stored on another number is refused either way.
    pub async fn set_key(
        &self,
        number_id: i64,
        key: Sensitive<String>,
        verify: bool,
        actor: Actor,
    ) -> Result<NumberView> {
        let key = clean_key(key)?;
        let number = self.number(number_id)?;
        // An interrupted replacement is finished (or undone) first: its journal must never be
        // replaced while the keyring may hold its new key.
        if self.rotation_pending(number_id)? {
            self.recover_rotation(number_id).map_err(|e| match e {
                Error::KeychainUnavailable(m) => Error::KeychainUnavailable(format!(
                    "{m}. An earlier key change of {} was interrupted and is finished first; nothing was changed",
                    number.label
                )),
                other => other,
            })?;
        }
        let number = self.number(number_id)?;
        let others: Vec<NumberView> = self
            .list_numbers()?
            .into_iter()
            .filter(|n| n.id != number_id)
            .collect();
        let fp = key.fingerprint();
        key_not_stored_elsewhere(&number, &fp, &others)?;
        let health = if verify {
            let client = self.client_with_key(&number, key.clone())?;
            let health = client
                .health_status()
                .await
                .map_err(|e| match Error::from(e) {
                    Error::Api(mut api) => {
                        let note = "The new key was not accepted, so nothing was changed.";
                        api.explanation = Some(match api.explanation.take() {
                            Some(x) => format!("{x} {note}"),
                            None => note.to_string(),
                        });
                        Error::Api(api)
                    }
                    other => other,
                })?;
            key_belongs_to(&number, &health, &others)?;
            Some(health)
        } else {
            None
        };
        let hint = key.mask();
        self.db.with_conn(|c| {
            c.execute(
                "INSERT INTO key_rotations (number_id, stage, new_fingerprint, new_hint, verified, actor, started_at) \
                 VALUES (?1, 'staging', ?2, ?3, ?4, ?5, ?6)",
                params![number_id, fp, hint, verify, actor.as_str(), crate::util::now()],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::Validation(format!(
                        "another key change of {} is in progress; wait for it to finish",
                        number.label
                    ))
                }
                other => Error::db("journaling the key rotation")(other),
            })?;
            Ok(())
        })?;
        self.crash_point(RotationStep::Journaled)?;
        match self.rotate_in_keyring(&number, &key) {
            Ok(()) => {}
            Err(e) if is_simulated_crash(&e) => return Err(e.into_error()),
            Err(RotationFailure::PendingNotWritten(e))
                if e.code() == crate::ErrorCode::KeychainUnavailable =>
            {
                // The keyring could not be reached: nothing reached it, forget the attempt.
                self.clear_journal(number_id)?;
                return Err(e);
            }
            Err(RotationFailure::PendingNotWritten(e) | RotationFailure::Later(e)) => {
                // Finish or undo now rather than at the next start (the journal stays if that
                // fails too).
                let _ = self.recover_rotation(number_id);
                return Err(e);
            }
        }
        self.complete_rotation(&number, health.as_ref(), false)?;
        self.number(number_id)
    }

    /// Sets or replaces a number's key like [`Core::set_key`], then reads the webhook back
    /// with the new key and says whether it is gone or changed (it can then be re-applied
    /// with [`Core::reapply_webhook`]).
    pub async fn save_key(
        &self,
        number_id: i64,
        key: Sensitive<String>,
        verify: bool,
        actor: Actor,
    ) -> Result<KeySaved> {
        let number = self.set_key(number_id, key, verify, actor).await?;
        let known = self.known_webhook(number_id)?;
        if !verify {
            let webhook = WebhookAfterKey {
                state: WebhookReadBack::NotChecked,
                message:
                    "the key was stored without verification, so the webhook was not read back"
                        .to_string(),
                known_url: known.url,
                known_header_names: known.header_names,
                current_url: None,
            };
            return Ok(KeySaved { number, webhook });
        }
        self.webhook_after_key(number, actor).await
    }

    /// Reads the webhook back with the number's new key and says whether it is as WABA Desk
    /// last set or accepted it, gone, or changed.
    pub(crate) async fn webhook_after_key(
        &self,
        number: NumberView,
        actor: Actor,
    ) -> Result<KeySaved> {
        let number_id = number.id;
        let known = self.known_webhook(number_id)?;
        let webhook = match self.get_webhook(number_id, actor).await {
            Err(e) => WebhookAfterKey {
                state: WebhookReadBack::Unreadable,
                message: format!("the key is saved, but the webhook could not be read back: {e}"),
                known_url: known.url,
                known_header_names: known.header_names,
                current_url: None,
            },
            Ok(view) => {
                let (state, message) = match (&known.url, &view.url) {
                    (None, _) => (WebhookReadBack::NoneKnown, "no webhook was known to check".to_string()),
                    (Some(k), Some(c)) if k == c => (WebhookReadBack::Unchanged, format!("the webhook is still {k}")),
                    (Some(k), None) => (
                        WebhookReadBack::Gone,
                        format!("the webhook is gone at 360dialog since the new key was issued (it was {k}); re-apply it to receive events again"),
                    ),
                    (Some(k), Some(c)) => (
                        WebhookReadBack::Changed,
                        format!("the webhook at 360dialog is now {c}, not {k}; re-apply {k} if that is not intended"),
                    ),
                };
                WebhookAfterKey {
                    state,
                    message,
                    known_url: known.url,
                    known_header_names: known.header_names,
                    current_url: view.url,
                }
            }
        };
        Ok(KeySaved { number, webhook })
    }

    fn rotate_in_keyring(
        &self,
        number: &NumberView,
        key: &Sensitive<String>,
    ) -> std::result::Result<(), RotationFailure> {
        let pending = pending_account(&number.phone);
        self.secrets
            .set(&pending, key)
            .map_err(RotationFailure::PendingNotWritten)?;
        let later = RotationFailure::Later;
        self.crash_point(RotationStep::PendingWritten)
            .map_err(later)?;
        self.read_back(&pending, key).map_err(later)?;
        self.set_stage(number.id, "staged").map_err(later)?;
        self.crash_point(RotationStep::Staged).map_err(later)?;
        let current = account(&number.phone);
        self.secrets.set(&current, key).map_err(later)?;
        self.crash_point(RotationStep::KeyWritten).map_err(later)?;
        self.read_back(&current, key).map_err(later)?;
        self.set_stage(number.id, "promoted").map_err(later)?;
        self.crash_point(RotationStep::Promoted).map_err(later)?;
        Ok(())
    }

    fn read_back(&self, account: &str, key: &Sensitive<String>) -> Result<()> {
        match self.secrets.get(account)? {
            Some(k) if k == *key => Ok(()),
            _ => Err(Error::Keychain(
                "the OS keyring did not return the key just written; nothing was changed".into(),
            )),
        }
    }

    fn journal(&self, number_id: i64) -> Result<Option<Journal>> {
        self.db.with_conn(|c| {
            c.query_row(
                &format!("SELECT {JOURNAL_COLUMNS} FROM key_rotations WHERE number_id = ?1"),
                [number_id],
                journal_row,
            )
            .optional()
            .map_err(Error::db("reading the rotation journal"))
        })
    }

    fn clear_journal(&self, number_id: i64) -> Result<()> {
        self.db.with_conn(|c| {
            c.execute(
                "DELETE FROM key_rotations WHERE number_id = ?1",
                [number_id],
            )
            .map_err(Error::db("closing the rotation journal"))?;
            Ok(())
        })
    }

    fn set_stage(&self, number_id: i64, stage: &str) -> Result<()> {
        self.db.with_conn(|c| {
            c.execute(
                "UPDATE key_rotations SET stage = ?1 WHERE number_id = ?2",
                params![stage, number_id],
            )
            .map_err(Error::db("journaling the key rotation"))?;
            Ok(())
        })
    }

    /// The number's keyring entry holds the new key: record it in the number's row and the
    /// audit log (the journal says `recorded` in the same transaction), then drop the pending
    /// entry, then close the journal.
    pub(crate) fn complete_rotation(
        &self,
        number: &NumberView,
        health: Option<&HealthStatus>,
        recovered: bool,
    ) -> Result<()> {
        let number_id = number.id;
        let health_json = health
            .map(|h| serde_json::to_string(h).map_err(|e| Error::Internal(e.to_string())))
            .transpose()?;
        self.write(&[Topic::Keys, Topic::Audit], Some(number_id), |tx| {
            let j: Journal = tx
                .query_row(
                    &format!("SELECT {JOURNAL_COLUMNS} FROM key_rotations WHERE number_id = ?1"),
                    [number_id],
                    journal_row,
                )
                .map_err(Error::db("reading the rotation journal"))?;
            let now = crate::util::now();
            let state = if j.verified { KeyState::Verified } else { KeyState::Unverified };
            store::set_key(tx, number_id, state, &j.hint, &j.fingerprint, &now, j.verified)?;
            if let (Some(h), Some(json)) = (health, &health_json) {
                store::set_health(tx, number_id, json, &now, h.phone_number_id(), h.waba_id())?;
            }
            let actor = Actor::parse(&j.actor);
            let (action, detail) = match (j.source.as_str(), &number.key_fingerprint, j.verified) {
                ("minted", _, true) => (
                    AuditAction::KeyGenerated,
                    "generated through the Partner API (older keys revoked), verified with /health_status",
                ),
                ("minted", _, false) => (
                    AuditAction::KeyGenerated,
                    "generated through the Partner API (older keys revoked), not yet verified",
                ),
                (_, None, true) => (AuditAction::KeySet, "verified with /health_status"),
                (_, None, false) => (AuditAction::KeySet, "stored without verification"),
                (_, Some(_), true) => (AuditAction::KeyRotated, "verified with /health_status"),
                (_, Some(_), false) => (AuditAction::KeyRotated, "stored without verification"),
            };
            audit::record(tx, actor, NewAudit {
                number_id: Some(number_id),
                action,
                old_fingerprint: number.key_fingerprint.as_deref(),
                new_fingerprint: Some(&j.fingerprint),
                detail,
            })?;
            if recovered {
                audit::record(tx, Actor::System, NewAudit {
                    number_id: Some(number_id),
                    new_fingerprint: Some(&j.fingerprint),
                    detail: "an interrupted key replacement was completed",
                    ..NewAudit::of(AuditAction::KeyRotationRecovered)
                })?;
            }
            tx.execute(
                "UPDATE key_rotations SET stage = 'recorded' WHERE number_id = ?1",
                [number_id],
            )
            .map_err(Error::db("journaling the key rotation"))?;
            Ok(())
        })?;
        self.crash_point(RotationStep::Recorded)?;
        self.close_rotation(number)
    }

    /// The database describes the new key: drop the pending entry, then the journal.
    fn close_rotation(&self, number: &NumberView) -> Result<()> {
        self.secrets.delete(&pending_account(&number.phone))?;
        self.crash_point(RotationStep::PendingDeleted)?;
        self.clear_journal(number.id)
    }

    /// Undoes a replacement that never reached the number's entry: the previous key is kept.
    fn roll_back_rotation(&self, number: &NumberView) -> Result<()> {
        self.secrets.delete(&pending_account(&number.phone))?;
        self.write(&[Topic::Keys, Topic::Audit], Some(number.id), |tx| {
            tx.execute(
                "DELETE FROM key_rotations WHERE number_id = ?1",
                [number.id],
            )
            .map_err(Error::db("closing the rotation journal"))?;
            audit::record(
                tx,
                Actor::System,
                NewAudit {
                    number_id: Some(number.id),
                    detail: "an interrupted key replacement was undone; the previous key is kept",
                    ..NewAudit::of(AuditAction::KeyRotationRolledBack)
                },
            )
        })
    }

    /// Finishes or rolls back the interrupted rotation of one number, from what the journal
    /// and the keyring hold now. Safe to repeat after a crash at any point of it.
    pub(crate) fn recover_rotation(&self, number_id: i64) -> Result<bool> {
        let Some(j) = self.journal(number_id)? else {
            return Ok(false);
        };
        let number = self.number(number_id)?;
        let is_new = |k: &Option<Sensitive<String>>| {
            k.as_ref().is_some_and(|k| k.fingerprint() == j.fingerprint)
        };
        match j.stage.as_str() {
            // The database already describes the new key.
            "recorded" => self.close_rotation(&number)?,
            // A key was being minted: the pending entry, written first, holds it if the mint
            // answered before the process died.
            "minting" => match self.secrets.get(&pending_account(&number.phone))? {
                Some(key) if key.expose() != MINT_RESERVATION => {
                    self.journal_minted_key(number_id, &key)?;
                    let current = account(&number.phone);
                    self.secrets.set(&current, &key)?;
                    self.read_back(&current, &key)?;
                    self.complete_rotation(&number, None, true)?;
                }
                _ => self.roll_back_mint(&number)?,
            },
            // The number's entry was never touched.
            "staging" => self.roll_back_rotation(&number)?,
            _ => {
                let current = account(&number.phone);
                let staged = self.secrets.get(&pending_account(&number.phone))?;
                if is_new(&staged) {
                    // The new key is safely in the pending entry: complete the promotion.
                    let key = staged.expect("checked");
                    self.secrets.set(&current, &key)?;
                    self.read_back(&current, &key)?;
                    self.complete_rotation(&number, None, true)?;
                } else if is_new(&self.secrets.get(&current)?) {
                    // Promoted, and the pending entry already gone.
                    self.complete_rotation(&number, None, true)?;
                } else {
                    self.roll_back_rotation(&number)?;
                }
            }
        }
        Ok(true)
    }

    /// Opens the journal of a key about to be minted through the Partner API (stage
    /// `minting`): from here on, a pending entry for this number is the minted key.
    pub(crate) fn begin_mint(&self, number: &NumberView, actor: Actor) -> Result<()> {
        self.db.with_conn(|c| {
            c.execute(
                "INSERT INTO key_rotations (number_id, stage, new_fingerprint, new_hint, verified, actor, started_at, source) \
                 VALUES (?1, 'minting', '', '', 0, ?2, ?3, 'minted')",
                params![number.id, actor.as_str(), crate::util::now()],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::Validation(format!(
                        "another key change of {} is in progress; wait for it to finish",
                        number.label
                    ))
                }
                other => Error::db("journaling the key generation")(other),
            })?;
            Ok(())
        })
    }

    /// Reserves the number's pending entry before a mint: proves the keyring takes a write now
    /// and opens its session, so the minted key's own write is quick.
    pub(crate) fn reserve_pending(&self, number: &NumberView) -> Result<()> {
        self.secrets.set(
            &pending_account(&number.phone),
            &Sensitive::new(MINT_RESERVATION.to_string()),
        )
    }

    /// The mint was refused or never answered: nothing of it reached the keyring; drop the
    /// reservation and close the journal.
    pub(crate) fn abandon_mint(&self, number: &NumberView) -> Result<()> {
        self.secrets.delete(&pending_account(&number.phone))?;
        self.clear_journal(number.id)
    }

    /// Persists a just-minted key: the pending keyring entry first (the answer is its only
    /// copy), read back, then the journal (`staged`, with its fingerprint).
    pub(crate) fn stage_minted_key(
        &self,
        number: &NumberView,
        key: &Sensitive<String>,
    ) -> Result<()> {
        self.crash_point(RotationStep::Minted)?;
        let pending = pending_account(&number.phone);
        self.secrets.set(&pending, key)?;
        self.crash_point(RotationStep::MintPendingWritten)?;
        self.read_back(&pending, key)?;
        self.journal_minted_key(number.id, key)?;
        self.crash_point(RotationStep::Staged)
    }

    fn journal_minted_key(&self, number_id: i64, key: &Sensitive<String>) -> Result<()> {
        self.db.with_conn(|c| {
            c.execute(
                "UPDATE key_rotations SET stage = 'staged', new_fingerprint = ?1, new_hint = ?2 WHERE number_id = ?3",
                params![key.fingerprint(), key.mask(), number_id],
            )
            .map_err(Error::db("journaling the key generation"))?;
            Ok(())
        })
    }

    /// A staged minted key becomes the number's: marked verified when `health` is given, written
    /// to the number's entry, recorded and audited, the pending entry dropped.
    pub(crate) fn finish_minted_key(
        &self,
        number: &NumberView,
        key: &Sensitive<String>,
        health: Option<&HealthStatus>,
    ) -> Result<()> {
        if health.is_some() {
            self.db.with_conn(|c| {
                c.execute(
                    "UPDATE key_rotations SET verified = 1 WHERE number_id = ?1",
                    [number.id],
                )
                .map_err(Error::db("journaling the key generation"))?;
                Ok(())
            })?;
        }
        let current = account(&number.phone);
        self.secrets.set(&current, key)?;
        self.crash_point(RotationStep::KeyWritten)?;
        self.read_back(&current, key)?;
        self.set_stage(number.id, "promoted")?;
        self.crash_point(RotationStep::Promoted)?;
        self.complete_rotation(number, health, false)
    }

    /// A key generation died before its key reached the keyring: if 360dialog minted it, the
    /// previous key is revoked and the new one is lost; say so.
    fn roll_back_mint(&self, number: &NumberView) -> Result<()> {
        self.secrets.delete(&pending_account(&number.phone))?;
        self.write(&[Topic::Keys, Topic::Audit], Some(number.id), |tx| {
            tx.execute(
                "DELETE FROM key_rotations WHERE number_id = ?1",
                [number.id],
            )
            .map_err(Error::db("closing the rotation journal"))?;
            audit::record(
                tx,
                Actor::System,
                NewAudit {
                    number_id: Some(number.id),
                    detail: "a key generation was interrupted before the new key reached the keyring; \
                             if 360dialog issued it, the previous key no longer works: generate a new key again",
                    ..NewAudit::of(AuditAction::KeyRotationRolledBack)
                },
            )
        })
    }

    /// Finishes or rolls back rotations a crash interrupted. Returns how many it handled.
    pub fn recover_rotations(&self) -> Result<usize> {
        let journal: Vec<i64> = self.db.with_conn(|c| {
            let mut stmt = c
                .prepare("SELECT number_id FROM key_rotations ORDER BY number_id")
                .map_err(Error::db("reading the rotation journal"))?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .map_err(Error::db("reading the rotation journal"))?;
            rows.collect::<std::result::Result<Vec<_>, _>>()
                .map_err(Error::db("reading the rotation journal"))
        })?;
        let mut handled = 0;
        for number_id in journal {
            if self.recover_rotation(number_id)? {
                handled += 1;
            }
        }
        Ok(handled)
    }

    /// Checks the number's key with `GET /health_status`: stores health and ids, and marks the
    /// key verified, or superseded on 401.
    pub async fn verify_key(&self, number_id: i64, actor: Actor) -> Result<NumberView> {
        let health = self
            .call(number_id, actor, |c| async move { c.health_status().await })
            .await?;
        // A key stored before identities were checked may be another number's.
        let number = self.number(number_id)?;
        let others: Vec<NumberView> = self
            .list_numbers()?
            .into_iter()
            .filter(|n| n.id != number_id)
            .collect();
        key_belongs_to(&number, &health, &others)?;
        self.store_health(number_id, &health)?;
        self.write(&[Topic::Keys, Topic::Audit], Some(number_id), |tx| {
            let was = store::key_state(tx, number_id)?;
            store::mark_verified(tx, number_id, &crate::util::now())?;
            if was != KeyState::Verified {
                audit::record(
                    tx,
                    actor,
                    NewAudit {
                        number_id: Some(number_id),
                        detail: &format!("accepted by /health_status (was {})", was.as_str()),
                        ..NewAudit::of(AuditAction::KeyVerified)
                    },
                )?;
            }
            Ok(())
        })?;
        self.number(number_id)
    }

    /// Verifies every number that has a key, reporting each outcome as it comes.
    pub async fn verify_all(
        &self,
        actor: Actor,
        mut progress: impl FnMut(VerifyProgress),
    ) -> Result<Vec<VerifyOutcome>> {
        let numbers: Vec<NumberView> = self
            .list_numbers()?
            .into_iter()
            .filter(|n| n.key_state != KeyState::None)
            .collect();
        let total = numbers.len() as u32;
        let mut outcomes = Vec::new();
        for (i, n) in numbers.into_iter().enumerate() {
            let checked = self.verify_key(n.id, actor).await;
            let result = VerifyResult::of(&checked);
            let message = match checked {
                Ok(_) => "ok".to_string(),
                Err(e) => e.to_string(),
            };
            let now = self.number(n.id)?;
            let outcome = VerifyOutcome {
                number_id: n.id,
                phone: n.phone,
                label: n.label,
                key_state: now.key_state,
                result,
                message,
            };
            progress(VerifyProgress {
                done: i as u32 + 1,
                total,
                outcome: outcome.clone(),
            });
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Removes a number's key from the keyring (the number stays, with no key).
    pub fn remove_key(&self, number_id: i64, actor: Actor) -> Result<NumberView> {
        let n = self.number(number_id)?;
        self.secrets.delete(&pending_account(&n.phone))?;
        self.secrets.delete(&account(&n.phone))?;
        self.write(&[Topic::Keys, Topic::Audit], Some(number_id), |tx| {
            store::clear_key(tx, number_id, &crate::util::now())?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    old_fingerprint: n.key_fingerprint.as_deref(),
                    ..NewAudit::of(AuditAction::KeyRemoved)
                },
            )
        })?;
        self.number(number_id)
    }

    /// The key's audit trail for one number, newest first.
    pub fn key_history(&self, number_id: i64) -> Result<Vec<AuditEntry>> {
        self.number(number_id)?;
        Ok(audit::list(
            &self.db,
            &AuditFilter {
                number_id: Some(number_id),
                ..Default::default()
            },
        )?
        .into_iter()
        .filter(|e| AuditAction::parse(&e.action).is_some_and(AuditAction::is_key))
        .collect())
    }

    /// Whether a rotation journal row exists (for tests and diagnostics).
    pub fn rotation_pending(&self, number_id: i64) -> Result<bool> {
        self.db.with_conn(|c| {
            c.query_row(
                "SELECT 1 FROM key_rotations WHERE number_id = ?1",
                [number_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(Error::db("reading the rotation journal"))
        })
    }
}

/// For the CLI: what `key status` prints.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeyStatus {
    pub phone: String,
    pub label: String,
    pub key_state: KeyState,
    pub key_hint: Option<String>,
    pub key_fingerprint: Option<String>,
    pub key_verified_at: Option<String>,
}

impl From<&NumberView> for KeyStatus {
    fn from(n: &NumberView) -> Self {
        Self {
            phone: n.phone.clone(),
            label: n.label.clone(),
            key_state: n.key_state,
            key_hint: n.key_hint.clone(),
            key_fingerprint: n.key_fingerprint.clone(),
            key_verified_at: n.key_verified_at.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Environment, HealthEntity};

    fn number(id: i64, phone: &str, label: &str, pid: Option<&str>) -> NumberView {
        NumberView {
            id,
            phone: phone.into(),
            label: label.into(),
            environment: Environment::Simulator,
            base_url: String::new(),
            base_url_override: None,
            notes: String::new(),
            key_state: KeyState::None,
            key_hint: None,
            key_fingerprint: None,
            key_set_at: None,
            key_verified_at: None,
            phone_number_id: pid.map(Into::into),
            waba_id: None,
            health: None,
            health_checked_at: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn health(pid: &str, display: Option<&str>) -> HealthStatus {
        HealthStatus {
            can_send_message: "AVAILABLE".into(),
            entities: vec![HealthEntity {
                entity_type: "PHONE_NUMBER".into(),
                id: pid.into(),
                display_phone_number: display.map(Into::into),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn the_display_number_where_given_must_be_the_numbers_phone() {
        let support = number(2, "+15550000101", "Support US", None);
        let sales = number(1, "+15550000100", "Sales US", None);
        // First verification: no id known yet, the display number decides.
        assert!(key_belongs_to(&support, &health("P1", Some("1 555-000-0101")), &[]).is_ok());
        assert!(key_belongs_to(&support, &health("P1", None), &[]).is_ok());
        let err = key_belongs_to(&support, &health("P0", Some("15550000100")), &[sales])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Sales US (+15550000100)") && err.contains("Support US (+15550000101)"),
            "{err}"
        );
        let err = key_belongs_to(&support, &health("P9", Some("+15550000999")), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("+15550000999"), "{err}");
    }

    #[test]
    fn a_known_phone_number_id_must_match() {
        let support = number(2, "+15550000101", "Support US", Some("P1"));
        assert!(key_belongs_to(&support, &health("P1", None), &[]).is_ok());
        let err = key_belongs_to(&support, &health("P0", None), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("P0") && err.contains("P1"), "{err}");
        let sales = number(1, "+15550000100", "Sales US", Some("P0"));
        let fresh = number(3, "+15550000102", "New", None);
        let err = key_belongs_to(&fresh, &health("P0", None), &[sales])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Sales US") && err.contains("New (+15550000102)"),
            "{err}"
        );
    }
}
