//! Sending messages. Every attempt is recorded in history before it goes out (number,
//! recipient, template and language or text, parameters, rendered text) and carries its
//! reference as `biz_opaque_callback_data`, so statuses find it even when the send's answer
//! was lost. The answer completes it (wamid, request, answer; audit log); a refusal marks it
//! `not_sent`; a lost answer leaves it `outcome_unknown`, to be settled by its statuses. An
//! attempt a stopped process left in `sending` is moved to `outcome_unknown` at the next start.

use rand::Rng;
use serde_json::Value;

use crate::api::{ApiErrorKind, Outgoing, ProgressFn, SendResponse};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::history::{self, Attempt};
use crate::service::Core;
use crate::{Error, Result};

/// Longest text message body WhatsApp accepts.
pub const MAX_TEXT_BODY: usize = 4096;

/// Longest caption of an image, video or document message.
pub const MAX_MEDIA_CAPTION: usize = 1024;

/// A fresh attempt reference: `wd-` and 24 random hex digits (unique across installations,
/// well under Meta's 512-character limit).
fn new_reference() -> String {
    let mut rng = rand::rng();
    format!(
        "wd-{:012x}{:012x}",
        rng.random::<u64>() >> 16,
        rng.random::<u64>() >> 16
    )
}

/// Moved beside the form that builds the components it reads.
pub use crate::templates::form::render_template;

impl Core {
    /// A free-text message (only delivered inside the contact's 24-hour window), checked first:
    /// a recipient in international format and a body of 1 to 4096 characters.
    pub async fn send_text(
        &self,
        number_id: i64,
        to: &str,
        body: &str,
        actor: Actor,
    ) -> Result<SendResponse> {
        self.send_text_with_progress(number_id, to, body, actor, None)
            .await
    }

    /// [`Core::send_text`], telling `progress` of each retry after a capacity limit.
    pub async fn send_text_with_progress(
        &self,
        number_id: i64,
        to: &str,
        body: &str,
        actor: Actor,
        progress: Option<ProgressFn>,
    ) -> Result<SendResponse> {
        let to = crate::numbers::recipient(to)?;
        let chars = body.chars().count();
        if body.trim().is_empty() || chars > MAX_TEXT_BODY {
            return Err(Error::Validation(format!(
                "write a message of 1 to {MAX_TEXT_BODY} characters (this one has {chars})"
            )));
        }
        let message = Outgoing::Text {
            to,
            body: body.to_string(),
            preview_url: false,
        };
        self.send_message_with_progress(number_id, &message, actor, progress)
            .await
    }

    /// An image, video, audio, document or sticker message (inside the contact's 24-hour
    /// window): `source` is a media id (from the media library) or an https link. A caption goes
    /// with images, videos and documents (at most 1024 characters); a file name with documents.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_media_with_progress(
        &self,
        number_id: i64,
        to: &str,
        kind: &str,
        source: &str,
        caption: Option<&str>,
        filename: Option<&str>,
        actor: Actor,
        progress: Option<ProgressFn>,
    ) -> Result<SendResponse> {
        let to = crate::numbers::recipient(to)?;
        let kind = kind.trim().to_ascii_lowercase();
        if !["image", "video", "audio", "document", "sticker"].contains(&kind.as_str()) {
            return Err(Error::Validation(format!(
                "'{kind}' is not a media message; send an image, video, audio, document or sticker"
            )));
        }
        let source = source.trim();
        let is_link = source.starts_with("https://") || source.starts_with("http://");
        if source.is_empty()
            || !(is_link
                || source
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            return Err(Error::InvalidField {
                field: "media",
                message: "give a media id from the media library or an https link to the file"
                    .into(),
            });
        }
        let caption = caption.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = caption {
            if matches!(kind.as_str(), "audio" | "sticker") {
                return Err(Error::InvalidField {
                    field: "caption",
                    message: format!("WhatsApp sends {kind} without a caption"),
                });
            }
            let n = c.chars().count();
            if n > MAX_MEDIA_CAPTION {
                return Err(Error::InvalidField {
                    field: "caption",
                    message: format!(
                        "a caption has at most {MAX_MEDIA_CAPTION} characters (this one has {n})"
                    ),
                });
            }
        }
        let message = Outgoing::Media {
            to,
            filename: filename
                .map(str::trim)
                .filter(|f| !f.is_empty() && kind == "document")
                .map(str::to_string),
            kind,
            source: source.to_string(),
            caption: caption.map(str::to_string),
        };
        self.send_message_with_progress(number_id, &message, actor, progress)
            .await
    }

    /// Sends a message from a number, recorded as an attempt first. A 401 marks the key
    /// superseded; an answer that never came is reported as `outcome_unknown` and the attempt
    /// stays in history in that state, with its content.
    pub async fn send_message(
        &self,
        number_id: i64,
        message: &Outgoing,
        actor: Actor,
    ) -> Result<SendResponse> {
        self.send_message_with_progress(number_id, message, actor, None)
            .await
    }

    /// [`Core::send_message`], telling `progress` of each retry after a capacity limit.
    pub async fn send_message_with_progress(
        &self,
        number_id: i64,
        message: &Outgoing,
        actor: Actor,
        progress: Option<ProgressFn>,
    ) -> Result<SendResponse> {
        let number = self.number(number_id)?;
        // The key is looked up before anything is recorded: without one nothing can go out.
        let client = self.client(number_id)?.with_progress(progress);
        let reference = new_reference();
        let request = message.to_json_tracked(&reference);
        let (to, kind, template_name, template_language, body, parameters) = match message {
            Outgoing::Text { to, body, .. } => (to, "text", None, None, Some(body.clone()), None),
            Outgoing::Media {
                to,
                kind,
                source,
                caption,
                ..
            } => (
                to,
                kind.as_str(),
                None,
                None,
                Some(match caption.as_deref().filter(|c| !c.is_empty()) {
                    Some(c) => format!("[{kind}] {c}"),
                    None => format!("[{kind}] {source}"),
                }),
                None,
            ),
            Outgoing::Template {
                to,
                name,
                language,
                components,
            } => {
                let rendered = self
                    .template(number_id, name, language)
                    .ok()
                    .and_then(|t| render_template(&t.components, components))
                    // Not in the local library: at least the values sent, so history finds them.
                    .or_else(|| crate::templates::form::sent_values_text(name, components));
                (
                    to,
                    "template",
                    Some(name.as_str()),
                    Some(language.as_str()),
                    rendered,
                    Some(Value::from(components.clone())),
                )
            }
        };
        let contact = to.trim_start_matches('+').to_string();
        let attempt_id = self.write(&[Topic::Messages], Some(number_id), |tx| {
            history::record_attempt(
                tx,
                &Attempt {
                    number_id,
                    phone_number_id: number.phone_number_id.as_deref(),
                    reference: &reference,
                    contact: &contact,
                    kind,
                    template_name,
                    template_language,
                    body: body.as_deref(),
                    parameters: parameters.as_ref(),
                    request: &request,
                },
            )
        })?;
        let sent = client.send_body(request.clone()).await.map_err(Error::from);
        if let Err(Error::Api(e)) = &sent {
            // As `Core::call` does for every other call.
            if e.kind == ApiErrorKind::Unauthorized {
                // The attempt is still settled below, whatever happens here.
                if let Err(err) = self.mark_superseded(number_id, actor) {
                    tracing::warn!(error = %err, "marking the key superseded failed");
                }
            }
        }
        let sent = sent.map_err(|e| self.explain_mismatch(number_id, message, e));
        let resp = match sent {
            Ok(resp) => resp,
            Err(e) => {
                let (state, code, title, details) = match &e {
                    Error::Api(api) if api.kind == ApiErrorKind::OutcomeUnknown => {
                        (history::OUTCOME_UNKNOWN, None, None, api.message.clone())
                    }
                    Error::Api(api) => (
                        history::NOT_SENT,
                        api.code,
                        api.explanation.clone().or_else(|| api.message.clone()),
                        api.raw.clone().or_else(|| api.details.clone()),
                    ),
                    other => (history::NOT_SENT, None, Some(other.to_string()), None),
                };
                let what = match template_name {
                    Some(t) => {
                        format!("template {t} ({}) to {to}", template_language.unwrap_or(""))
                    }
                    None => format!("text to {to}"),
                };
                self.write(&[Topic::Messages, Topic::Audit], Some(number_id), |tx| {
                    history::attempt_ended(
                        tx,
                        attempt_id,
                        state,
                        code,
                        title.as_deref(),
                        details.as_deref(),
                    )?;
                    if state == history::OUTCOME_UNKNOWN {
                        audit::record(
                            tx,
                            actor,
                            NewAudit {
                                number_id: Some(number_id),
                                detail: &format!("{what}: attempt {reference}, answer lost"),
                                ..NewAudit::of(AuditAction::MessageOutcomeUnknown)
                            },
                        )?;
                    }
                    Ok(())
                })?;
                return Err(match e {
                    Error::Api(mut api) if api.kind == ApiErrorKind::OutcomeUnknown => {
                        // Names the attempt, so History (or `history show`) finds it.
                        let text = api.explanation.take().unwrap_or_default();
                        api.explanation = Some(format!("{text} Its reference is {reference}."));
                        Error::Api(api)
                    }
                    other => other,
                });
            }
        };
        let wamid = resp.wamid().unwrap_or_default().to_string();
        let response = serde_json::to_value(&resp).unwrap_or(Value::Null);
        let contact = resp
            .contacts
            .first()
            .map(|c| c.wa_id.clone())
            .unwrap_or(contact);
        self.write(&[Topic::Messages, Topic::Audit], Some(number_id), |tx| {
            history::attempt_accepted(tx, attempt_id, &wamid, &contact, &response)?;
            // Colleagues see it in History too, through the team relay (if one is set up).
            crate::relay::queue_send_report(tx, &wamid)?;
            let what = match template_name {
                Some(t) => format!("template {t} ({}) to {to}", template_language.unwrap_or("")),
                None => format!("text to {to}"),
            };
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!("{what}: {wamid}"),
                    ..NewAudit::of(AuditAction::MessageSent)
                },
            )
        })?;
        self.relay_sends_queued.notify_one();
        Ok(resp)
    }

    /// Settles the attempts a process left in `sending` when it stopped mid-send (killed,
    /// crashed, power lost): they become `outcome_unknown` ("check before resending"), each
    /// audited. Run by [`Core::open`]. Returns how many.
    pub(crate) fn settle_interrupted_sends(&self) -> Result<usize> {
        self.write(&[Topic::Messages, Topic::Audit], None, |tx| {
            let settled = history::settle_interrupted(tx)?;
            for a in &settled {
                let what = match &a.template_name {
                    Some(t) => format!(
                        "template {t} ({}) to {}",
                        a.template_language.as_deref().unwrap_or(""),
                        a.contact
                    ),
                    None => format!("message to {}", a.contact),
                };
                audit::record(
                    tx,
                    Actor::System,
                    NewAudit {
                        number_id: a.number_id,
                        detail: &format!(
                            "{what}: attempt {}, the app stopped before the answer",
                            a.reference.as_deref().unwrap_or("?")
                        ),
                        ..NewAudit::of(AuditAction::MessageOutcomeUnknown)
                    },
                )?;
            }
            Ok(settled.len())
        })
    }

    /// Error 132000 (parameter count): says what the cached template expects against what was
    /// sent, before Meta's generic explanation.
    fn explain_mismatch(&self, number_id: i64, message: &Outgoing, e: Error) -> Error {
        let Error::Api(mut api) = e else { return e };
        if let (
            Some(132000),
            Outgoing::Template {
                name,
                language,
                components,
                ..
            },
        ) = (api.code, message)
        {
            let sent = Value::from(components.clone());
            if let Some(what) = self
                .template(number_id, name, language)
                .ok()
                .and_then(|t| crate::templates::form::describe_mismatch(t.shape(), &sent))
            {
                let rest = api.explanation.take().unwrap_or_default();
                let mut what = what;
                what.replace_range(..1, &what[..1].to_uppercase());
                api.explanation = Some(format!("{what}. {rest}").trim_end().to_string());
            }
        }
        Error::Api(api)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Environment;
    use crate::numbers::NumberInput;
    use crate::ErrorCode;

    #[tokio::test]
    async fn a_text_is_checked_before_anything_is_sent() {
        let core = Core::in_memory();
        // No key: a text that passes the checks fails for that reason instead.
        let id = core
            .add_number(
                NumberInput {
                    phone: "+4915100000001".into(),
                    label: "n".into(),
                    environment: Environment::Simulator,
                    base_url: None,
                    notes: None,
                },
                Actor::Ui,
            )
            .unwrap()
            .id;
        let refused = |r: Result<SendResponse>| {
            let e = r.unwrap_err();
            assert_eq!(e.code(), ErrorCode::Validation, "{e}");
            e.to_string()
        };
        assert!(
            refused(core.send_text(id, "0151 234567", "hi", Actor::Ui).await)
                .contains("country code")
        );
        assert!(
            refused(core.send_text(id, "+4915123456789", "  ", Actor::Ui).await)
                .contains("1 to 4096")
        );
        let long = "x".repeat(MAX_TEXT_BODY + 1);
        assert!(
            refused(core.send_text(id, "+4915123456789", &long, Actor::Ui).await)
                .contains("this one has 4097")
        );
        let e = core
            .send_text(id, "+49 151 2345 6789", "hi", Actor::Ui)
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("no API key"),
            "a valid text goes on to the number's key: {e}"
        );
    }

    #[test]
    fn sends_interrupted_by_a_stop_are_outcome_unknown_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let secrets: std::sync::Arc<dyn crate::secrets::SecretStore> =
            std::sync::Arc::new(crate::secrets::MemoryStore::new());
        let attempt = |core: &Core, number_id: i64, reference: &str| -> i64 {
            let request = serde_json::json!({"to": "4915123456789"});
            core.write(&[Topic::Messages], Some(number_id), |tx| {
                history::record_attempt(
                    tx,
                    &Attempt {
                        number_id,
                        phone_number_id: None,
                        reference,
                        contact: "4915123456789",
                        kind: "template",
                        template_name: Some("order_confirmation"),
                        template_language: Some("en_US"),
                        body: Some("Your order is confirmed"),
                        parameters: None,
                        request: &request,
                    },
                )
            })
            .unwrap()
        };
        let (number_id, answered, refused) = {
            let core = Core::open(dir.path(), secrets.clone()).unwrap();
            let number_id = core
                .add_number(
                    NumberInput {
                        phone: "+4915100000001".into(),
                        label: "n".into(),
                        environment: Environment::Simulator,
                        base_url: None,
                        notes: None,
                    },
                    Actor::Ui,
                )
                .unwrap()
                .id;
            // Three sends in flight when the process is killed.
            attempt(&core, number_id, "wd-killed");
            (
                number_id,
                attempt(&core, number_id, "wd-answered"),
                attempt(&core, number_id, "wd-refused"),
            )
        };
        let core = Core::open(dir.path(), secrets.clone()).unwrap();
        let detail = |key: &str| {
            core.db
                .with_conn(|c| history::detail(c, key))
                .unwrap()
                .unwrap()
        };
        for key in ["wd-killed", "wd-answered", "wd-refused"] {
            let d = detail(key);
            assert_eq!(d.message.status, "outcome_unknown", "{key}");
            assert_eq!(
                d.message.error_title.as_deref(),
                Some(history::INTERRUPTED_TITLE)
            );
            assert!(
                d.error_details
                    .as_deref()
                    .is_some_and(|t| t.contains("check before resending")),
                "{:?}",
                d.error_details
            );
        }
        let audited = crate::audit::list(
            &core.db,
            &crate::audit::AuditFilter {
                number_id: Some(number_id),
                action: Some(AuditAction::MessageOutcomeUnknown),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(audited.len(), 3);
        assert!(audited.iter().all(|a| a.actor == "system"));
        assert!(
            audited
                .iter()
                .any(|a| a.detail.contains("wd-killed") && a.detail.contains("order_confirmation")),
            "{audited:?}"
        );

        // An answer that still comes (the send of another process) settles the row as usual.
        core.write(&[Topic::Messages], Some(number_id), |tx| {
            history::attempt_accepted(
                tx,
                answered,
                "wamid.ANSWERED",
                "4915123456789",
                &serde_json::json!({}),
            )?;
            history::attempt_ended(tx, refused, history::NOT_SENT, Some(131_026), None, None)
        })
        .unwrap();
        assert_eq!(detail("wd-answered").message.status, "accepted");
        assert_eq!(detail("wd-refused").message.status, "not_sent");
        assert_eq!(detail("wd-killed").message.status, "outcome_unknown");

        // Nothing is left to settle at the start after.
        drop(core);
        let core = Core::open(dir.path(), secrets).unwrap();
        assert_eq!(core.settle_interrupted_sends().unwrap(), 0);
    }
}
