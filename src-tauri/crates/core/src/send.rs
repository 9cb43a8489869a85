//! Sending messages: every send that 360dialog accepts is recorded in history (with its wamid,
//! request and answer) and in the audit log.

use serde_json::Value;

use crate::api::{Outgoing, SendResponse};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::history::{self, Outbound};
use crate::service::Core;
use crate::{Error, Result};

/// Longest text message body WhatsApp accepts.
pub const MAX_TEXT_BODY: usize = 4096;

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
        self.send_message(number_id, &message, actor).await
    }

    /// Sends a message from a number and records it. A 401 marks the key superseded; an
    /// answer that never came is reported as `outcome_unknown` and not recorded as sent.
    pub async fn send_message(
        &self,
        number_id: i64,
        message: &Outgoing,
        actor: Actor,
    ) -> Result<SendResponse> {
        let number = self.number(number_id)?;
        let request = message.to_json();
        let m = message.clone();
        let resp = self
            .call(number_id, actor, |c| async move { c.send(&m).await })
            .await
            .map_err(|e| self.explain_mismatch(number_id, message, e))?;
        let wamid = resp.wamid().unwrap_or_default().to_string();
        let response = serde_json::to_value(&resp).unwrap_or(Value::Null);
        let (to, kind, template_name, template_language, body) = match message {
            Outgoing::Text { to, body, .. } => (to, "text", None, None, Some(body.as_str())),
            Outgoing::Template {
                to, name, language, ..
            } => (
                to,
                "template",
                Some(name.as_str()),
                Some(language.as_str()),
                None,
            ),
        };
        let contact = resp
            .contacts
            .first()
            .map(|c| c.wa_id.clone())
            .unwrap_or_else(|| to.trim_start_matches('+').to_string());
        self.write(&[Topic::Messages, Topic::Audit], Some(number_id), |tx| {
            history::record_outbound(
                tx,
                &Outbound {
                    number_id,
                    phone_number_id: number.phone_number_id.as_deref(),
                    wamid: &wamid,
                    contact: &contact,
                    kind,
                    template_name,
                    template_language,
                    body,
                    request: &request,
                    response: &response,
                },
            )?;
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
        Ok(resp)
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
}
