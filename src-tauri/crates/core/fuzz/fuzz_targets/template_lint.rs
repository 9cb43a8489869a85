//! Template-create bodies (JSON) through the linter and the builder's draft: no panic, every
//! problem at a known field with a reason, and a draft reads back as itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wabadesk_core::templates::draft::TemplateDraft;
use wabadesk_core::templates::lint;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    for issue in lint(&v) {
        assert!(
            ["name", "category", "language", "parameter_format"].contains(&issue.path.as_str())
                || issue.path.starts_with("components"),
            "{}",
            issue.path
        );
        assert!(!issue.message.is_empty());
    }
    let check = TemplateDraft::from_body(&v).check();
    assert_eq!(TemplateDraft::from_body(&check.body).to_body(), check.body);
});
