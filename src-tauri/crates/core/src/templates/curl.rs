//! A `POST /messages` request as text and back: "copy as curl" and "copy as HTTPie" (the key
//! shown as the caller gives it, a mask unless revealed), and a pasted curl command read back
//! into a test-send: recipient, template, language and the form's values.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::form::{build_components, send_form, FieldKind, SendField, TemplateShape};
use crate::{Core, Error, Result};

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `curl` for a request, with the key shown as given (a mask unless the caller reveals it).
pub fn curl_command(base_url: &str, request: &Value, key_shown: &str) -> String {
    format!(
        "curl -X POST {} \\\n  -H {} \\\n  -H 'Content-Type: application/json' \\\n  -d {}",
        shell_quote(&format!("{}/messages", base_url.trim_end_matches('/'))),
        shell_quote(&format!("D360-API-KEY: {key_shown}")),
        shell_quote(&request.to_string())
    )
}

/// HTTPie for a request (`http POST url header:value` with the JSON body on stdin), the key
/// shown as given.
pub fn httpie_command(base_url: &str, request: &Value, key_shown: &str) -> String {
    format!(
        "echo {} | http POST {} \\\n  {} \\\n  'Content-Type:application/json'",
        shell_quote(&request.to_string()),
        shell_quote(&format!("{}/messages", base_url.trim_end_matches('/'))),
        shell_quote(&format!("D360-API-KEY:{key_shown}")),
    )
}

/// Splits a shell command line into words: single and double quotes, backslash escapes and
/// backslash-newline continuations, as a POSIX shell reads them.
fn shell_words(input: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(unclosed("'")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some('\n') => {}
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => return Err(unclosed("\"")),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(unclosed("\"")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(ch) => {
                    in_word = true;
                    cur.push(ch);
                }
                None => {}
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn unclosed(q: &str) -> Error {
    Error::Validation(format!(
        "the pasted command has a {q} that is never closed; paste the whole command"
    ))
}

/// What a pasted curl command asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCurl {
    /// The URL's base (everything before `/messages`).
    pub base_url: String,
    /// The JSON body.
    pub body: Value,
    /// Whether the command carried a key other than a mask or a variable (it is not kept).
    pub had_key: bool,
}

/// Reads a curl command for `POST …/messages` with a JSON body, or the same request for HTTPie
/// as "Copy as HTTPie" writes it (`echo '{…}' | http POST URL HEADER:VALUE…`).
pub fn parse_curl(command: &str) -> Result<ParsedCurl> {
    let words = shell_words(command)?;
    if words
        .first()
        .is_some_and(|w| ["echo", "printf", "http", "https"].contains(&w.as_str()))
    {
        return parse_httpie(words);
    }
    let mut it = words.into_iter();
    match it.next() {
        Some(w) if w == "curl" || w.ends_with("/curl") => {}
        _ => {
            return Err(Error::Validation(
                "paste a curl command (it starts with curl) or an HTTPie one (echo '{…}' | http POST …)".into(),
            ))
        }
    }
    let mut url = None;
    let mut data: Option<String> = None;
    let mut method = None;
    let mut had_key = false;
    while let Some(w) = it.next() {
        let mut value = |name: &str| {
            it.next().ok_or_else(|| {
                Error::Validation(format!("the option {name} has no value after it"))
            })
        };
        match w.as_str() {
            "-X" | "--request" => method = Some(value(&w)?.to_ascii_uppercase()),
            "-H" | "--header" => {
                let h = value(&w)?;
                if let Some((name, v)) = h.split_once(':') {
                    if name.trim().eq_ignore_ascii_case("D360-API-KEY") {
                        had_key = is_key(v);
                    }
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--json" => {
                let d = value(&w)?;
                if d.starts_with('@') {
                    return Err(Error::Validation(
                        "the body is read from a file (@…); paste the command with the JSON body itself".into(),
                    ));
                }
                data = Some(d);
            }
            "--url" => url = Some(value(&w)?),
            "-u" | "--user" | "-o" | "--output" | "-A" | "--user-agent" | "-m" | "--max-time"
            | "--connect-timeout" | "-e" | "--referer" => {
                value(&w)?;
            }
            w if w.starts_with('-') => {}
            w => url = Some(w.to_string()),
        }
    }
    let url = url.ok_or_else(|| Error::Validation("the command has no URL".into()))?;
    send_request(url, data, method, had_key)
}

/// Whether a header value is a real key (not empty, not a mask, not a shell variable).
fn is_key(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && !v.contains('•') && !v.starts_with('$')
}

/// An HTTPie command: the JSON body piped in (`echo BODY |`, `printf '%s' BODY |`) or given with
/// `--raw BODY`, then `http [METHOD] URL` and `Name:Value` headers.
fn parse_httpie(words: Vec<String>) -> Result<ParsedCurl> {
    let mut data = None;
    let mut it = words.into_iter().peekable();
    if it.peek().is_some_and(|w| w == "echo" || w == "printf") {
        let printf = it.next().as_deref() == Some("printf");
        let mut piped = Vec::new();
        for w in it.by_ref() {
            if w == "|" {
                break;
            }
            piped.push(w);
        }
        let mut piped = piped.into_iter().filter(|w| !w.starts_with('-'));
        if printf {
            piped.next(); // the format
        }
        data = piped.next();
    }
    match it.next() {
        Some(w) if w == "http" || w == "https" => {}
        _ => {
            return Err(Error::Validation(
                "an HTTPie command pipes the body into http: echo '{…}' | http POST …".into(),
            ))
        }
    }
    let mut url = None;
    let mut method = None;
    let mut had_key = false;
    while let Some(w) = it.next() {
        if w == "--raw" {
            data = Some(it.next().ok_or_else(|| {
                Error::Validation("the option --raw has no value after it".into())
            })?);
        } else if w.starts_with('-') {
        } else if url.is_none()
            && method.is_none()
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && w.chars().any(|c| c.is_ascii_uppercase())
        {
            method = Some(w.to_ascii_uppercase());
        } else if url.is_none() {
            url = Some(w);
        } else if let Some((name, v)) = w
            .split_once(':')
            .filter(|(n, v)| !n.is_empty() && !v.starts_with('=') && !n.contains('='))
        {
            if name.trim().eq_ignore_ascii_case("D360-API-KEY") {
                had_key = is_key(v);
            }
        } else if w.contains('=') {
            return Err(Error::Validation(format!(
                "{w}: HTTPie builds this body field by field; paste it with the JSON body piped in (echo '{{…}}' | http POST …)"
            )));
        }
    }
    let url = url.ok_or_else(|| Error::Validation("the command has no URL".into()))?;
    send_request(url, data, method, had_key)
}

/// The checks both spellings share: a POST to `…/messages` with a JSON body.
fn send_request(
    url: String,
    data: Option<String>,
    method: Option<String>,
    had_key: bool,
) -> Result<ParsedCurl> {
    let path_at = url
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .strip_suffix("/messages")
        .ok_or_else(|| {
            Error::Validation(format!(
                "only a send (POST …/messages) opens as a test-send; this command calls {url}"
            ))
        })?;
    let body = data.ok_or_else(|| {
        Error::Validation("the command has no body (-d '{…}'): nothing to send".into())
    })?;
    if let Some(m) = method.filter(|m| m != "POST") {
        return Err(Error::Validation(format!(
            "a send is a POST; this command is a {m}"
        )));
    }
    let body: Value = serde_json::from_str(&body)
        .map_err(|e| Error::Validation(format!("the body is not valid JSON ({e})")))?;
    Ok(ParsedCurl {
        base_url: path_at.to_string(),
        body,
        had_key,
    })
}

/// A pasted curl command opened as a test-send.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CurlImport {
    pub to: String,
    pub name: String,
    pub language: String,
    /// The form's values by field path, read from the request's components.
    pub values: BTreeMap<String, String>,
    /// Plain-words notes: parts the form could not hold, a key left out, another base URL.
    pub notes: Vec<String>,
}

/// The template, language and recipient a send body names.
pub fn template_of(body: &Value) -> Result<(String, String, String)> {
    if body.get("type").and_then(Value::as_str) != Some("template") {
        return Err(Error::Validation(format!(
            "the request sends a {} message; only template sends open as a test-send",
            body.get("type")
                .and_then(Value::as_str)
                .unwrap_or("(untyped)")
        )));
    }
    let t = &body["template"];
    let name = t["name"].as_str().unwrap_or_default().to_string();
    let language = t["language"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let to = body["to"].as_str().unwrap_or_default().to_string();
    if name.is_empty() || language.is_empty() {
        return Err(Error::Validation(
            "the request names no template or language".into(),
        ));
    }
    Ok((to, name, language))
}

/// A stand-in value for a field that passes its checks and is easy to find again.
fn marker(f: &SendField, i: usize) -> String {
    match f.kind {
        FieldKind::MediaLink => format!("https://marker.invalid/{i}"),
        FieldKind::Latitude | FieldKind::Longitude => format!("{}.{:06}", i % 80, 123457 + i),
        FieldKind::ExpirationTimeMs => format!("{}", 4_000_000_000_000u64 + i as u64),
        FieldKind::Otp => format!("{:06}", 900_000 + i),
        _ => format!("mk{i}x"),
    }
}

/// Every leaf of `v` with its JSON pointer.
fn leaves(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{at}/{i}"), out)
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                leaves(
                    x,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                )
            }
        }
        leaf => out.push((at, leaf.clone())),
    }
}

fn leaf_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The form's values that build `sent` (a send's `template.components`): each field is found
/// by building the components with a marker in it and reading the sent request at the marker's
/// place. Returns the values and whether they build exactly the same components.
pub fn values_from_components(
    t: TemplateShape<'_>,
    sent: &Value,
) -> (BTreeMap<String, String>, bool) {
    let fields = send_form(t);
    let sent_arr = sent.clone();
    let mut values = BTreeMap::new();
    // Alternatives (a media header's link or id) are tried one at a time: first the first of
    // each group, then the second.
    for pass in 0..2 {
        let mut probe = BTreeMap::new();
        let mut seen_groups: BTreeMap<String, usize> = BTreeMap::new();
        for (i, f) in fields.iter().enumerate() {
            if let Some(g) = &f.one_of {
                let n = seen_groups.entry(g.clone()).or_insert(0);
                let take = *n == pass;
                *n += 1;
                if !take {
                    continue;
                }
            }
            probe.insert(f.path.clone(), marker(f, i));
        }
        let Ok(built) = build_components(t, &probe) else {
            continue;
        };
        let mut found = Vec::new();
        leaves(&Value::from(built), String::new(), &mut found);
        for (path, m) in &probe {
            if values.contains_key(path) {
                continue;
            }
            let Some((pointer, _)) = found
                .iter()
                .find(|(_, leaf)| leaf_text(leaf).as_deref() == Some(m.as_str()))
            else {
                continue;
            };
            if let Some(v) = sent_arr.pointer(pointer).and_then(leaf_text) {
                values.insert(path.clone(), v);
            }
        }
    }
    let exact = build_components(t, &values)
        .map(|b| Value::from(b) == normalise(sent))
        .unwrap_or(false);
    (values, exact)
}

/// A sent components array as the form builds it (`null` or missing reads as empty).
fn normalise(sent: &Value) -> Value {
    match sent {
        Value::Null => Value::Array(vec![]),
        v => v.clone(),
    }
}

impl Core {
    /// A pasted curl command for `POST /messages` read into a test-send of the number: the
    /// template must be in the number's library; the key in the command is never kept.
    pub fn import_curl(&self, number_id: i64, command: &str) -> Result<CurlImport> {
        let parsed = parse_curl(command)?;
        let (to, name, language) = template_of(&parsed.body)?;
        let template = self.template(number_id, &name, &language)?;
        let sent = parsed.body["template"]
            .get("components")
            .cloned()
            .unwrap_or(Value::Array(vec![]));
        let (values, exact) = values_from_components(template.shape(), &sent);
        let mut notes = Vec::new();
        if !exact {
            notes.push(
                "Some parts of the pasted request do not fit this template's form; check the fields before sending.".to_string(),
            );
        }
        if parsed.had_key {
            notes.push("The pasted command carried an API key; it was not kept. The number's own key is used.".to_string());
        }
        let number = self.number(number_id)?;
        if parsed.base_url.trim_end_matches('/') != number.base_url.trim_end_matches('/') {
            notes.push(format!(
                "The command was for {}; the test-send goes to this number's {}.",
                parsed.base_url, number.base_url
            ));
        }
        Ok(CurlImport {
            to,
            name,
            language,
            values,
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request() -> Value {
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "4915123456789",
               "type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"},
               "components": [{"type": "body", "parameters": [{"type": "text", "text": "O'Brien \"quoted\" $HOME \\ ok"}]}]}})
    }

    #[test]
    fn curl_and_httpie_read_back_the_same_request_and_hide_the_key() {
        let curl = curl_command("https://waba-sandbox.360dialog.io/", &request(), "••••abcd");
        let parsed = parse_curl(&curl).unwrap();
        assert_eq!(parsed.body, request());
        assert_eq!(parsed.base_url, "https://waba-sandbox.360dialog.io");
        assert!(!parsed.had_key, "a masked key is no key");
        let httpie = httpie_command("https://x.example", &request(), "••••abcd");
        assert!(
            httpie.starts_with("echo '")
                && httpie.contains("http POST 'https://x.example/messages'")
        );
        assert!(httpie.contains("'D360-API-KEY:••••abcd'"));
        // The body in the HTTPie line is the same words as curl's -d.
        let words = shell_words(&httpie).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&words[1]).unwrap(), request());
    }

    #[test]
    fn copy_as_httpie_reads_back_the_same_request() {
        let httpie = httpie_command("https://waba-v2.360dialog.io", &request(), "••••abcd");
        let parsed = parse_curl(&httpie).unwrap();
        assert_eq!(parsed.body, request());
        assert_eq!(parsed.base_url, "https://waba-v2.360dialog.io");
        assert!(!parsed.had_key, "a masked key is no key");
        // Other HTTPie spellings: --raw, printf, a real key, an https:// shorthand.
        let p = parse_curl(
            "http --raw '{\"type\":\"template\"}' POST https://x.example/messages D360-API-KEY:abc Accept:application/json",
        )
        .unwrap();
        assert_eq!(p.body, json!({"type": "template"}));
        assert!(p.had_key);
        let p = parse_curl("printf '%s' '{\"to\":\"1\"}' | https POST x.example/messages").unwrap();
        assert_eq!(p.body, json!({"to": "1"}));
        let e = parse_curl("http POST https://x.example/messages to=1 type=template").unwrap_err();
        assert!(e.to_string().contains("field by field"), "{e}");
        let e = parse_curl("echo '{}' | http GET https://x.example/messages").unwrap_err();
        assert!(e.to_string().contains("a send is a POST"), "{e}");
        let e = parse_curl("echo '{}' | wget https://x.example/messages").unwrap_err();
        assert!(e.to_string().contains("pipes the body into http"), "{e}");
    }

    #[test]
    fn pasted_commands_in_other_spellings_parse() {
        let p = parse_curl(
            "curl --location \"https://x.example/messages\" --header \"D360-API-KEY: abc123\" --header \"Content-Type: application/json\" --data-raw \"{\\\"to\\\":\\\"1\\\",\\\"type\\\":\\\"template\\\"}\"",
        )
        .unwrap();
        assert_eq!(p.body, json!({"to": "1", "type": "template"}));
        assert!(p.had_key);
        assert_eq!(p.base_url, "https://x.example");
    }

    #[test]
    fn other_calls_and_broken_commands_are_refused_in_plain_words() {
        let e = parse_curl("curl -X GET 'https://x/health_status'").unwrap_err();
        assert!(e.to_string().contains("only a send"), "{e}");
        let e = parse_curl("curl -X POST 'https://x/messages' -d '{'").unwrap_err();
        assert!(e.to_string().contains("not valid JSON"), "{e}");
        let e = parse_curl("curl -X POST 'https://x/messages' -d '{").unwrap_err();
        assert!(e.to_string().contains("never closed"), "{e}");
        assert!(parse_curl("wget https://x/messages").is_err());
        let e = template_of(&json!({"type": "text", "to": "1"})).unwrap_err();
        assert!(e.to_string().contains("text message"), "{e}");
    }

    #[test]
    fn values_come_back_from_the_components_they_built() {
        let components = json!([
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["h"]}},
            {"type": "BODY", "text": "Hi {{1}}, order {{2}} ships", "example": {"body_text": [["Ann", "7"]]}},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track", "url": "https://t.example/{{1}}", "example": ["https://t.example/1"]},
                {"type": "QUICK_REPLY", "text": "Stop"}]}
        ]);
        let t = TemplateShape {
            category: "UTILITY",
            parameter_format: None,
            components: &components,
        };
        for source in ["header.image.link", "header.image.id"] {
            let mut values = BTreeMap::new();
            values.insert(
                source.to_string(),
                if source.ends_with("link") {
                    "https://cdn.example/a.jpg".into()
                } else {
                    "1234567".into()
                },
            );
            values.insert("body.1".into(), "Ann".into());
            values.insert("body.2".into(), "A-77".into());
            values.insert("buttons.0.url_suffix".into(), "A-77".into());
            let built = Value::from(build_components(t, &values).unwrap());
            let (back, exact) = values_from_components(t, &built);
            assert!(exact, "{source}: {back:?}");
            for (k, v) in &values {
                assert_eq!(back.get(k), Some(v), "{source}: {k}");
            }
        }
        let (_, exact) = values_from_components(t, &json!([{"type": "body", "parameters": []}]));
        assert!(!exact, "a request the form cannot build is said to differ");
    }
}
