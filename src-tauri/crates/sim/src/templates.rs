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
    } else if let Some(Value::String(one)) = positional {
        // Meta documents a single variable's sample as a plain string too.
        if vars.len() != 1 || one.is_empty() {
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
            .and_then(|b| if b.is_string() { Some(b) } else { b.get(0) });
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
            // A product header (single-product templates) has no sample: the product is
            // chosen at send time.
            "PRODUCT" => {}
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

/// A send-time refusal: Meta's code (132000 count, 132012 format, 131008 missing) and the
/// details text of its error.
#[derive(Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub code: i64,
    pub details: String,
}

impl Mismatch {
    /// Meta's title for the code (reference §5, M-ERR).
    pub fn title(&self) -> &'static str {
        match self.code {
            132000 => "Number of parameters does not match the expected number of params",
            131008 => "Required parameter is missing",
            _ => "Parameter format does not match format in the created template",
        }
    }
}

fn count(details: String) -> Mismatch {
    Mismatch {
        code: 132000,
        details,
    }
}

fn format_err(details: String) -> Mismatch {
    Mismatch {
        code: 132012,
        details,
    }
}

fn missing(details: String) -> Mismatch {
    Mismatch {
        code: 131008,
        details,
    }
}

fn typed(c: &Value, t: &str) -> bool {
    text_of(c, "type").eq_ignore_ascii_case(t)
}

fn params(c: &Value) -> Vec<&Value> {
    c.get("parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn index_of(c: &Value) -> Option<usize> {
    match c.get("index")? {
        Value::String(s) => s.parse().ok(),
        v => v.as_u64().map(|n| n as usize),
    }
}

/// A header's format; a header with text and no format is read as text.
fn header_format(h: &Value) -> String {
    match upper(h, "format") {
        f if f.is_empty() && h.get("text").is_some() => "TEXT".to_string(),
        f => f,
    }
}

/// A text-like body or header parameter: `text`, `currency` or `date_time` (reference §3.6).
fn check_text_params(
    part: &str,
    names: &[String],
    named: bool,
    sent: &[&Value],
) -> Result<(), Mismatch> {
    if sent.len() != names.len() {
        return Err(count(format!(
            "{part}: number of localizable_params ({}) does not match the expected number of params ({})",
            sent.len(),
            names.len()
        )));
    }
    for p in sent {
        let kind = text_of(p, "type").to_ascii_lowercase();
        let ok = match kind.as_str() {
            "text" => p.get("text").and_then(Value::as_str).is_some(),
            "currency" | "date_time" => p.get(&kind).is_some_and(Value::is_object),
            _ => false,
        };
        if !ok {
            return Err(format_err(format!(
                "{part}: parameter of type '{kind}' does not match a text variable"
            )));
        }
    }
    if named {
        let mut given: Vec<&str> = sent.iter().map(|p| text_of(p, "parameter_name")).collect();
        if given.iter().any(|n| n.is_empty()) {
            return Err(format_err(format!(
                "{part}: named parameters need parameter_name"
            )));
        }
        let mut want: Vec<&str> = names.iter().map(String::as_str).collect();
        given.sort_unstable();
        want.sort_unstable();
        if given != want {
            return Err(format_err(format!(
                "{part}: parameter names {given:?} do not match the template's {want:?}"
            )));
        }
    }
    Ok(())
}

/// A media, location or product header parameter, with what it must contain.
fn check_header_object(part: &str, format: &str, sent: &[&Value]) -> Result<(), Mismatch> {
    let want = format.to_ascii_lowercase();
    let Some(p) = sent.first() else {
        return Err(missing(format!(
            "{part}: the template's {format} header needs a {want} parameter"
        )));
    };
    if sent.len() != 1 {
        return Err(count(format!(
            "{part}: number of localizable_params ({}) does not match the expected number of params (1)",
            sent.len()
        )));
    }
    if !typed(p, &want) {
        return Err(format_err(format!(
            "{part}: parameter of type '{}' does not match the template's {format} header",
            text_of(p, "type")
        )));
    }
    let obj = p.get(want.as_str()).cloned().unwrap_or_default();
    let has = |k: &str| obj.get(k).is_some_and(|v| !v.is_null() && v != "");
    let (ok, need) = match want.as_str() {
        "location" => (
            has("latitude") && has("longitude"),
            "latitude and longitude",
        ),
        "product" => (
            has("product_retailer_id") && has("catalog_id"),
            "product_retailer_id and catalog_id",
        ),
        _ => (has("id") ^ has("link"), "an id or a link"),
    };
    if !ok {
        return Err(missing(format!("{part}: {want} needs {need}")));
    }
    Ok(())
}

fn check_header(part: &str, h: &Value, named: bool, sent: &[&Value]) -> Result<(), Mismatch> {
    match header_format(h).as_str() {
        "TEXT" => check_text_params(part, &placeholders(text_of(h, "text")), named, sent),
        format => check_header_object(part, format, sent),
    }
}

/// The buttons of a template (or card) that need a parameter at send time, checked against
/// the sent `button` components (reference §3.6: one component per parameterised button).
fn check_buttons(
    part: &str,
    buttons: &[&Value],
    sent: &[&Value],
    auth: bool,
) -> Result<(), Mismatch> {
    for c in sent.iter().filter(|c| typed(c, "button")) {
        let Some(i) = index_of(c) else {
            return Err(missing(format!(
                "{part}: a button component needs its index"
            )));
        };
        if i >= buttons.len() {
            return Err(format_err(format!(
                "{part}: there is no button at index {i} (the template has {})",
                buttons.len()
            )));
        }
    }
    for (i, b) in buttons.iter().enumerate() {
        let kind = upper(b, "type");
        let (needed, param) = match kind.as_str() {
            "URL" => (!placeholders(text_of(b, "url")).is_empty(), "text"),
            "COPY_CODE" => (true, "coupon_code"),
            "OTP" if auth => (true, "text"),
            "MPM" => (true, "action"),
            "QUICK_REPLY" => (false, "payload"),
            "CATALOG" => (false, "action"),
            _ => (false, ""),
        };
        let got = sent
            .iter()
            .find(|c| typed(c, "button") && index_of(c) == Some(i));
        let Some(c) = got else {
            if needed {
                let name = match kind.as_str() {
                    "URL" => "Url".to_string(),
                    other => other.to_string(),
                };
                return Err(missing(format!(
                    "{part}: Button at index {i} of type {name} requires a parameter"
                )));
            }
            continue;
        };
        let ps = params(c);
        if ps.len() != 1 {
            return Err(count(format!(
                "{part}: button at index {i}: number of parameters ({}) does not match the expected number of params (1)",
                ps.len()
            )));
        }
        if !param.is_empty() && !typed(ps[0], param) {
            return Err(format_err(format!(
                "{part}: button at index {i} ({kind}) takes a {param} parameter, not '{}'",
                text_of(ps[0], "type")
            )));
        }
        if kind == "MPM"
            && ps[0]
                .pointer("/action/sections")
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty())
        {
            return Err(missing(format!(
                "{part}: button at index {i} (MPM) needs action.sections"
            )));
        }
    }
    Ok(())
}

fn components_of(v: &Value) -> Vec<&Value> {
    v.as_array().map(|a| a.iter().collect()).unwrap_or_default()
}

fn buttons_in<'a>(comps: &[&'a Value]) -> Vec<&'a Value> {
    comps
        .iter()
        .filter(|c| upper(c, "type") == "BUTTONS")
        .flat_map(|c| {
            c.get("buttons")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .collect()
}

/// Header, body and buttons of one level (the message or one carousel card).
fn check_level(
    part: &str,
    template: &[&Value],
    sent: &[&Value],
    named: bool,
    auth: bool,
) -> Result<(), Mismatch> {
    let sent_params = |t: &str| -> Vec<&Value> {
        sent.iter()
            .filter(|c| typed(c, t))
            .flat_map(|c| params(c))
            .collect()
    };
    let prefix = |p: &str| {
        if part.is_empty() {
            p.to_string()
        } else {
            format!("{part} {p}")
        }
    };
    match template.iter().find(|c| upper(c, "type") == "HEADER") {
        Some(h) => check_header(&prefix("header"), h, named, &sent_params("header"))?,
        None => {
            let extra = sent_params("header");
            if !extra.is_empty() {
                return Err(count(format!(
                    "{}: number of localizable_params ({}) does not match the expected number of params (0)",
                    prefix("header"),
                    extra.len()
                )));
            }
        }
    }
    let body_vars = template
        .iter()
        .find(|c| upper(c, "type") == "BODY")
        .map(|b| placeholders(text_of(b, "text")))
        .unwrap_or_default();
    check_text_params(
        &prefix("body"),
        &body_vars,
        named && !auth,
        &sent_params("body"),
    )?;
    check_buttons(&prefix("buttons"), &buttons_in(template), sent, auth)
}

/// Checks send-time `template.components` against the template's components as Meta does
/// (reference §3.6 and the documented sends): header, body and button parameters, the
/// limited-time offer's expiry, and a carousel's cards one by one.
pub fn check_send(
    template: &Value,
    named: bool,
    auth: bool,
    send_components: Option<&Value>,
) -> Result<(), Mismatch> {
    let tpl = components_of(template);
    let sent: Vec<&Value> = send_components.map(components_of).unwrap_or_default();
    check_level("", &tpl, &sent, named, auth)?;

    let offer = tpl
        .iter()
        .find(|c| upper(c, "type") == "LIMITED_TIME_OFFER");
    if offer.is_some_and(|o| {
        o.pointer("/limited_time_offer/has_expiration") == Some(&Value::Bool(true))
    }) {
        let expiry = sent
            .iter()
            .filter(|c| typed(c, "limited_time_offer"))
            .flat_map(|c| params(c))
            .find_map(|p| p.pointer("/limited_time_offer/expiration_time_ms"));
        match expiry {
            None => return Err(missing(
                "limited_time_offer: the offer has an expiration; expiration_time_ms is required"
                    .to_string(),
            )),
            Some(ms) if !ms.is_u64() => {
                return Err(format_err(
                    "limited_time_offer: expiration_time_ms must be a Unix time in milliseconds"
                        .to_string(),
                ))
            }
            Some(_) => {}
        }
    }

    let cards: Vec<Vec<&Value>> = tpl
        .iter()
        .find(|c| upper(c, "type") == "CAROUSEL")
        .and_then(|c| c.get("cards"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|card| {
            card.get("components")
                .map(components_of)
                .unwrap_or_default()
        })
        .collect();
    if cards.is_empty() {
        return Ok(());
    }
    let Some(carousel) = sent.iter().find(|c| typed(c, "carousel")) else {
        return Err(missing(
            "carousel: the template's cards need a carousel component with their parameters"
                .to_string(),
        ));
    };
    let sent_cards: Vec<&Value> = carousel.get("cards").map(components_of).unwrap_or_default();
    if sent_cards.len() != cards.len() {
        return Err(count(format!(
            "carousel: number of cards ({}) does not match the number of cards in the template ({})",
            sent_cards.len(),
            cards.len()
        )));
    }
    for (n, card) in sent_cards.iter().enumerate() {
        let index = card
            .get("card_index")
            .and_then(Value::as_u64)
            .map_or(n, |i| i as usize);
        let Some(template_card) = cards.get(index) else {
            return Err(format_err(format!(
                "carousel: card_index {index} is not a card of the template"
            )));
        };
        let comps: Vec<&Value> = card
            .get("components")
            .map(components_of)
            .unwrap_or_default();
        check_level(
            &format!("card {index}"),
            template_card,
            &comps,
            named,
            false,
        )?;
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

    /// The refusal of `sent` against a template with `template` components.
    fn refused(template: &Value, sent: Value) -> Mismatch {
        check_send(template, false, false, Some(&sent)).unwrap_err()
    }

    #[test]
    fn send_checks() {
        let comps = json!([{"type":"BODY","text":"Hi {{1}} and {{2}}."},{"type":"BUTTONS","buttons":[{"type":"URL","text":"Go","url":"https://x.example/{{1}}"}]}]);
        let ok = json!([
            {"type":"body","parameters":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
            {"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"s"}]}
        ]);
        check_send(&comps, false, false, Some(&ok)).unwrap();
        let short = json!([{"type":"body","parameters":[{"type":"text","text":"a"}]},
            {"type":"button","sub_type":"url","index":0,"parameters":[{"type":"text","text":"s"}]}]);
        let m = refused(&comps, short);
        assert_eq!(m.code, 132000);
        assert_eq!(
            m.title(),
            "Number of parameters does not match the expected number of params"
        );
        assert!(m
            .details
            .contains("(1) does not match the expected number of params (2)"));
    }

    #[test]
    fn a_missing_button_parameter_is_131008() {
        let comps = json!([{"type":"BODY","text":"Hi."},{"type":"BUTTONS","buttons":[
            {"type":"QUICK_REPLY","text":"Stop"},{"type":"URL","text":"Go","url":"https://x.example/{{1}}"}]}]);
        let m = refused(&comps, json!([]));
        assert_eq!(m.code, 131008);
        assert_eq!(m.title(), "Required parameter is missing");
        assert_eq!(
            m.details,
            "buttons: Button at index 1 of type Url requires a parameter"
        );
        let two = refused(
            &comps,
            json!([{"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]),
        );
        assert_eq!(two.code, 132000);
        let wrong = refused(
            &comps,
            json!([{"type":"button","sub_type":"url","index":"1","parameters":[{"type":"payload","payload":"a"}]}]),
        );
        assert_eq!(wrong.code, 132012);
        assert_eq!(
            wrong.title(),
            "Parameter format does not match format in the created template"
        );
        let nowhere = refused(
            &comps,
            json!([{"type":"button","sub_type":"url","index":"5","parameters":[{"type":"text","text":"a"}]}]),
        );
        assert_eq!(nowhere.code, 132012);
        let code = json!([{"type":"BODY","text":"Hi."},{"type":"BUTTONS","buttons":[{"type":"COPY_CODE","example":"X"}]}]);
        assert_eq!(refused(&code, json!([])).code, 131008);
        check_send(
            &code,
            false,
            false,
            Some(&json!([{"type":"button","sub_type":"COPY_CODE","index":0,
            "parameters":[{"type":"coupon_code","coupon_code":"X1"}]}])),
        )
        .unwrap();
    }

    #[test]
    fn a_media_header_without_media_is_refused() {
        let comps = json!([{"type":"HEADER","format":"IMAGE"},{"type":"BODY","text":"Hi."}]);
        let none = refused(&comps, json!([]));
        assert_eq!(
            (none.code, none.title()),
            (131008, "Required parameter is missing")
        );
        let empty = refused(
            &comps,
            json!([{"type":"header","parameters":[{"type":"image","image":{}}]}]),
        );
        assert_eq!(empty.code, 131008);
        assert!(
            empty.details.contains("an id or a link"),
            "{}",
            empty.details
        );
        let text = refused(
            &comps,
            json!([{"type":"header","parameters":[{"type":"text","text":"x"}]}]),
        );
        assert_eq!(text.code, 132012);
        check_send(&comps, false, false, Some(&json!([{"type":"header","parameters":[{"type":"image","image":{"link":"https://x.example/a.png"}}]}]))).unwrap();
        let location = json!([{"type":"HEADER","format":"LOCATION"},{"type":"BODY","text":"Hi."}]);
        let no_lon = refused(
            &location,
            json!([{"type":"header","parameters":[{"type":"location","location":{"latitude":1}}]}]),
        );
        assert_eq!(no_lon.code, 131008);
        let product = json!([{"type":"HEADER","format":"PRODUCT"},{"type":"BODY","text":"Hi."}]);
        let no_catalog = refused(
            &product,
            json!([{"type":"header","parameters":[{"type":"product","product":{"product_retailer_id":"a"}}]}]),
        );
        assert_eq!(no_catalog.code, 131008);
    }

    #[test]
    fn named_parameters_must_name_the_templates_variables() {
        let comps = json!([{"type":"BODY","text":"Hi {{first_name}}, order {{order}}."}]);
        let ok = json!([{"type":"body","parameters":[
            {"type":"text","parameter_name":"order","text":"1"},{"type":"text","parameter_name":"first_name","text":"A"}]}]);
        check_send(&comps, true, false, Some(&ok)).unwrap();
        let positional = json!([{"type":"body","parameters":[{"type":"text","text":"1"},{"type":"text","text":"A"}]}]);
        assert_eq!(
            check_send(&comps, true, false, Some(&positional))
                .unwrap_err()
                .code,
            132012
        );
        let wrong = json!([{"type":"body","parameters":[
            {"type":"text","parameter_name":"order","text":"1"},{"type":"text","parameter_name":"name","text":"A"}]}]);
        assert_eq!(
            check_send(&comps, true, false, Some(&wrong))
                .unwrap_err()
                .code,
            132012
        );
        let currency = json!([{"type":"BODY","text":"Total {{1}} on {{2}}."}]);
        check_send(
            &currency,
            false,
            false,
            Some(&json!([{"type":"body","parameters":[
            {"type":"currency","currency":{"fallback_value":"$1","code":"USD","amount_1000":1000}},
            {"type":"date_time","date_time":{"fallback_value":"May 1"}}]}])),
        )
        .unwrap();
        let image = json!([{"type":"body","parameters":[{"type":"image","image":{"id":"1"}},{"type":"text","text":"x"}]}]);
        assert_eq!(refused(&currency, image).code, 132012);
    }

    #[test]
    fn an_offer_with_an_expiry_needs_expiration_time_ms() {
        let comps = json!([{"type":"limited_time_offer","limited_time_offer":{"text":"Expiring!","has_expiration":true}},
            {"type":"body","text":"Hi."}]);
        let m = refused(&comps, json!([]));
        assert_eq!(m.code, 131008);
        assert!(m.details.contains("expiration_time_ms"), "{}", m.details);
        let bad = refused(
            &comps,
            json!([{"type":"limited_time_offer","parameters":[{"type":"limited_time_offer","limited_time_offer":{"expiration_time_ms":"soon"}}]}]),
        );
        assert_eq!(bad.code, 132012);
        check_send(&comps, false, false, Some(&json!([{"type":"limited_time_offer","parameters":[
            {"type":"limited_time_offer","limited_time_offer":{"expiration_time_ms":1209600000}}]}]))).unwrap();
        let no_expiry = json!([{"type":"limited_time_offer","limited_time_offer":{"text":"Offer!"}},{"type":"body","text":"Hi."}]);
        check_send(&no_expiry, false, false, Some(&json!([]))).unwrap();
    }

    #[test]
    fn a_carousel_needs_every_card_with_its_parameters() {
        let card = json!({"components":[{"type":"header","format":"image"},
            {"type":"buttons","buttons":[{"type":"quick_reply","text":"More"},{"type":"url","text":"Shop","url":"https://x.example/{{1}}"}]}]});
        let comps =
            json!([{"type":"body","text":"Hi {{1}}."},{"type":"carousel","cards":[card, card]}]);
        let body = json!({"type":"body","parameters":[{"type":"text","text":"Ana"}]});
        let sent_card = |i: usize| {
            json!({"card_index": i, "components": [
            {"type":"header","parameters":[{"type":"image","image":{"id":"1"}}]},
            {"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"p"}]}]})
        };
        check_send(
            &comps,
            false,
            false,
            Some(&json!([body, {"type":"carousel","cards":[sent_card(0), sent_card(1)]}])),
        )
        .unwrap();

        let no_cards = refused(&comps, json!([body]));
        assert_eq!(no_cards.code, 131008);
        assert!(
            no_cards.details.starts_with("carousel:"),
            "{}",
            no_cards.details
        );
        let three = refused(
            &comps,
            json!([body, {"type":"carousel","cards":[sent_card(0), sent_card(1), sent_card(2)]}]),
        );
        assert_eq!(three.code, 132000);
        assert_eq!(
            three.details,
            "carousel: number of cards (3) does not match the number of cards in the template (2)"
        );
        let mut headless = sent_card(1);
        headless["components"].as_array_mut().unwrap().remove(0);
        let m = refused(
            &comps,
            json!([body, {"type":"carousel","cards":[sent_card(0), headless]}]),
        );
        assert_eq!(m.code, 131008);
        assert!(m.details.starts_with("card 1 header"), "{}", m.details);
        let mut buttonless = sent_card(0);
        buttonless["components"].as_array_mut().unwrap().remove(1);
        let m = refused(
            &comps,
            json!([body, {"type":"carousel","cards":[buttonless, sent_card(1)]}]),
        );
        assert_eq!(m.code, 131008);
        assert_eq!(
            m.details,
            "card 0 buttons: Button at index 1 of type Url requires a parameter"
        );
    }

    #[test]
    fn documented_template_types_are_accepted_at_creation() {
        let lto = base(
            json!([{"type":"header","format":"image","example":{"header_handle":["4::x"]}},
            {"type":"limited_time_offer","limited_time_offer":{"text":"Expiring offer!","has_expiration":true}},
            {"type":"body","text":"Good news, {{1}}! Book now.","example":{"body_text":[["Pablo"]]}}]),
        );
        validate(&lto).unwrap();
        let spm = base(
            json!([{"type":"header","format":"product"},{"type":"body","text":"See this product."},
            {"type":"buttons","buttons":[{"type":"spm","text":"View"}]}]),
        );
        validate(&spm).unwrap();
        let plain_sample =
            base(json!([{"type":"body","text":"Hi {{1}}, look.","example":{"body_text":"Pablo"}}]));
        validate(&plain_sample).unwrap();
        let two_in_a_string = base(
            json!([{"type":"body","text":"Hi {{1}}, {{2}} ok.","example":{"body_text":"Pablo"}}]),
        );
        assert_eq!(
            validate(&two_in_a_string).unwrap_err().title,
            "Missing sample values"
        );
    }
}
