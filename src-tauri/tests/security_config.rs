//! The webview may call exactly the app's own commands, each granted by name, and the CSP
//! allows no inline script and no remote origin.

use std::collections::BTreeSet;

fn read(rel: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// `(module, command)` for each line of `commands.list`, the one list of the app's commands.
fn listed() -> Vec<(String, String)> {
    read("commands.list")
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (m, c) = l.split_once("::").expect("module::command");
            (m.to_string(), c.to_string())
        })
        .collect()
}

fn listed_commands() -> BTreeSet<String> {
    listed().into_iter().map(|(_, c)| c).collect()
}

/// `(module, command)` for each `#[tauri::command]` function under src/commands/.
fn defined() -> BTreeSet<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("#[tauri::command") {
            let after = &text[i..];
            let name_at = after.find("fn ").expect("a function follows the attribute") + 3;
            let name: String = after[name_at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert((module.clone(), name));
        }
    }
    out
}

#[test]
fn every_command_is_listed_once_under_its_module() {
    let list = listed();
    assert_eq!(
        list.len(),
        listed_commands().len(),
        "a command is listed twice"
    );
    let list: BTreeSet<(String, String)> = list.into_iter().collect();
    assert_eq!(
        defined(),
        list,
        "commands.list and the #[tauri::command] functions under src/commands/ differ"
    );
}

#[test]
fn registration_and_manifest_come_from_the_list() {
    let lib = read("src/lib.rs");
    assert!(
        lib.contains(r#".invoke_handler(include!(concat!(env!("OUT_DIR"), "/commands.rs")))"#),
        "lib.rs registers the generated handler and nothing else"
    );
    assert_eq!(lib.matches("generate_handler!").count(), 0);
    let build = read("build.rs");
    assert!(build.contains(r#"const LIST: &str = "commands.list";"#));
    assert!(build.contains("AppManifest::new().commands(commands)"));
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
    // Listening to the app's change events is the only core permission; no plugin at all.
    let expected: BTreeSet<String> = listed_commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .chain([
            "core:event:allow-listen".into(),
            "core:event:allow-unlisten".into(),
        ])
        .collect();
    assert_eq!(
        granted, expected,
        "only the app's commands and event listening for the webview"
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
    for command in listed_commands() {
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
