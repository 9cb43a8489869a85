//! `components`: a number's conversational components (welcome message, ice breakers,
//! commands). Every value is checked before anything is sent.

use std::path::Path;

use clap::{Subcommand, ValueEnum};
use wabadesk_core::api::{BotCommand, ConversationalAutomation};
use wabadesk_core::audit::Actor;
use wabadesk_core::onboarding::ComponentsView;
use wabadesk_core::Error;

use crate::common::{name_field, open, refuse_problems, Output};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Subcommand, Debug)]
pub enum ComponentsCmd {
    /// Read a number's conversational components from 360dialog.
    Get { number: String },
    /// Change them (what is not given stays as it is).
    Set {
        number: String,
        /// The welcome message (360dialog sends `request_welcome` when a user first opens the chat).
        #[arg(long, value_enum)]
        welcome: Option<Switch>,
        /// An ice breaker (at most 4, 80 characters each; repeat the option). Replaces them.
        #[arg(long = "ice-breaker", value_name = "TEXT")]
        ice_breakers: Vec<String>,
        /// Remove every ice breaker.
        #[arg(long, conflicts_with = "ice_breakers")]
        no_ice_breakers: bool,
        /// A command as NAME=DESCRIPTION (at most 30; name 32, description 256 characters;
        /// repeat the option). Replaces them.
        #[arg(long = "command", value_name = "NAME=DESCRIPTION")]
        commands: Vec<String>,
        /// Remove every command.
        #[arg(long, conflicts_with = "commands")]
        no_commands: bool,
    },
}

fn view_text(v: &ComponentsView) -> String {
    let c = &v.components;
    let mut s = format!(
        "welcome message  {}\n",
        if c.enable_welcome_message {
            "on"
        } else {
            "off"
        }
    );
    if c.prompts.is_empty() {
        s += "ice breakers     (none)\n";
    }
    for p in &c.prompts {
        s += &format!("ice breaker      {p}\n");
    }
    if c.commands.is_empty() {
        s += "commands         (none)\n";
    }
    for cmd in &c.commands {
        s += &format!(
            "command          /{}  {}\n",
            cmd.command_name, cmd.command_description
        );
    }
    s
}

fn parse_command(s: &str) -> Result<BotCommand, Error> {
    let (name, description) = s
        .split_once('=')
        .ok_or_else(|| Error::Validation(format!("commands: '{s}': use NAME=DESCRIPTION")))?;
    Ok(BotCommand {
        command_name: name.trim().trim_start_matches('/').to_string(),
        command_description: description.trim().to_string(),
    })
}

pub async fn run(data_dir: &Path, cmd: ComponentsCmd) -> Result<Output, Error> {
    match cmd {
        ComponentsCmd::Get { number } => {
            let core = open(data_dir)?;
            let n = core.resolve_number(&number)?;
            let v = core.components(n.id, Actor::Cli).await?;
            Output::ok(&v, view_text(&v))
        }
        ComponentsCmd::Set {
            number,
            welcome,
            ice_breakers,
            no_ice_breakers,
            commands,
            no_commands,
        } => {
            let commands = commands
                .iter()
                .map(|c| parse_command(c))
                .collect::<Result<Vec<_>, _>>()?;
            let prompts = (no_ice_breakers || !ice_breakers.is_empty()).then_some(ice_breakers);
            let commands = (no_commands || !commands.is_empty()).then_some(commands);
            if welcome.is_none() && prompts.is_none() && commands.is_none() {
                return Err(Error::Validation(
                    "give something to change (--welcome, --ice-breaker, --command, --no-ice-breakers, --no-commands)".into(),
                ));
            }
            let core = open(data_dir)?;
            // The values given, checked before any call.
            refuse_problems(
                &core
                    .check_components(&ConversationalAutomation {
                        enable_welcome_message: false,
                        prompts: prompts.clone().unwrap_or_default(),
                        commands: commands.clone().unwrap_or_default(),
                    })
                    .problems,
            )?;
            let n = core.resolve_number(&number)?;
            let mut c = core.components(n.id, Actor::Cli).await?.components;
            if let Some(w) = welcome {
                c.enable_welcome_message = matches!(w, Switch::On);
            }
            if let Some(p) = prompts {
                c.prompts = p;
            }
            if let Some(cmds) = commands {
                c.commands = cmds;
            }
            let v = core
                .set_components(n.id, c, Actor::Cli)
                .await
                .map_err(name_field)?;
            Output::ok(&v, view_text(&v))
        }
    }
}
