//! "Generate new key" for a number imported from a partner channel: the Partner API mints the
//! key (revoking every older one) and the app stores it through the key rotation of
//! [`crate::keys`], so it is never shown, pasted or lost:
//!
//! 1. finish or undo an earlier interrupted key change of the number;
//! 2. journal `minting`, and reserve the number's pending keyring entry (the keyring takes a
//!    write now, and its session is open for the key's own write);
//! 3. mint (`POST /partners/{partner_id}/channels/{channel_id}/api_keys`);
//! 4. write the answer's key to the pending keyring entry FIRST and read it back, then journal
//!    it (`staged`, with its fingerprint);
//! 5. verify it with `GET /health_status` (a failure leaves it unverified: it is the only key);
//! 6. promote it to the number's entry, record and audit it, drop the pending entry;
//! 7. read the webhook back and re-apply it when the new key cleared it.
//!
//! A process that dies after step 4 started is finished at the next start from the pending
//! entry (`recover_rotations`); one that dies before the key reached the keyring cannot keep
//! it (the answer was its only copy), and the recovery says so in the audit log.

use serde::Serialize;
use ts_rs::TS;

use super::store;
use crate::api::{ApiErrorKind, HealthStatus};
use crate::audit::Actor;
use crate::keys::{key_belongs_to, WebhookAfterKey, WebhookReadBack};
use crate::numbers::NumberView;
use crate::service::Core;
use crate::{Error, Result};

/// What "Generate new key" did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyGenerated {
    pub number: NumberView,
    pub webhook: WebhookAfterKey,
    /// The webhook was gone with the new key and was set again as it was.
    pub webhook_reapplied: bool,
    /// The outcome in plain words.
    pub message: String,
}

fn simulated_crash(e: &Error) -> bool {
    matches!(e, Error::Internal(m) if m.starts_with("simulated crash"))
}

/// The mint was refused: say why in plain words.
fn explain_mint_refusal(e: Error) -> Error {
    match e {
        Error::Api(mut api) => {
            let words = match (api.kind, api.http_status) {
                (ApiErrorKind::Unauthorized, _) => {
                    "The Partner API did not accept the partner API key, so no key was generated; the number's key is unchanged."
                }
                (_, Some(403)) | (_, Some(404)) => {
                    "The client has not given your partner account permission to manage this number's API key (Partner API Key Permission: \"Missing\" in the client's 360dialog Hub). No key was generated and the number's key is unchanged: ask the client to share the permission, or paste a key from the Hub."
                }
                (ApiErrorKind::OutcomeUnknown, _) => {
                    "The Partner API's answer never arrived: 360dialog may have generated a new key and revoked the old one, but the new key did not reach WABA Desk. Verify the number's key; if it is superseded, generate a new key again."
                }
                _ => "No key was generated; the number's key is unchanged.",
            };
            api.explanation = Some(match api.explanation.take() {
                Some(x) if api.kind != ApiErrorKind::OutcomeUnknown => format!("{x} {words}"),
                _ => words.to_string(),
            });
            Error::Api(api)
        }
        other => other,
    }
}

impl Core {
    /// Generates a new key for a number imported from a partner channel (see the module).
    pub async fn generate_key(&self, number_id: i64, actor: Actor) -> Result<KeyGenerated> {
        let number = self.number(number_id)?;
        let channel = self
            .db
            .with_conn(|c| store::channel_of_number(c, number_id))?
            .ok_or_else(|| {
                Error::Validation(format!(
                    "{} was not imported from a partner channel, so WABA Desk cannot generate its key; paste a key from the 360dialog Hub instead",
                    number.label
                ))
            })?;
        if self.rotation_pending(number_id)? {
            self.recover_rotation(number_id)?;
        }
        let (client, partner_id) = self.partner_client()?;
        // The minted key's only copy must reach the keyring: refuse before minting if it
        // cannot be written now.
        if self.secrets.locked()? {
            return Err(Error::KeychainUnavailable(
                "the OS keyring is locked: unlock it first, so the generated key can be stored; nothing was generated".into(),
            ));
        }
        self.begin_mint(&number, actor)?;
        if let Err(e) = self.reserve_pending(&number) {
            // Nothing was minted; the journal stays for the next start if this fails too.
            let _ = self.abandon_mint(&number);
            return Err(e);
        }
        let minted = match client.mint_api_key(&partner_id, &channel.channel_id).await {
            Ok(m) => m,
            Err(e) => {
                self.abandon_mint(&number)?;
                return Err(explain_mint_refusal(e.into()));
            }
        };
        let key = minted.api_key;
        if let Err(e) = self.stage_minted_key(&number, &key) {
            if !simulated_crash(&e) {
                // Finish from the pending entry if it was written (the journal stays if not).
                let _ = self.recover_rotation(number_id);
            }
            return Err(e);
        }
        let others: Vec<NumberView> = self
            .list_numbers()?
            .into_iter()
            .filter(|n| n.id != number_id)
            .collect();
        let checked: Result<HealthStatus> = async {
            let health = self
                .client_with_key(&number, key.clone())?
                .health_status()
                .await?;
            key_belongs_to(&number, &health, &others)?;
            Ok(health)
        }
        .await;
        let (health, verify_note) = match checked {
            Ok(h) => (Some(h), None),
            Err(e) => (None, Some(e.to_string())),
        };
        if let Err(e) = self.finish_minted_key(&number, &key, health.as_ref()) {
            if !simulated_crash(&e) {
                let _ = self.recover_rotation(number_id);
            }
            return Err(e);
        }
        let number = self.number(number_id)?;
        if let Some(note) = verify_note {
            let known = self.known_webhook(number_id)?;
            return Ok(KeyGenerated {
                message: format!(
                    "a new key was generated and stored (older keys are revoked), but it could not be verified yet: {note}"
                ),
                webhook: WebhookAfterKey {
                    state: WebhookReadBack::NotChecked,
                    message: "the new key is not verified, so the webhook was not read back"
                        .into(),
                    known_url: known.url,
                    known_header_names: known.header_names,
                    current_url: None,
                },
                webhook_reapplied: false,
                number,
            });
        }
        let saved = self.webhook_after_key(number, actor).await?;
        let mut webhook = saved.webhook;
        let mut reapplied = false;
        let mut message =
            "a new key was generated, verified and stored; older keys no longer work".to_string();
        if webhook.state == WebhookReadBack::Gone {
            match self.reapply_webhook(number_id, actor).await {
                Ok(view) => {
                    reapplied = true;
                    webhook.current_url = view.url.clone();
                    message.push_str(&format!(
                        "; the new key had cleared the webhook, so it was set again ({})",
                        view.url.unwrap_or_default()
                    ));
                }
                Err(e) => message.push_str(&format!(
                    "; the new key cleared the webhook and re-applying it failed: {e}"
                )),
            }
        } else {
            message.push_str(&format!("; {}", webhook.message));
        }
        Ok(KeyGenerated {
            number: self.number(number_id)?,
            webhook,
            webhook_reapplied: reapplied,
            message,
        })
    }
}
