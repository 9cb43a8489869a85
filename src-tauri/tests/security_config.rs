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

/// Every `.ts`/`.tsx` file under `dir`, except tests and the generated bindings.
fn ui_sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            if name != "bindings" {
                ui_sources(&p, out);
            }
        } else if (name.ends_with(".ts") || name.ends_with(".tsx")) && !name.contains(".test.") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
}

/// Whether `text` holds `word` as a whole identifier.
fn has_identifier(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[test]
fn the_capability_grants_nothing_the_ui_does_not_use() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
    let ipc = std::fs::read_to_string(root.join("lib/ipc/commands.ts")).unwrap();
    let mut sources = Vec::new();
    ui_sources(&root, &mut sources);
    let pages: Vec<&(String, String)> = sources
        .iter()
        .filter(|(p, _)| !p.ends_with("lib/ipc/commands.ts"))
        .collect();
    // Each exported wrapper in the IPC module, with the commands it calls.
    let wrappers: Vec<(String, &str)> = ipc
        .split("\nexport ")
        .skip(1)
        .filter_map(|chunk| {
            let rest = chunk
                .strip_prefix("const ")
                .or_else(|| chunk.strip_prefix("function "))
                .or_else(|| chunk.strip_prefix("async function "))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            Some((name, chunk))
        })
        .collect();
    let mut unused = Vec::new();
    for command in build_rs_commands() {
        let quoted = format!("\"{command}\"");
        let callers: Vec<&String> = wrappers
            .iter()
            .filter(|(_, body)| body.contains(&quoted))
            .map(|(name, _)| name)
            .collect();
        assert!(
            !callers.is_empty(),
            "{command} is granted but the IPC module never calls it"
        );
        let used = callers
            .iter()
            .any(|w| pages.iter().any(|(_, text)| has_identifier(text, w)));
        if !used {
            unused.push(format!("{command} (via {callers:?})"));
        }
    }
    assert!(
        unused.is_empty(),
        "granted, but no page uses them: {unused:?}"
    );
}
