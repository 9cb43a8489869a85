//! Conversational components (`/conversational_automation`): the welcome-message switch, ice
//! breakers and commands, checked against Meta's limits before anything is sent.

use serde::Serialize;
use ts_rs::TS;

use super::store;
use super::FieldProblem;
use crate::api::ConversationalAutomation;
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

/// At most 4 ice breakers of at most 80 characters (Meta's conversational components page).
pub const ICE_BREAKERS_MAX: usize = 4;
pub const ICE_BREAKER_MAX: usize = 80;
/// At most 30 commands; a name of at most 32 characters, a description of at most 256.
pub const COMMANDS_MAX: usize = 30;
pub const COMMAND_NAME_MAX: usize = 32;
pub const COMMAND_DESCRIPTION_MAX: usize = 256;

/// The components as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComponentsView {
    #[ts(type = "number")]
    pub number_id: i64,
    pub components: ConversationalAutomation,
    /// Something is configured (welcome message, an ice breaker or a command).
    pub set: bool,
}

/// The check of an edit: problems at their fields and items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ComponentsCheck {
    pub problems: Vec<FieldProblem>,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn problem(field: &str, index: Option<usize>, message: String) -> FieldProblem {
    FieldProblem {
        field: field.to_string(),
        index: index.map(|i| i as u32),
        message,
    }
}

/// Checks the components against Meta's limits. No I/O.
pub fn check(c: &ConversationalAutomation) -> ComponentsCheck {
    let mut problems = Vec::new();
    if c.prompts.len() > ICE_BREAKERS_MAX {
        problems.push(problem(
            "prompts",
            None,
            format!(
                "at most {ICE_BREAKERS_MAX} ice breakers ({} given)",
                c.prompts.len()
            ),
        ));
    }
    for (i, p) in c.prompts.iter().enumerate() {
        let n = chars(p.trim());
        if n == 0 {
            problems.push(problem(
                "prompts",
                Some(i),
                "an ice breaker needs text".into(),
            ));
        } else if chars(p) > ICE_BREAKER_MAX {
            problems.push(problem(
                "prompts",
                Some(i),
                format!(
                    "an ice breaker is at most {ICE_BREAKER_MAX} characters ({} now)",
                    chars(p)
                ),
            ));
        }
        if c.prompts[..i].iter().any(|q| q.trim() == p.trim()) && n > 0 {
            problems.push(problem(
                "prompts",
                Some(i),
                "this ice breaker is already in the list".into(),
            ));
        }
    }
    if c.commands.len() > COMMANDS_MAX {
        problems.push(problem(
            "commands",
            None,
            format!(
                "at most {COMMANDS_MAX} commands ({} given)",
                c.commands.len()
            ),
        ));
    }
    for (i, cmd) in c.commands.iter().enumerate() {
        let name = cmd.command_name.trim();
        if name.is_empty() {
            problems.push(problem(
                "commands",
                Some(i),
                "a command needs a name".into(),
            ));
        } else if chars(name) > COMMAND_NAME_MAX {
            problems.push(problem(
                "commands",
                Some(i),
                format!(
                    "a command name is at most {COMMAND_NAME_MAX} characters ({} now)",
                    chars(name)
                ),
            ));
        } else if !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            problems.push(problem(
                "commands",
                Some(i),
                format!("'{name}': a command name has only letters, digits and _ (no / or spaces; WhatsApp adds the /)"),
            ));
        } else if c.commands[..i]
            .iter()
            .any(|o| o.command_name.trim().eq_ignore_ascii_case(name))
        {
            problems.push(problem(
                "commands",
                Some(i),
                format!("the command '{name}' is already in the list"),
            ));
        }
        let d = cmd.command_description.trim();
        if d.is_empty() {
            problems.push(problem(
                "commands",
                Some(i),
                "a command needs a description".into(),
            ));
        } else if chars(d) > COMMAND_DESCRIPTION_MAX {
            problems.push(problem(
                "commands",
                Some(i),
                format!(
                    "a command description is at most {COMMAND_DESCRIPTION_MAX} characters ({} now)",
                    chars(d)
                ),
            ));
        }
    }
    ComponentsCheck { problems }
}

/// Whether anything is configured.
pub fn is_set(c: &ConversationalAutomation) -> bool {
    c.enable_welcome_message || !c.prompts.is_empty() || !c.commands.is_empty()
}

/// The components with surrounding spaces trimmed, as they are sent.
fn trimmed(c: &ConversationalAutomation) -> ConversationalAutomation {
    ConversationalAutomation {
        enable_welcome_message: c.enable_welcome_message,
        prompts: c.prompts.iter().map(|p| p.trim().to_string()).collect(),
        commands: c
            .commands
            .iter()
            .map(|cmd| crate::api::BotCommand {
                command_name: cmd.command_name.trim().to_string(),
                command_description: cmd.command_description.trim().to_string(),
            })
            .collect(),
    }
}

impl Core {
    fn components_view(
        &self,
        number_id: i64,
        components: ConversationalAutomation,
    ) -> Result<ComponentsView> {
        let set = is_set(&components);
        let changed = self
            .db
            .with_tx(|tx| store::set_components_state(tx, number_id, set))?;
        if changed {
            self.emit(&[Topic::Onboarding], Some(number_id));
        }
        Ok(ComponentsView {
            number_id,
            components,
            set,
        })
    }

    /// Reads the number's conversational components from 360dialog.
    pub async fn components(&self, number_id: i64, actor: Actor) -> Result<ComponentsView> {
        let c = self
            .call(number_id, actor, |c| async move {
                c.conversational_automation().await
            })
            .await?;
        self.components_view(number_id, c)
    }

    /// Checks components against the limits (no I/O).
    pub fn check_components(&self, components: &ConversationalAutomation) -> ComponentsCheck {
        check(components)
    }

    /// Checks and saves the conversational components (they replace the current ones);
    /// audited as `components_changed`.
    pub async fn set_components(
        &self,
        number_id: i64,
        components: ConversationalAutomation,
        actor: Actor,
    ) -> Result<ComponentsView> {
        super::refuse(&check(&components).problems)?;
        let sent = trimmed(&components);
        let body = sent.clone();
        self.call(number_id, actor, |c| async move {
            c.set_conversational_automation(&body).await
        })
        .await?;
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let detail = format!(
            "welcome message {}, {}, {}",
            if sent.enable_welcome_message {
                "on"
            } else {
                "off"
            },
            count(sent.prompts.len(), "ice breaker", "ice breakers"),
            count(sent.commands.len(), "command", "commands")
        );
        self.write(&[Topic::Audit], Some(number_id), |tx| {
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &detail,
                    ..NewAudit::of(AuditAction::ComponentsChanged)
                },
            )
        })?;
        match self.components(number_id, actor).await {
            Ok(v) => Ok(v),
            // Saved; reading it back failed: show what was sent.
            Err(Error::Api(e)) => {
                tracing::warn!(error = %e, "reading the components back failed");
                self.components_view(number_id, sent)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::BotCommand;
    use rstest::rstest;

    fn cmd(name: &str, description: &str) -> BotCommand {
        BotCommand {
            command_name: name.into(),
            command_description: description.into(),
        }
    }

    fn fields(c: ConversationalAutomation) -> Vec<(String, Option<u32>)> {
        check(&c)
            .problems
            .into_iter()
            .map(|p| (p.field, p.index))
            .collect()
    }

    #[rstest]
    #[case::four(4, 80, true)]
    #[case::five(5, 10, false)]
    #[case::eighty_one(1, 81, false)]
    #[case::zero(0, 0, true)]
    fn ice_breakers_at_most_4_of_80(#[case] count: usize, #[case] len: usize, #[case] ok: bool) {
        let prompts = (0..count)
            .map(|i| format!("{i}{}", "x".repeat(len.saturating_sub(1))))
            .collect();
        let p = fields(ConversationalAutomation {
            prompts,
            ..Default::default()
        });
        assert_eq!(p.is_empty(), ok, "{p:?}");
        assert!(p.iter().all(|(f, _)| f == "prompts"));
    }

    #[test]
    fn an_empty_or_repeated_ice_breaker_is_refused_at_its_item() {
        let p = fields(ConversationalAutomation {
            prompts: vec!["Track my order".into(), " ".into(), "Track my order".into()],
            ..Default::default()
        });
        assert_eq!(
            p,
            [("prompts".into(), Some(1)), ("prompts".into(), Some(2))]
        );
    }

    #[rstest]
    #[case::thirty(30, true)]
    #[case::thirty_one(31, false)]
    fn commands_at_most_30(#[case] count: usize, #[case] ok: bool) {
        let commands = (0..count)
            .map(|i| cmd(&format!("c{i}"), "does it"))
            .collect();
        let p = fields(ConversationalAutomation {
            commands,
            ..Default::default()
        });
        assert_eq!(p.is_empty(), ok, "{p:?}");
        if !ok {
            assert_eq!(p, [("commands".into(), None)]);
        }
    }

    #[rstest]
    #[case::name_32(&"n".repeat(32), "ok", true)]
    #[case::name_33(&"n".repeat(33), "ok", false)]
    #[case::description_256("help", &"d".repeat(256), true)]
    #[case::description_257("help", &"d".repeat(257), false)]
    #[case::slash("/help", "ok", false)]
    #[case::space("my help", "ok", false)]
    #[case::no_name("", "ok", false)]
    #[case::no_description("help", " ", false)]
    fn a_command_name_and_description_have_limits(
        #[case] name: &str,
        #[case] description: &str,
        #[case] ok: bool,
    ) {
        let p = fields(ConversationalAutomation {
            commands: vec![cmd("first", "the first"), cmd(name, description)],
            ..Default::default()
        });
        assert_eq!(p.is_empty(), ok, "{p:?}");
        if !ok {
            assert_eq!(p, [("commands".into(), Some(1))]);
        }
    }

    #[test]
    fn command_names_are_unique_ignoring_case() {
        let p = fields(ConversationalAutomation {
            commands: vec![cmd("help", "a"), cmd("HELP", "b")],
            ..Default::default()
        });
        assert_eq!(p, [("commands".into(), Some(1))]);
    }

    #[test]
    fn set_means_anything_configured() {
        assert!(!is_set(&ConversationalAutomation::default()));
        assert!(is_set(&ConversationalAutomation {
            enable_welcome_message: true,
            ..Default::default()
        }));
        assert!(is_set(&ConversationalAutomation {
            prompts: vec!["Hi".into()],
            ..Default::default()
        }));
    }
}
