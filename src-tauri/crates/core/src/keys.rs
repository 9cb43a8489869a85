//! API keys: verified, crash-safe replacement in the OS keyring, supersession on 401, health.
//!
//! Replacement keeps a usable key in the keyring at every moment:
//! 1. verify the new key with `GET /health_status` (unless told not to);
//! 2. journal the rotation in SQLite (`staging`);
//! 3. write the new key to a pending entry and read it back (`staged`);
//! 4. write it to the number's entry and read it back (`promoted`);
//! 5. delete the pending entry; update the number and the audit log; drop the journal row.
//!
//! A crash before `staged` rolls back (the number's entry was never touched); from `staged`
//! on, the next start finishes the rotation from the pending entry.

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
    /// "ok", or what went wrong.
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

impl Core {
    fn crash_point(&self, step: RotationStep) -> Result<()> {
        let mut hook = self.crash_after.lock().unwrap_or_else(|p| p.into_inner());
        if *hook == Some(step) {
            *hook = None;
            return Err(Error::Internal(format!("simulated crash after {step:?}")));
        }
        Ok(())
    }

    fn client_with_key(&self, number: &NumberView, key: Sensitive<String>) -> Result<Client> {
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
    /// `GET /health_status`; otherwise nothing changes.
    pub async fn set_key(
        &self,
        number_id: i64,
        key: Sensitive<String>,
        verify: bool,
        actor: Actor,
    ) -> Result<NumberView> {
        let key = clean_key(key)?;
        let number = self.number(number_id)?;
        let health = if verify {
            let client = self.client_with_key(&number, key.clone())?;
            Some(
                client
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
                    })?,
            )
        } else {
            None
        };
        let fp = key.fingerprint();
        let hint = key.mask();
        self.db.with_conn(|c| {
            c.execute(
                "INSERT OR REPLACE INTO key_rotations (number_id, stage, new_fingerprint, new_hint, verified, actor, started_at) \
                 VALUES (?1, 'staging', ?2, ?3, ?4, ?5, ?6)",
                params![number_id, fp, hint, verify, actor.as_str(), crate::util::now()],
            )
            .map_err(Error::db("journaling the key rotation"))?;
            Ok(())
        })?;
        if let Err(e) = self.rotate_in_keyring(&number, &key).await {
            if matches!(e, Error::Internal(ref m) if m.starts_with("simulated crash")) {
                return Err(e);
            }
            let untouched = !self.stage_reached(number_id, "staged")?;
            if untouched && e.code() == crate::ErrorCode::KeychainUnavailable {
                // Nothing reached the keyring: forget the attempt entirely.
                self.clear_journal(number_id)?;
            } else {
                // Finish or undo now rather than at the next start.
                let _ = self.recover_rotations();
            }
            return Err(e);
        }
        self.finish_rotation(number_id, health.as_ref())?;
        self.number(number_id)
    }

    async fn rotate_in_keyring(&self, number: &NumberView, key: &Sensitive<String>) -> Result<()> {
        self.crash_point(RotationStep::Journaled)?;
        let pending = pending_account(&number.phone);
        self.secrets.set(&pending, key)?;
        self.read_back(&pending, key)?;
        self.set_stage(number.id, "staged")?;
        self.crash_point(RotationStep::Staged)?;
        let current = account(&number.phone);
        self.secrets.set(&current, key)?;
        self.read_back(&current, key)?;
        self.set_stage(number.id, "promoted")?;
        self.crash_point(RotationStep::Promoted)?;
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

    fn stage_reached(&self, number_id: i64, stage: &str) -> Result<bool> {
        let current: Option<String> = self.db.with_conn(|c| {
            c.query_row(
                "SELECT stage FROM key_rotations WHERE number_id = ?1",
                [number_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::db("reading the rotation journal"))
        })?;
        let order = |s: &str| {
            ["staging", "staged", "promoted"]
                .iter()
                .position(|x| *x == s)
        };
        Ok(current.as_deref().and_then(order) >= order(stage))
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

    /// The keyring holds the new key in the number's entry: drop the pending entry, record the
    /// change, and close the journal.
    fn finish_rotation(&self, number_id: i64, health: Option<&HealthStatus>) -> Result<()> {
        let number = self.number(number_id)?;
        self.secrets.delete(&pending_account(&number.phone))?;
        self.write(&[Topic::Keys, Topic::Audit], Some(number_id), |tx| {
            let (fp, hint, verified, actor): (String, String, bool, String) = tx
                .query_row(
                    "SELECT new_fingerprint, new_hint, verified, actor FROM key_rotations WHERE number_id = ?1",
                    [number_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .map_err(Error::db("reading the rotation journal"))?;
            let now = crate::util::now();
            let state = if verified { KeyState::Verified } else { KeyState::Unverified };
            store::set_key(tx, number_id, state, &hint, &fp, &now, verified)?;
            let actor = Actor::parse(&actor);
            let (action, detail) = match (&number.key_fingerprint, verified) {
                (None, true) => (AuditAction::KeySet, "verified with /health_status"),
                (None, false) => (AuditAction::KeySet, "stored without verification"),
                (Some(_), true) => (AuditAction::KeyRotated, "verified with /health_status"),
                (Some(_), false) => (AuditAction::KeyRotated, "stored without verification"),
            };
            audit::record(tx, actor, NewAudit {
                number_id: Some(number_id),
                action,
                old_fingerprint: number.key_fingerprint.as_deref(),
                new_fingerprint: Some(&fp),
                detail,
            })?;
            tx.execute("DELETE FROM key_rotations WHERE number_id = ?1", [number_id])
                .map_err(Error::db("closing the rotation journal"))?;
            Ok(())
        })?;
        if let Some(h) = health {
            self.store_health(number_id, h)?;
        }
        Ok(())
    }

    /// Finishes or rolls back rotations a crash interrupted. Returns how many it handled.
    pub fn recover_rotations(&self) -> Result<usize> {
        let journal: Vec<(i64, String)> = self.db.with_conn(|c| {
            let mut stmt = c
                .prepare("SELECT number_id, stage FROM key_rotations")
                .map_err(Error::db("reading the rotation journal"))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(Error::db("reading the rotation journal"))?;
            rows.collect::<std::result::Result<Vec<_>, _>>()
                .map_err(Error::db("reading the rotation journal"))
        })?;
        for (number_id, stage) in &journal {
            let number = self.number(*number_id)?;
            let pending = pending_account(&number.phone);
            let staged_key = match stage.as_str() {
                "staging" => None,
                _ => self.secrets.get(&pending)?,
            };
            match staged_key {
                Some(key) => {
                    // The new key is safely in the pending entry: complete the promotion.
                    self.secrets.set(&account(&number.phone), &key)?;
                    self.read_back(&account(&number.phone), &key)?;
                    self.finish_rotation(*number_id, None)?;
                    self.write(&[Topic::Keys, Topic::Audit], Some(*number_id), |c| {
                        audit::record(
                            c,
                            Actor::System,
                            NewAudit {
                                number_id: Some(*number_id),
                                new_fingerprint: Some(&key.fingerprint()),
                                detail: "an interrupted key replacement was completed at start-up",
                                ..NewAudit::of(AuditAction::KeyRotationRecovered)
                            },
                        )
                    })?;
                }
                None => {
                    // The number's entry was never touched: undo.
                    self.secrets.delete(&pending)?;
                    self.write(&[Topic::Keys, Topic::Audit], Some(*number_id), |tx| {
                        tx.execute("DELETE FROM key_rotations WHERE number_id = ?1", [number_id])
                            .map_err(Error::db("closing the rotation journal"))?;
                        audit::record(tx, Actor::System, NewAudit {
                            number_id: Some(*number_id),
                            detail: "an interrupted key replacement was undone; the previous key is kept",
                            ..NewAudit::of(AuditAction::KeyRotationRolledBack)
                        })
                    })?;
                }
            }
        }
        Ok(journal.len())
    }

    /// Checks the number's key with `GET /health_status`: stores health and ids, and marks the
    /// key verified, or superseded on 401.
    pub async fn verify_key(&self, number_id: i64, actor: Actor) -> Result<NumberView> {
        let health = self
            .call(number_id, actor, |c| async move { c.health_status().await })
            .await?;
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
            let message = match self.verify_key(n.id, actor).await {
                Ok(_) => "ok".to_string(),
                Err(e) => e.to_string(),
            };
            let now = self.number(n.id)?;
            let outcome = VerifyOutcome {
                number_id: n.id,
                phone: n.phone,
                label: n.label,
                key_state: now.key_state,
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
