//! Message templates: Meta's rules checked before submit ([`lint`]), the builder's draft and the
//! create body built from it ([`draft`]), the send-time form and components derived from a
//! template's placeholders ([`form`]), the local library synced from the API ([`library`]),
//! builder drafts saved per number ([`saved`]), and QA runs over every language variant ([`qa`]).

pub mod curl;
pub mod draft;
pub mod form;
pub mod languages;
pub mod library;
pub mod lint;
pub mod qa;
pub mod saved;

pub use lint::{lint, placeholders, LintIssue};

/// Placeholder names of a text, in order (`1`, `2` or `first_name`).
pub fn placeholder_names(text: &str) -> Vec<String> {
    placeholders(text).into_iter().map(|(_, _, n)| n).collect()
}
