//! A number's onboarding checklist: key verified · webhook set and answering · profile
//! complete · components set · a test message delivered. Read from the database only (what
//! the last reads and saves learnt), so the Numbers page shows every number's progress
//! without a call to 360dialog per number.

use serde::Serialize;
use ts_rs::TS;

use super::store;
use crate::events::Topic;
use crate::numbers::{self, KeyState, NumberView};
use crate::service::Core;
use crate::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChecklistStep {
    KeyVerified,
    WebhookAnswering,
    ProfileComplete,
    ComponentsSet,
    TestDelivered,
}

impl ChecklistStep {
    pub const ALL: [ChecklistStep; 5] = [
        ChecklistStep::KeyVerified,
        ChecklistStep::WebhookAnswering,
        ChecklistStep::ProfileComplete,
        ChecklistStep::ComponentsSet,
        ChecklistStep::TestDelivered,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ChecklistStep::KeyVerified => "API key verified",
            ChecklistStep::WebhookAnswering => "Webhook set and answering",
            ChecklistStep::ProfileComplete => "Business profile complete",
            ChecklistStep::ComponentsSet => "Conversational components set",
            ChecklistStep::TestDelivered => "A test message delivered",
        }
    }

    /// Where it is done: a sidebar section, and a part of its page.
    fn place(self) -> (&'static str, Option<&'static str>) {
        match self {
            ChecklistStep::KeyVerified => ("numbers", None),
            ChecklistStep::WebhookAnswering => ("webhook", None),
            ChecklistStep::ProfileComplete => ("setup", Some("profile")),
            ChecklistStep::ComponentsSet => ("setup", Some("components")),
            ChecklistStep::TestDelivered => ("send", None),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ChecklistItem {
    pub step: ChecklistStep,
    pub label: String,
    pub done: bool,
    /// What is known, or what is left to do, in plain words.
    pub detail: String,
    /// The sidebar section where it is done.
    pub section: String,
    /// The part of that page (`profile`, `components`), if any.
    pub part: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Checklist {
    #[ts(type = "number")]
    pub number_id: i64,
    pub items: Vec<ChecklistItem>,
    #[ts(type = "number")]
    pub done: u32,
    #[ts(type = "number")]
    pub total: u32,
}

/// A number's progress, for the Numbers page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NumberProgress {
    #[ts(type = "number")]
    pub number_id: i64,
    #[ts(type = "number")]
    pub done: u32,
    #[ts(type = "number")]
    pub total: u32,
    /// The steps still open.
    pub open: Vec<ChecklistStep>,
}

fn item(step: ChecklistStep, done: bool, detail: String) -> ChecklistItem {
    let (section, part) = step.place();
    ChecklistItem {
        step,
        label: step.label().into(),
        done,
        detail,
        section: section.into(),
        part: part.map(str::to_string),
    }
}

fn build(c: &rusqlite::Connection, number: &NumberView) -> Result<Checklist> {
    let id = number.id;
    let state = store::state(c, id)?;
    let (webhook, _) = numbers::store::webhook_known(c, id)?;
    let last_event = store::last_event_at(c, id)?;
    let delivered = store::delivered_message_at(c, id)?;

    let key = match number.key_state {
        KeyState::Verified => item(
            ChecklistStep::KeyVerified,
            true,
            format!(
                "verified {}",
                number
                    .key_verified_at
                    .as_deref()
                    .map(crate::util::readable_time)
                    .unwrap_or_default()
            )
            .trim()
            .to_string(),
        ),
        KeyState::None => item(
            ChecklistStep::KeyVerified,
            false,
            "no API key yet: paste the key from the 360dialog Hub".into(),
        ),
        KeyState::Unverified => item(
            ChecklistStep::KeyVerified,
            false,
            "the key is stored but not verified: verify it".into(),
        ),
        KeyState::Superseded => item(
            ChecklistStep::KeyVerified,
            false,
            "360dialog rejected the key (a newer one was generated): paste the new key".into(),
        ),
    };

    let tested_ok = state.endpoint_test_ok == Some(true)
        && webhook.is_some()
        && state.endpoint_test_url == webhook;
    let webhook_item = match (&webhook, tested_ok, &last_event) {
        (None, _, _) => item(
            ChecklistStep::WebhookAnswering,
            false,
            "no webhook set yet".into(),
        ),
        (Some(url), true, _) => item(
            ChecklistStep::WebhookAnswering,
            true,
            format!("{url} answered the endpoint test"),
        ),
        (Some(url), false, Some(at)) => item(
            ChecklistStep::WebhookAnswering,
            true,
            format!(
                "{url} is set; the inbox received an event at {}",
                crate::util::readable_time(at)
            ),
        ),
        (Some(url), false, None) => item(
            ChecklistStep::WebhookAnswering,
            false,
            if state.endpoint_test_ok == Some(false) && state.endpoint_test_url == webhook {
                format!("{url} is set but did not answer the endpoint test with 200")
            } else {
                format!("{url} is set: test the endpoint to see it answer")
            },
        ),
    };

    let profile = match state.profile_complete {
        Some(true) => item(
            ChecklistStep::ProfileComplete,
            true,
            "every field is filled in".into(),
        ),
        Some(false) => item(
            ChecklistStep::ProfileComplete,
            false,
            format!("still empty: {}", state.profile_missing.replace(',', ", ")),
        ),
        None => item(
            ChecklistStep::ProfileComplete,
            false,
            "not read yet: open the business profile".into(),
        ),
    };

    let components = match state.components_set {
        Some(true) => item(ChecklistStep::ComponentsSet, true, "configured".into()),
        Some(false) => item(
            ChecklistStep::ComponentsSet,
            false,
            "no welcome message, ice breaker or command yet".into(),
        ),
        None => item(
            ChecklistStep::ComponentsSet,
            false,
            "not read yet: open the conversational components".into(),
        ),
    };

    let test = match delivered {
        Some(at) => item(
            ChecklistStep::TestDelivered,
            true,
            format!(
                "a message sent at {} was delivered",
                crate::util::readable_time(&at)
            ),
        ),
        None => item(
            ChecklistStep::TestDelivered,
            false,
            "no sent message has been delivered yet: send a test message".into(),
        ),
    };

    let items = vec![key, webhook_item, profile, components, test];
    let done = items.iter().filter(|i| i.done).count() as u32;
    Ok(Checklist {
        number_id: id,
        total: items.len() as u32,
        done,
        items,
    })
}

impl Core {
    /// The number's onboarding checklist, from what WABA Desk knows (no call to 360dialog).
    pub fn checklist(&self, number_id: i64) -> Result<Checklist> {
        let number = self.number(number_id)?;
        self.db.with_conn(|c| build(c, &number))
    }

    /// Every number's checklist progress.
    pub fn onboarding_progress(&self) -> Result<Vec<NumberProgress>> {
        let numbers = self.list_numbers()?;
        self.db.with_conn(|c| {
            numbers
                .iter()
                .map(|n| {
                    let list = build(c, n)?;
                    Ok(NumberProgress {
                        number_id: n.id,
                        done: list.done,
                        total: list.total,
                        open: list
                            .items
                            .iter()
                            .filter(|i| !i.done)
                            .map(|i| i.step)
                            .collect(),
                    })
                })
                .collect()
        })
    }

    /// Remembers the answer of an endpoint test of the number's webhook (the checklist's
    /// "answering").
    pub(crate) fn record_endpoint_test(&self, number_id: i64, url: &str, ok: bool) -> Result<()> {
        self.write(&[Topic::Onboarding], Some(number_id), |tx| {
            store::set_endpoint_test(tx, number_id, ok, url)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Environment;
    use crate::audit::Actor;
    use crate::numbers::NumberInput;

    fn core_with_number() -> (Core, i64) {
        let core = Core::in_memory();
        let n = core
            .add_number(
                NumberInput {
                    phone: "+4915123456789".into(),
                    label: "Support".into(),
                    environment: Environment::Simulator,
                    base_url: None,
                    notes: None,
                },
                Actor::Ui,
            )
            .unwrap();
        (core, n.id)
    }

    #[test]
    fn a_new_number_has_every_step_open_and_each_links_where_it_is_done() {
        let (core, id) = core_with_number();
        let list = core.checklist(id).unwrap();
        assert_eq!((list.done, list.total), (0, 5));
        let steps: Vec<ChecklistStep> = list.items.iter().map(|i| i.step).collect();
        assert_eq!(steps, ChecklistStep::ALL);
        assert_eq!(list.items[2].section, "setup");
        assert_eq!(list.items[2].part.as_deref(), Some("profile"));
        assert_eq!(list.items[4].section, "send");
        let progress = core.onboarding_progress().unwrap();
        assert_eq!(progress[0].open.len(), 5);
    }

    #[test]
    fn saved_states_tick_their_steps() {
        let (core, id) = core_with_number();
        core.db
            .with_tx(|tx| {
                assert!(store::set_profile_state(tx, id, false, "email,vertical")?);
                assert!(!store::set_profile_state(tx, id, false, "email,vertical")?);
                assert!(store::set_components_state(tx, id, true)?);
                numbers::store::set_webhook_known(tx, id, Some("https://hooks.example.com/w"))
            })
            .unwrap();
        let list = core.checklist(id).unwrap();
        assert!(!list.items[2].done);
        assert_eq!(list.items[2].detail, "still empty: email, vertical");
        assert!(list.items[3].done);
        assert!(!list.items[1].done, "set but not seen answering");
        core.record_endpoint_test(id, "https://hooks.example.com/w", true)
            .unwrap();
        assert!(core.checklist(id).unwrap().items[1].done);
        // A test of another URL says nothing of the one set.
        core.record_endpoint_test(id, "https://other.example.com/", true)
            .unwrap();
        assert!(!core.checklist(id).unwrap().items[1].done);
    }
}
