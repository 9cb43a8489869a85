//! A number's extra webhook destinations (360dialog's multi-webhook).

use super::url_rules::{check_headers, check_url_for, invalid};
use crate::api::{Destination, MultiWebhook};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::service::Core;
use crate::Result;

impl Core {
    /// The number's extra webhook destinations.
    pub async fn destinations(&self, number_id: i64, actor: Actor) -> Result<MultiWebhook> {
        self.call(
            number_id,
            actor,
            |c| async move { c.get_multi_webhook().await },
        )
        .await
    }

    /// Adds a destination, or updates the one with the same name; enables extra destinations.
    /// The URL follows the same rules as the main webhook; 360dialog allows 3 unique URLs per
    /// number, the main one included.
    pub async fn save_destination(
        &self,
        number_id: i64,
        dest: Destination,
        actor: Actor,
    ) -> Result<MultiWebhook> {
        let name = dest.name.trim().to_string();
        if name.is_empty() || name.len() > 64 {
            return Err(invalid(
                "give the destination a name (at most 64 characters)",
            ));
        }
        let url = check_url_for(&dest.url, self.number(number_id)?.environment)?;
        check_headers(&dest.headers)?;
        let dest = Destination {
            name: name.clone(),
            url: url.clone(),
            headers: dest.headers,
        };
        let current = self.destinations(number_id, actor).await?;
        let exists = current.destinations.iter().any(|d| d.name == name);
        let one = vec![dest];
        let mut result = self
            .call(number_id, actor, |c| async move {
                if exists {
                    c.update_destinations(&one).await
                } else {
                    c.add_destinations(&one).await
                }
            })
            .await?;
        if !result.enabled {
            result = self
                .call(number_id, actor, |c| async move {
                    c.set_multi_webhook(true, None).await
                })
                .await?;
        }
        self.write(&[Topic::Webhook, Topic::Audit], Some(number_id), |c| {
            audit::record(
                c,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!("{name}: {url}"),
                    ..NewAudit::of(AuditAction::WebhookDestinationSaved)
                },
            )
        })?;
        Ok(result)
    }

    /// Removes the destination named `name`: 360dialog's multi-webhook has no delete, so the
    /// configuration is sent again (POST, keeping `enabled`) without it. An unknown name is a
    /// validation error and nothing is sent.
    pub async fn remove_destination(
        &self,
        number_id: i64,
        name: &str,
        actor: Actor,
    ) -> Result<MultiWebhook> {
        let current = self.destinations(number_id, actor).await?;
        let Some(gone) = current
            .destinations
            .iter()
            .find(|d| d.name == name)
            .cloned()
        else {
            return Err(invalid(format!("there is no destination named '{name}'")));
        };
        let rest: Vec<Destination> = current
            .destinations
            .into_iter()
            .filter(|d| d.name != name)
            .collect();
        let enabled = current.enabled;
        let result = self
            .call(number_id, actor, |c| async move {
                c.set_multi_webhook(enabled, Some(&rest)).await
            })
            .await?;
        self.write(&[Topic::Webhook, Topic::Audit], Some(number_id), |c| {
            audit::record(
                c,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!("{}: {}", gone.name, gone.url),
                    ..NewAudit::of(AuditAction::WebhookDestinationRemoved)
                },
            )
        })?;
        Ok(result)
    }

    /// Turns the extra destinations on or off (they are kept).
    pub async fn set_destinations_enabled(
        &self,
        number_id: i64,
        enabled: bool,
        actor: Actor,
    ) -> Result<MultiWebhook> {
        let r = self
            .call(number_id, actor, |c| async move {
                c.set_multi_webhook(enabled, None).await
            })
            .await?;
        self.write(&[Topic::Webhook, Topic::Audit], Some(number_id), |c| {
            audit::record(
                c,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: if enabled { "enabled" } else { "disabled" },
                    ..NewAudit::of(AuditAction::WebhookDestinationsToggled)
                },
            )
        })?;
        Ok(r)
    }
}
