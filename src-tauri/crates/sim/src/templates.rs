//! Template rules as Meta applies them at creation (reference §3.2–§3.4) and at send time
//! (§3.6). Written from the reference, independently of the core's own linter.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

/// A creation problem: Meta's user-facing title and message, and a subcode where Meta has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub subcode: Option<i64>,
    pub title: String,
    pub message: String,
}

fn reject(title: &str, message: impl Into<String>) -> Rejection {
    Rejection {
        subcode: None,
        title: title.to_string(),
        message: message.into(),
    }
}

fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}").expect("regex"))
}

/// The placeholder names in a text, in order (`"1"`, `"2"` or `"first_name"`).
pub fn placeholders(text: &str) -> Vec<String> {
    placeholder_re()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

fn upper(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_uppercase()
}

fn text_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Checks that placeholders are well-formed for the format and returns how many there are.
fn check_vars(where_: &str, vars: &[String], named: bool) -> Result<usize, Rejection> {
    if named {
        for v in vars {
            if !v.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(reject(
                    "Invalid variable name",
                    format!("{where_}: named parameters use lowercase letters and underscores: {{{{{v}}}}}"),
                ));
            }
        }
    } else {
        for (i, v) in vars.iter().enumerate() {
            if v.parse::<usize>().ok() != Some(i + 1) {
                return Err(reject(
                    "Invalid variable parameter",
                    format!(
                        "{where_}: variables must be numbered in order starting at {{{{1}}}}, found {{{{{v}}}}} in position {}",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok(vars.len())
}

/// Examples given for `vars` (positional: an array; named: objects with param_name).
fn check_examples(
    where_: &str,
    vars: &[String],
    named: bool,
    positional: Option<&Value>,
    named_examples: Option<&Value>,
) -> Result<(), Rejection> {
    if vars.is_empty() {
        return Ok(());
    }
    let missing = || {
        reject(
            "Missing sample values",
            format!("{where_}: every variable needs a sample value (example) for review"),
        )
    };
    if named {
        let given: Vec<&str> = named_examples
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.get("param_name").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if vars.iter().any(|v| !given.contains(&v.as_str())) {
            return Err(missing());
        }
    } else {
        let n = positional
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter(|s| s.as_str().is_some_and(|s| !s.is_empty()))
                    .count()
            })
            .unwrap_or(0);
        if n < vars.len() {
            return Err(missing());
        }
    }
    Ok(())
}

/// Validates a create-template body. Returns nothing on success: the caller stores it.
pub fn validate(body: &Value) -> Result<(), Rejection> {
    static NAME: OnceLock<Regex> = OnceLock::new();
    static LANG: OnceLock<Regex> = OnceLock::new();
    let name = text_of(body, "name");
    if name.is_empty()
        || name.len() > 512
        || !NAME
            .get_or_init(|| Regex::new("^[a-z0-9_]+$").expect("re"))
            .is_match(name)
    {
        return Err(reject(
            "Invalid template name",
            "Template names may contain only lowercase letters, digits and underscores (at most 512 characters).",
        ));
    }
    let category = upper(body, "category");
    if !matches!(
        category.as_str(),
        "AUTHENTICATION" | "MARKETING" | "UTILITY"
    ) {
        return Err(reject(
            "Invalid category",
            "category must be one of AUTHENTICATION, MARKETING, UTILITY",
        ));
    }
    let language = text_of(body, "language");
    if !LANG
        .get_or_init(|| Regex::new("^[a-z]{2,3}(_[A-Z]{2})?$").expect("re"))
        .is_match(language)
    {
        return Err(reject(
            "Invalid language",
            format!("language '{language}' is not a template language code"),
        ));
    }
    let named = body
        .get("parameter_format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.eq_ignore_ascii_case("named"));
    let Some(components) = body.get("components").and_then(Value::as_array) else {
        return Err(reject(
            "Missing components",
            "components must be a non-empty array",
        ));
    };
    let of_type = |t: &str| -> Vec<&Value> {
        components
            .iter()
            .filter(|c| upper(c, "type") == t)
            .collect()
    };
    for c in components {
        let t = upper(c, "type");
        if !matches!(
            t.as_str(),
            "HEADER" | "BODY" | "FOOTER" | "BUTTONS" | "CAROUSEL" | "LIMITED_TIME_OFFER"
        ) {
            return Err(reject(
                "Invalid component",
                format!("unknown component type '{t}'"),
            ));
        }
    }

    // BODY: exactly one.
    let bodies = of_type("BODY");
    if bodies.len() != 1 {
        return Err(reject(
            "Invalid body",
            "a template needs exactly one BODY component",
        ));
    }
    let body_c = bodies[0];
    let body_text = text_of(body_c, "text");
    if category != "AUTHENTICATION" {
        if body_text.trim().is_empty() {
            return Err(reject("Invalid body", "the BODY text is required"));
        }
        if body_text.chars().count() > 1024 {
            return Err(reject(
                "Message template character limit exceeded",
                "The BODY text is limited to 1024 characters.",
            ));
        }
        let vars = placeholders(body_text);
        check_vars("BODY", &vars, named)?;
        let trimmed = body_text.trim();
        if !vars.is_empty() && (trimmed.starts_with("{{") || trimmed.ends_with("}}")) {
            return Err(reject(
                "Variables can't be at the start or end of the template",
                "Move the variable so the BODY starts and ends with fixed text.",
            ));
        }
        let positional = body_c
            .get("example")
            .and_then(|e| e.get("body_text"))
            .and_then(|b| b.get(0));
        let named_ex = body_c
            .get("example")
            .and_then(|e| e.get("body_text_named_params"));
        check_examples("BODY", &vars, named, positional, named_ex)?;
    }

    // HEADER: at most one.
    let headers = of_type("HEADER");
    if headers.len() > 1 {
        return Err(reject(
            "Invalid header",
            "a template can have at most one HEADER",
        ));
    }
    if let Some(h) = headers.first() {
        match upper(h, "format").as_str() {
            "TEXT" => {
                let text = text_of(h, "text");
                if text.is_empty() || text.chars().count() > 60 {
                    return Err(reject(
                        "Message template character limit exceeded",
                        "A TEXT header needs text of at most 60 characters.",
                    ));
                }
                let vars = placeholders(text);
                if vars.len() > 1 {
                    return Err(reject(
                        "Invalid header",
                        "A TEXT header can have at most one variable.",
                    ));
                }
                check_vars("HEADER", &vars, named)?;
                let positional = h.get("example").and_then(|e| e.get("header_text"));
                let named_ex = h
                    .get("example")
                    .and_then(|e| e.get("header_text_named_params"));
                check_examples("HEADER", &vars, named, positional, named_ex)?;
            }
            "IMAGE" | "VIDEO" | "DOCUMENT" | "GIF" => {
                let has_handle = h
                    .get("example")
                    .and_then(|e| e.get("header_handle"))
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                if !has_handle {
                    return Err(reject(
                        "Missing sample media",
                        "A media header needs example.header_handle with an uploaded sample.",
                    ));
                }
            }
            "LOCATION" => {
                if category == "AUTHENTICATION" {
                    return Err(reject(
                        "Invalid header",
                        "LOCATION headers are for UTILITY or MARKETING templates.",
                    ));
                }
            }
            other => {
                return Err(reject(
                    "Invalid header",
                    format!("unknown header format '{other}'"),
                ));
            }
        }
    }

    // FOOTER: at most one, no variables.
    let footers = of_type("FOOTER");
    if footers.len() > 1 {
        return Err(reject(
            "Invalid footer",
            "a template can have at most one FOOTER",
        ));
    }
    if let Some(f) = footers.first() {
        let text = text_of(f, "text");
        let is_auth_footer =
            category == "AUTHENTICATION" && f.get("code_expiration_minutes").is_some();
        if !is_auth_footer {
            if text.is_empty() || text.chars().count() > 60 {
                return Err(reject(
                    "Message template character limit exceeded",
                    "The FOOTER text is limited to 60 characters.",
                ));
            }
            if !placeholders(text).is_empty() {
                return Err(reject(
                    "Invalid footer",
                    "The FOOTER cannot contain variables.",
                ));
            }
        }
    }

    // BUTTONS.
    let button_components = of_type("BUTTONS");
    if button_components.len() > 1 {
        return Err(reject(
            "Invalid buttons",
            "use one BUTTONS component for all buttons",
        ));
    }
    if let Some(bc) = button_components.first() {
        validate_buttons(bc, &category)?;
    }
    Ok(())
}

fn validate_buttons(bc: &Value, category: &str) -> Result<(), Rejection> {
    let buttons = bc
        .get("buttons")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if buttons.is_empty() || buttons.len() > 10 {
        return Err(reject(
            "Invalid buttons",
            "a BUTTONS component has 1 to 10 buttons",
        ));
    }
    let kinds: Vec<String> = buttons.iter().map(|b| upper(b, "type")).collect();
    let count = |k: &str| kinds.iter().filter(|x| x.as_str() == k).count();
    // Quick replies must be grouped: all together at the start or the end.
    let qr_positions: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| *k == "QUICK_REPLY")
        .map(|(i, _)| i)
        .collect();
    if let (Some(first), Some(last)) = (qr_positions.first(), qr_positions.last()) {
        if last - first + 1 != qr_positions.len() {
            return Err(reject(
                "Invalid button order",
                "Quick reply buttons must be grouped together, before or after the other buttons.",
            ));
        }
    }
    if count("URL") > 2 {
        return Err(reject(
            "Too many buttons",
            "A template can have at most 2 URL buttons.",
        ));
    }
    if count("PHONE_NUMBER") > 1 {
        return Err(reject(
            "Too many buttons",
            "A template can have at most 1 phone number button.",
        ));
    }
    if count("COPY_CODE") > 1 {
        return Err(reject(
            "Too many buttons",
            "A template can have at most 1 copy code button.",
        ));
    }
    for (b, kind) in buttons.iter().zip(&kinds) {
        let text = text_of(b, "text");
        if kind != "OTP" && (text.is_empty() || text.chars().count() > 25) && kind != "COPY_CODE" {
            return Err(reject(
                "Message template character limit exceeded",
                format!("{kind} button text must be 1 to 25 characters"),
            ));
        }
        match kind.as_str() {
            "QUICK_REPLY" => {}
            "URL" => {
                let url = text_of(b, "url");
                if url.is_empty() || url.len() > 2000 {
                    return Err(reject(
                        "Invalid URL button",
                        "URL buttons need a url of at most 2000 characters",
                    ));
                }
                let vars = placeholders(url);
                if vars.len() > 1 || (vars.len() == 1 && !url.trim_end().ends_with("}}")) {
                    return Err(reject(
                        "Invalid URL button",
                        "A URL button may have one variable, at the end of the URL.",
                    ));
                }
                let has_example = b
                    .get("example")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                if !vars.is_empty() && !has_example {
                    return Err(reject(
                        "Missing sample values",
                        "A URL button with a variable needs an example.",
                    ));
                }
            }
            "PHONE_NUMBER" => {
                let phone = text_of(b, "phone_number");
                if phone.is_empty() || phone.len() > 20 {
                    return Err(reject(
                        "Invalid phone number button",
                        "phone_number must be 1 to 20 characters",
                    ));
                }
            }
            "COPY_CODE" => {
                let example = b.get("example").and_then(Value::as_str).unwrap_or_default();
                if example.is_empty() || example.chars().count() > 20 {
                    return Err(reject(
                        "Invalid copy code button",
                        "A copy code button needs an example of at most 20 characters.",
                    ));
                }
            }
            "OTP" => {
                if category != "AUTHENTICATION" {
                    return Err(reject(
                        "Invalid button",
                        "OTP buttons are for AUTHENTICATION templates.",
                    ));
                }
            }
            "FLOW" | "VOICE_CALL" | "CATALOG" | "MPM" | "SPM" => {}
            other => {
                return Err(reject(
                    "Invalid button",
                    format!("unknown button type '{other}'"),
                ))
            }
        }
    }
    Ok(())
}

/// The components as Meta stores them: for authentication templates Meta writes the body
/// itself (`{{1}}` is the code), so listing shows that text.
pub fn meta_authored(body: &Value) -> Value {
    let mut components = body["components"].clone();
    if upper(body, "category") != "AUTHENTICATION" {
        return components;
    }
    for c in components.as_array_mut().into_iter().flatten() {
        if upper(c, "type") == "BODY" && c.get("text").is_none() {
            let mut text = "*{{1}}* is your verification code.".to_string();
            if c.get("add_security_recommendation")
                .and_then(Value::as_bool)
                == Some(true)
            {
                text.push_str(" For your security, do not share this code.");
            }
            c["text"] = Value::from(text);
        }
    }
    components
}

/// What a template expects at send time: placeholder counts and which buttons take a value.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub header: usize,
    pub body: usize,
    /// Indexes of buttons that need a parameter (URL with a variable, COPY_CODE, OTP).
    pub buttons: Vec<usize>,
}

pub fn expected(components: &Value) -> Expected {
    let mut e = Expected::default();
    for c in components.as_array().into_iter().flatten() {
        match upper(c, "type").as_str() {
            "HEADER" if upper(c, "format") == "TEXT" => {
                e.header = placeholders(text_of(c, "text")).len()
            }
            "HEADER" => e.header = 1, // media or location: one parameter
            "BODY" => e.body = placeholders(text_of(c, "text")).len(),
            "BUTTONS" => {
                for (i, b) in c
                    .get("buttons")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let needs = match upper(b, "type").as_str() {
                        "URL" => !placeholders(text_of(b, "url")).is_empty(),
                        "COPY_CODE" | "OTP" => true,
                        _ => false,
                    };
                    if needs {
                        e.buttons.push(i);
                    }
                }
            }
            _ => {}
        }
    }
    e
}

/// A send-time mismatch: Meta's code (132000 count, 132012 format) and its details text.
#[derive(Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub code: i64,
    pub details: String,
}

/// Checks send-time `template.components` against what the template expects.
pub fn check_send(
    expected: &Expected,
    named: bool,
    send_components: Option<&Value>,
) -> Result<(), Mismatch> {
    let comps: Vec<&Value> = send_components
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let params_of = |t: &str| -> Vec<&Value> {
        comps
            .iter()
            .filter(|c| text_of(c, "type").eq_ignore_ascii_case(t))
            .flat_map(|c| {
                c.get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .collect()
    };
    for (part, want) in [("header", expected.header), ("body", expected.body)] {
        let got = params_of(part);
        if got.len() != want {
            return Err(Mismatch {
                code: 132000,
                details: format!(
                    "{part}: number of localizable_params ({}) does not match the expected number of params ({want})",
                    got.len()
                ),
            });
        }
        if named && part == "body" && got.iter().any(|p| p.get("parameter_name").is_none()) {
            return Err(Mismatch {
                code: 132012,
                details: "body: named parameters need parameter_name".to_string(),
            });
        }
    }
    for idx in &expected.buttons {
        let found = comps.iter().any(|c| {
            text_of(c, "type").eq_ignore_ascii_case("button")
                && c.get("index").map(|i| {
                    i.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| i.to_string())
                }) == Some(idx.to_string())
                && c.get("parameters")
                    .and_then(Value::as_array)
                    .is_some_and(|p| p.len() == 1)
        });
        if !found {
            return Err(Mismatch {
                code: 132000,
                details: format!("button at index {idx}: expected 1 parameter"),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base(components: Value) -> Value {
        json!({"name": "order_update", "category": "UTILITY", "language": "en_US", "components": components})
    }

    #[test]
    fn reference_examples_are_accepted() {
        let dir = crate::fixtures_dir();
        let mut n = 0;
        for entry in std::fs::read_dir(dir).expect("reference examples") {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !(name.starts_with("template_create") || name.starts_with("template-create")) {
                continue;
            }
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let body = v.get("body").cloned().unwrap_or(v);
            validate(&body).unwrap_or_else(|r| panic!("{name}: {r:?}"));
            n += 1;
        }
        assert!(n >= 5, "found {n} template examples");
    }

    #[test]
    fn body_rules() {
        let ok = base(
            json!([{"type":"BODY","text":"Hi {{1}}, order {{2}} ships.","example":{"body_text":[["Ana","A1"]]}}]),
        );
        validate(&ok).unwrap();
        let gap = base(
            json!([{"type":"BODY","text":"Hi {{1}}, order {{3}}.","example":{"body_text":[["a","b"]]}}]),
        );
        assert_eq!(
            validate(&gap).unwrap_err().title,
            "Invalid variable parameter"
        );
        let no_example = base(json!([{"type":"BODY","text":"Hi {{1}}, ok."}]));
        assert_eq!(
            validate(&no_example).unwrap_err().title,
            "Missing sample values"
        );
        let edge =
            base(json!([{"type":"BODY","text":"{{1}} is here","example":{"body_text":[["a"]]}}]));
        assert!(validate(&edge).unwrap_err().title.contains("start or end"));
        let long = base(json!([{"type":"BODY","text":"x".repeat(1025)}]));
        assert!(validate(&long)
            .unwrap_err()
            .title
            .contains("character limit"));
        let none = base(json!([{"type":"FOOTER","text":"f"}]));
        assert!(validate(&none).is_err());
    }

    #[test]
    fn button_grouping() {
        let qr = |t: &str| json!({"type":"QUICK_REPLY","text":t});
        let url = json!({"type":"URL","text":"Open","url":"https://x.example/a"});
        let bad = base(
            json!([{"type":"BODY","text":"Hello"},{"type":"BUTTONS","buttons":[qr("a"), url, qr("b")]}]),
        );
        assert_eq!(validate(&bad).unwrap_err().title, "Invalid button order");
        let good = base(
            json!([{"type":"BODY","text":"Hello"},{"type":"BUTTONS","buttons":[qr("a"), qr("b"), url]}]),
        );
        validate(&good).unwrap();
    }

    #[test]
    fn send_checks() {
        let comps = json!([{"type":"BODY","text":"Hi {{1}} and {{2}}."},{"type":"BUTTONS","buttons":[{"type":"URL","text":"Go","url":"https://x.example/{{1}}"}]}]);
        let e = expected(&comps);
        assert_eq!(
            e,
            Expected {
                header: 0,
                body: 2,
                buttons: vec![0]
            }
        );
        let send = json!([
            {"type":"body","parameters":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
            {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"s"}]}
        ]);
        check_send(&e, false, Some(&send)).unwrap();
        let short = json!([{"type":"body","parameters":[{"type":"text","text":"a"}]}]);
        let m = check_send(&e, false, Some(&short)).unwrap_err();
        assert_eq!(m.code, 132000);
        assert!(m
            .details
            .contains("(1) does not match the expected number of params (2)"));
    }
}
