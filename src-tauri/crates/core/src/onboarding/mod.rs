//! Setting a number up: its business profile, conversational components, block list, health
//! in full, and the checklist that ties them together (with where each item is done).

pub mod block;
pub mod business_profile;
pub mod checklist;
pub mod components;
pub mod health;
mod store;

use serde::Serialize;
use ts_rs::TS;

pub use block::{BlockChange, BlockOutcome, BLOCK_MAX_PER_REQUEST};
pub use business_profile::{
    BusinessProfileInput, BusinessProfileView, ProfileChange, ProfileCheck, Vertical,
};
pub use checklist::{Checklist, ChecklistItem, ChecklistStep, NumberProgress};
pub use components::{ComponentsCheck, ComponentsView};
pub use health::{HealthMeaning, NumberHealth};

/// A limit an input breaks, at its form field (`index`: which item of a list, from 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldProblem {
    pub field: String,
    #[ts(type = "number | null")]
    pub index: Option<u32>,
    pub message: String,
}

/// The form field names errors carry (the UI shows a message at its field).
const FIELDS: [&str; 11] = [
    "about",
    "description",
    "address",
    "email",
    "websites",
    "vertical",
    "photo",
    "welcome",
    "prompts",
    "commands",
    "users",
];

fn field_name(field: &str) -> &'static str {
    FIELDS.into_iter().find(|f| *f == field).unwrap_or("form")
}

/// The first problem as the error a save refuses with (at its field).
fn refuse(problems: &[FieldProblem]) -> crate::Result<()> {
    match problems.first() {
        None => Ok(()),
        Some(p) => Err(crate::Error::InvalidField {
            field: field_name(&p.field),
            message: match p.index {
                Some(i) if problems.len() > 1 => format!(
                    "{} (item {}; {} problems in all)",
                    p.message,
                    i + 1,
                    problems.len()
                ),
                Some(i) => format!("{} (item {})", p.message, i + 1),
                None if problems.len() > 1 => {
                    format!("{} ({} problems in all)", p.message, problems.len())
                }
                None => p.message.clone(),
            },
        }),
    }
}
