//! The webview may call exactly the app's own commands, each granted by name, and the CSP
//! allows no inline script and no remote origin.

use std::collections::BTreeSet;

fn read(rel: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// Quoted names inside the `[...]` that follows `marker` in `text`.
fn quoted_list(text: &str, marker: &str) -> BTreeSet<String> {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not found"));
    let rest = &text[start + marker.len()..];
    let list = &rest[..rest.find(']').unwrap()];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn build_rs_commands() -> BTreeSet<String> {
    quoted_list(&read("build.rs"), "const COMMANDS: &[&str] = &[")
}

#[test]
fn every_registered_command_is_in_the_manifest() {
    let lib = read("src/lib.rs");
    let start = lib.find("generate_handler![").unwrap();
    let list = &lib[start..start + lib[start..].find(']').unwrap()];
    let registered: BTreeSet<String> = list
        .split(',')
        .filter_map(|p| {
            p.trim()
                .rsplit("::")
                .next()
                .map(str::trim)
                .map(str::to_string)
        })
        .filter(|n| !n.is_empty() && !n.starts_with("generate_handler"))
        .collect();
    assert_eq!(registered, build_rs_commands());
}

#[test]
fn the_capability_grants_each_command_and_nothing_else() {
    let cap: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let granted: BTreeSet<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission names only").to_string())
        .collect();
    let expected: BTreeSet<String> = build_rs_commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(
        granted, expected,
        "no plugin or core permissions for the webview"
    );
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
}

#[test]
fn csp_is_strict() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    for (directive, value) in csp.as_object().unwrap() {
        let v = value.as_str().unwrap();
        assert!(
            !v.contains("unsafe-inline") && !v.contains("unsafe-eval"),
            "{directive}: {v}"
        );
        for source in v.split_whitespace() {
            let remote = source.starts_with("http") && source != "http://ipc.localhost";
            assert!(
                !remote && source != "*",
                "{directive} allows a remote origin: {source}"
            );
        }
    }
    assert_eq!(conf["app"]["security"]["freezePrototype"], true);
}
