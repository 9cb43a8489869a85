//! Checks before submitting to Meta (reference §3.2–§3.4): every problem is reported
//! with the field it belongs to, so the builder can show it there. The input is the
//! template-create body the builder produces (Meta's JSON shape).

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

/// One problem, at a field path such as `name`, `components[1].text` or `buttons[0].url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LintIssue {
    pub path: String,
    pub message: String,
}

struct Lint {
    issues: Vec<LintIssue>,
}

impl Lint {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(LintIssue {
            path: path.into(),
            message: message.into(),
        });
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn upper(v: &Value, key: &str) -> String {
    s(v, key).to_ascii_uppercase()
}

/// The `{{…}}` placeholders of a text, in order, with their byte positions.
pub fn placeholders(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + 2 + len].trim().to_string();
        out.push((offset + start, offset + start + 2 + len + 2, name));
        offset += start + 2 + len + 2;
        rest = &text[offset..];
    }
    out
}

/// Checks variables of one text: format, numbering, adjacency, position, samples.
fn check_text_vars(
    l: &mut Lint,
    path: &str,
    text: &str,
    named: bool,
    samples: usize,
    body: bool,
) -> usize {
    let vars = placeholders(text);
    for (i, (_, _, name)) in vars.iter().enumerate() {
        if named {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                l.add(
                    path,
                    format!(
                        "{{{{{name}}}}}: named variables use lowercase letters and underscores"
                    ),
                );
            }
        } else if name.parse::<usize>().ok() != Some(i + 1) {
            l.add(path, format!("variables must be numbered {{{{1}}}}, {{{{2}}}}… in order without gaps; found {{{{{name}}}}} in position {}", i + 1));
        }
    }
    for w in vars.windows(2) {
        if text[w[0].1..w[1].0].trim().is_empty() {
            l.add(
                path,
                "two variables must not be next to each other; put text between them",
            );
        }
    }
    if body && !vars.is_empty() {
        let trimmed = text.trim();
        if trimmed.starts_with("{{") || trimmed.ends_with("}}") {
            l.add(path, "the body must not start or end with a variable");
        }
    }
    if samples < vars.len() {
        l.add(
            path,
            format!(
                "every variable needs a sample value ({} of {} given)",
                samples,
                vars.len()
            ),
        );
    }
    vars.len()
}

/// How many samples of an example array are filled in (`key` picks the field of an object
/// entry; empty for plain strings).
fn non_empty(v: Option<&Value>, key: &str) -> usize {
    v.and_then(Value::as_array).map_or(0, |a| {
        a.iter()
            .map(|e| if key.is_empty() { e } else { &e[key] })
            .filter(|e| e.as_str().is_some_and(|s| !s.trim().is_empty()))
            .count()
    })
}

/// Meta's length limits, in characters (shown in the UI's hints).
pub const NAME_MAX: usize = 512;
pub const BODY_MAX: usize = 1024;
pub const HEADER_TEXT_MAX: usize = 60;
pub const FOOTER_MAX: usize = 60;
pub const BUTTON_LABEL_MAX: usize = 25;
pub const URL_MAX: usize = 2000;

fn len_max(l: &mut Lint, path: &str, text: &str, max: usize, what: &str) {
    let n = text.chars().count();
    if n > max {
        l.add(
            path,
            format!("{what} is limited to {max} characters ({n} now)"),
        );
    }
}

/// All problems of a template-create body; empty when Meta's known rules pass.
/// Why a URL button's URL is not a valid https URL with a real host (a public DNS name such
/// as `shop.example.com`), or `None`. A variable (`{{1}}`) at the end stands for its value.
/// Catches the typical paste slip `https://https://shop…` (its host would be `https`).
pub fn button_url_problem(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return Some("give the URL the button opens (https://…)".into());
    }
    if !url.starts_with("https://") {
        return Some("the URL must start with https://".into());
    }
    let mut concrete = url.to_string();
    for (start, end, _) in placeholders(url).into_iter().rev() {
        concrete.replace_range(start..end, "x");
    }
    let Ok(parsed) = url::Url::parse(&concrete) else {
        return Some("this is not a valid URL".into());
    };
    let host = match parsed.host() {
        Some(url::Host::Domain(h)) => h.to_string(),
        Some(_) => return Some("use a host name, not an IP address".into()),
        None => return Some("the URL needs a host name".into()),
    };
    let labels: Vec<&str> = host.split('.').collect();
    let real = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    if !real || host == "localhost" {
        return Some(format!(
            "'{host}' is not a real host name; write the full address, e.g. https://shop.example.com/…"
        ));
    }
    None
}

pub fn lint(t: &Value) -> Vec<LintIssue> {
    let mut l = Lint { issues: Vec::new() };
    let name = s(t, "name");
    if name.is_empty() {
        l.add("name", "give the template a name");
    } else if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        l.add("name", "use only lowercase letters, digits and underscores");
    } else {
        len_max(&mut l, "name", name, NAME_MAX, "the name");
    }
    let category = upper(t, "category");
    if category == "TRANSACTIONAL" {
        l.add(
            "category",
            "TRANSACTIONAL is no longer a category; use UTILITY (or AUTHENTICATION for one-time passwords)",
        );
    } else if category == "OTP" {
        l.add(
            "category",
            "OTP is no longer a category; use AUTHENTICATION",
        );
    } else if !matches!(
        category.as_str(),
        "MARKETING" | "UTILITY" | "AUTHENTICATION"
    ) {
        l.add("category", "choose MARKETING, UTILITY or AUTHENTICATION");
    }
    let language = s(t, "language");
    let lang_ok = {
        let (base, region) = language.split_once('_').unwrap_or((language, ""));
        (2..=3).contains(&base.len())
            && base.chars().all(|c| c.is_ascii_lowercase())
            && (region.is_empty()
                || (region.len() == 2 && region.chars().all(|c| c.is_ascii_uppercase())))
    };
    if !lang_ok {
        l.add(
            "language",
            "choose a template language code such as en, en_US or pt_BR",
        );
    }
    let named = s(t, "parameter_format").eq_ignore_ascii_case("named");
    let comps: Vec<&Value> = t
        .get("components")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let of = |kind: &str| {
        comps
            .iter()
            .enumerate()
            .filter(|(_, c)| upper(c, "type") == kind)
            .collect::<Vec<_>>()
    };

    let bodies = of("BODY");
    if bodies.len() != 1 {
        l.add("components", "a template has exactly one body");
    }
    for (i, b) in &bodies {
        let path = format!("components[{i}].text");
        let text = s(b, "text");
        if category == "AUTHENTICATION" {
            continue; // Meta writes the body of authentication templates
        }
        if text.trim().is_empty() {
            l.add(&path, "write the body text");
        }
        len_max(&mut l, &path, text, BODY_MAX, "the body");
        let samples = if named {
            non_empty(b.pointer("/example/body_text_named_params"), "example")
        } else {
            match b.pointer("/example/body_text") {
                // Meta allows a plain string when the body has one variable
                Some(Value::String(one)) => usize::from(!one.trim().is_empty()),
                _ => non_empty(b.pointer("/example/body_text/0"), ""),
            }
        };
        check_text_vars(&mut l, &path, text, named, samples, true);
    }

    let headers = of("HEADER");
    if headers.len() > 1 {
        l.add("components", "a template has at most one header");
    }
    for (i, h) in &headers {
        let path = format!("components[{i}]");
        match upper(h, "format").as_str() {
            "TEXT" => {
                let text = s(h, "text");
                let tp = format!("{path}.text");
                if text.trim().is_empty() {
                    l.add(&tp, "write the header text, or choose no header");
                }
                len_max(&mut l, &tp, text, HEADER_TEXT_MAX, "a text header");
                let samples = if named {
                    non_empty(h.pointer("/example/header_text_named_params"), "example")
                } else {
                    non_empty(h.pointer("/example/header_text"), "")
                };
                if check_text_vars(&mut l, &tp, text, named, samples, false) > 1 {
                    l.add(&tp, "a text header can have at most one variable");
                }
            }
            "IMAGE" | "VIDEO" | "DOCUMENT" => {
                if h.pointer("/example/header_handle/0").is_none() {
                    l.add(
                        format!("{path}.example"),
                        "upload a sample file for the media header",
                    );
                }
            }
            "PRODUCT" => {
                if category != "MARKETING" {
                    l.add(
                        format!("{path}.format"),
                        "product headers are for marketing templates",
                    );
                }
            }
            "LOCATION" => {
                if category == "AUTHENTICATION" {
                    l.add(
                        format!("{path}.format"),
                        "location headers are for marketing and utility templates",
                    );
                }
            }
            other => l.add(
                format!("{path}.format"),
                format!("unknown header format '{other}'"),
            ),
        }
    }

    let footers = of("FOOTER");
    if footers.len() > 1 {
        l.add("components", "a template has at most one footer");
    }
    for (i, f) in &footers {
        let path = format!("components[{i}].text");
        if category == "AUTHENTICATION" && f.get("code_expiration_minutes").is_some() {
            continue;
        }
        let text = s(f, "text");
        len_max(&mut l, &path, text, FOOTER_MAX, "the footer");
        if !placeholders(text).is_empty() {
            l.add(&path, "the footer cannot contain variables");
        }
    }

    for (ci, bc) in of("BUTTONS") {
        lint_buttons(&mut l, &format!("components[{ci}]"), bc, &category);
    }
    for (ci, c) in of("CAROUSEL") {
        lint_carousel(&mut l, ci, c, &category, named, &comps);
    }
    for (ci, c) in of("LIMITED_TIME_OFFER") {
        lint_offer(&mut l, ci, c, &category, &comps);
    }
    if of("CAROUSEL").len() + of("LIMITED_TIME_OFFER").len() > 1 {
        l.add(
            "components",
            "a template has at most one carousel or limited-time offer",
        );
    }
    if category == "AUTHENTICATION" {
        lint_authentication(&mut l, &comps);
    }
    l.issues
}

/// The rules of one buttons component (`comp` is its path): counts, grouping, and each
/// button's label, URL, phone number or sample code.
fn lint_buttons(l: &mut Lint, comp: &str, bc: &Value, category: &str) -> Vec<String> {
    let buttons: Vec<&Value> = bc
        .get("buttons")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if buttons.len() > 10 {
        l.add(comp.to_string(), "at most 10 buttons");
    }
    let kinds: Vec<String> = buttons.iter().map(|b| upper(b, "type")).collect();
    let qr: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| *k == "QUICK_REPLY")
        .map(|(i, _)| i)
        .collect();
    if let (Some(first), Some(last)) = (qr.first(), qr.last()) {
        if last - first + 1 != qr.len() {
            l.add(
                comp.to_string(),
                "quick-reply buttons must be grouped before or after the other buttons",
            );
        }
    }
    for (kind, max) in [("URL", 2), ("PHONE_NUMBER", 1), ("COPY_CODE", 1)] {
        if kinds.iter().filter(|k| *k == kind).count() > max {
            l.add(
                comp.to_string(),
                format!(
                    "at most {max} {} button{}",
                    kind.to_lowercase().replace('_', " "),
                    if max > 1 { "s" } else { "" }
                ),
            );
        }
    }
    for (bi, (b, kind)) in buttons.iter().zip(&kinds).enumerate() {
        let path = format!("{comp}.buttons[{bi}]");
        if !matches!(kind.as_str(), "OTP" | "COPY_CODE") {
            let text = s(b, "text");
            if text.trim().is_empty() {
                l.add(format!("{path}.text"), "give the button a label");
            }
            len_max(
                l,
                &format!("{path}.text"),
                text,
                BUTTON_LABEL_MAX,
                "a button label",
            );
        }
        match kind.as_str() {
            "URL" => {
                let url = s(b, "url");
                let up = format!("{path}.url");
                if let Some(why) = button_url_problem(url) {
                    l.add(&up, why);
                }
                len_max(l, &up, url, URL_MAX, "the URL");
                let vars = placeholders(url);
                if vars.len() > 1
                    || vars
                        .first()
                        .is_some_and(|(_, end, _)| *end != url.trim_end().len())
                {
                    l.add(&up, "a URL can have one variable, at its very end");
                }
                if !vars.is_empty() && b.pointer("/example/0").is_none() {
                    l.add(
                        format!("{path}.example"),
                        "give a sample URL for the variable",
                    );
                }
            }
            "PHONE_NUMBER" => {
                let p = s(b, "phone_number");
                if p.is_empty() {
                    l.add(
                        format!("{path}.phone_number"),
                        "enter the phone number to call",
                    );
                }
                len_max(
                    l,
                    &format!("{path}.phone_number"),
                    p,
                    20,
                    "the phone number",
                );
            }
            "COPY_CODE" => {
                let ex = s(b, "example");
                if ex.is_empty() {
                    l.add(format!("{path}.example"), "give a sample code");
                }
                len_max(l, &format!("{path}.example"), ex, 20, "the sample code");
            }
            "OTP" if category != "AUTHENTICATION" => {
                l.add(
                    format!("{path}.type"),
                    "one-time-password buttons are for authentication templates",
                );
            }
            "QUICK_REPLY" | "OTP" | "FLOW" | "VOICE_CALL" | "CATALOG" | "MPM" | "SPM" => {}
            other => l.add(
                format!("{path}.type"),
                format!("unknown button type '{other}'"),
            ),
        }
    }
    kinds
}

/// Carousel limits (Meta's media and product card carousels): 2–10 cards, a card body of at
/// most 160 characters, at most 2 buttons per card.
pub const CAROUSEL_CARDS_MIN: usize = 2;
pub const CAROUSEL_CARDS_MAX: usize = 10;
pub const CARD_BODY_MAX: usize = 160;
pub const CARD_BUTTONS_MAX: usize = 2;
/// Limited-time offer limits: the offer text, the body and the sample code.
pub const OFFER_TEXT_MAX: usize = 16;
pub const OFFER_BODY_MAX: usize = 600;
pub const OFFER_CODE_MAX: usize = 15;

/// A carousel (marketing only): the message body outside, then 2–10 cards, each with an image
/// or video header (media cards) or a product header (product cards), an optional body and up
/// to 2 buttons; every card alike (same header type, a body in all or none, the same buttons in
/// the same order). No header, footer or buttons outside the cards.
fn lint_carousel(
    l: &mut Lint,
    ci: usize,
    c: &Value,
    category: &str,
    named: bool,
    comps: &[&Value],
) {
    let path = format!("components[{ci}]");
    if category != "MARKETING" {
        l.add(&path, "carousel templates are for marketing");
    }
    for (i, other) in comps.iter().enumerate() {
        let what = match upper(other, "type").as_str() {
            "HEADER" => "header",
            "FOOTER" => "footer",
            "BUTTONS" => "buttons",
            _ => continue,
        };
        l.add(
            format!("components[{i}]"),
            format!("a carousel template has no {what} outside its cards; put it on the cards or remove it"),
        );
    }
    let cards: Vec<&Value> = c
        .get("cards")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if !(CAROUSEL_CARDS_MIN..=CAROUSEL_CARDS_MAX).contains(&cards.len()) {
        l.add(
            format!("{path}.cards"),
            format!(
                "a carousel has {CAROUSEL_CARDS_MIN} to {CAROUSEL_CARDS_MAX} cards ({} now)",
                cards.len()
            ),
        );
    }
    // Each card's shape: header format, whether it has a body, its button types in order.
    let mut shapes: Vec<(String, bool, Vec<String>)> = Vec::new();
    for (k, card) in cards.iter().enumerate() {
        let cp = format!("{path}.cards[{k}]");
        let parts: Vec<&Value> = card
            .get("components")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut format = String::new();
        let mut has_body = false;
        let mut kinds = Vec::new();
        for (j, p) in parts.iter().enumerate() {
            let pp = format!("{cp}.components[{j}]");
            match upper(p, "type").as_str() {
                "HEADER" => {
                    format = upper(p, "format");
                    match format.as_str() {
                        "IMAGE" | "VIDEO" => {
                            if p.pointer("/example/header_handle/0").is_none() {
                                l.add(
                                    format!("{pp}.example"),
                                    "upload a sample file for the card's image or video",
                                );
                            }
                        }
                        "PRODUCT" => {}
                        other => l.add(
                            format!("{pp}.format"),
                            format!("a card header is an image or a video (or a product); '{other}' is not possible on a card"),
                        ),
                    }
                }
                "BODY" => {
                    has_body = true;
                    let text = s(p, "text");
                    let tp = format!("{pp}.text");
                    if text.trim().is_empty() {
                        l.add(&tp, "write the card's text, or remove the card body");
                    }
                    len_max(l, &tp, text, CARD_BODY_MAX, "a card's text");
                    let samples = if named {
                        non_empty(p.pointer("/example/body_text_named_params"), "example")
                    } else {
                        match p.pointer("/example/body_text") {
                            Some(Value::String(one)) => usize::from(!one.trim().is_empty()),
                            _ => non_empty(p.pointer("/example/body_text/0"), ""),
                        }
                    };
                    check_text_vars(l, &tp, text, named, samples, false);
                }
                "BUTTONS" => {
                    let n = p
                        .get("buttons")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    if n > CARD_BUTTONS_MAX {
                        l.add(
                            &pp,
                            format!("a card has at most {CARD_BUTTONS_MAX} buttons ({n} now)"),
                        );
                    }
                    kinds = lint_buttons(l, &pp, p, category);
                    let product = format == "PRODUCT";
                    for (bi, kind) in kinds.iter().enumerate() {
                        let ok = if product {
                            matches!(kind.as_str(), "SPM" | "URL")
                        } else {
                            matches!(kind.as_str(), "QUICK_REPLY" | "URL" | "PHONE_NUMBER")
                        };
                        if !ok {
                            l.add(
                                format!("{pp}.buttons[{bi}].type"),
                                if product {
                                    "a product card's button views the product (SPM) or opens a URL"
                                } else {
                                    "a card's buttons are quick replies, URLs or a phone number"
                                },
                            );
                        }
                    }
                }
                other => l.add(
                    format!("{pp}.type"),
                    format!("a card has a header, a body and buttons; '{other}' is not possible on a card"),
                ),
            }
        }
        if format.is_empty() {
            l.add(
                &cp,
                "every card needs an image or video header (or a product)",
            );
        }
        shapes.push((format, has_body, kinds));
    }
    if let Some((first, rest)) = shapes.split_first() {
        for (k, shape) in rest.iter().enumerate() {
            if shape != first {
                let cp = format!("{path}.cards[{}]", k + 1);
                let why = if shape.0 != first.0 {
                    format!(
                        "its header is {} but card 1's is {}",
                        shape.0.to_lowercase(),
                        first.0.to_lowercase()
                    )
                } else if shape.1 != first.1 {
                    "a body must be on every card or on none".to_string()
                } else {
                    format!(
                        "its buttons are {} but card 1's are {}",
                        names(&shape.2),
                        names(&first.2)
                    )
                };
                l.add(
                    cp,
                    format!("every card must be alike (same header type, body, and buttons in the same order): {why}"),
                );
            }
        }
    }
}

fn names(kinds: &[String]) -> String {
    if kinds.is_empty() {
        return "none".into();
    }
    kinds
        .iter()
        .map(|k| k.to_lowercase().replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A limited-time offer (marketing only): the offer text (at most 16 characters), an optional
/// image or video header, a body of at most 600 characters, no footer, and a URL button with an
/// optional copy-code button (sample code at most 15 characters) and no other buttons.
fn lint_offer(l: &mut Lint, ci: usize, c: &Value, category: &str, comps: &[&Value]) {
    let path = format!("components[{ci}]");
    if category != "MARKETING" {
        l.add(&path, "limited-time offer templates are for marketing");
    }
    let offer = c.get("limited_time_offer").unwrap_or(&Value::Null);
    let text = s(offer, "text");
    let tp = format!("{path}.limited_time_offer.text");
    if text.trim().is_empty() {
        l.add(&tp, "write the offer text (e.g. \"Expiring offer!\")");
    }
    len_max(l, &tp, text, OFFER_TEXT_MAX, "the offer text");
    if offer.get("has_expiration").is_some_and(|v| !v.is_boolean()) {
        l.add(
            format!("{path}.limited_time_offer.has_expiration"),
            "has_expiration is true or false",
        );
    }
    let mut url_buttons = 0;
    let mut buttons_at = None;
    for (i, other) in comps.iter().enumerate() {
        let op = format!("components[{i}]");
        match upper(other, "type").as_str() {
            "FOOTER" => l.add(
                format!("{op}.text"),
                "limited-time offer templates have no footer",
            ),
            "HEADER" if !matches!(upper(other, "format").as_str(), "IMAGE" | "VIDEO") => l.add(
                format!("{op}.format"),
                "a limited-time offer's header is an image or a video (or none)",
            ),
            "BODY" => len_max(
                l,
                &format!("{op}.text"),
                s(other, "text"),
                OFFER_BODY_MAX,
                "the body of a limited-time offer",
            ),
            "BUTTONS" => {
                buttons_at = Some(i);
                let buttons = other.get("buttons").and_then(Value::as_array);
                for (bi, b) in buttons.into_iter().flatten().enumerate() {
                    let bp = format!("{op}.buttons[{bi}]");
                    match upper(b, "type").as_str() {
                        "URL" => url_buttons += 1,
                        "COPY_CODE" => len_max(
                            l,
                            &format!("{bp}.example"),
                            s(b, "example"),
                            OFFER_CODE_MAX,
                            "the offer's sample code",
                        ),
                        _ => l.add(
                            format!("{bp}.type"),
                            "a limited-time offer has a copy-code button and a URL button only",
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    if url_buttons == 0 {
        l.add(
            buttons_at.map_or_else(|| "components".to_string(), |i| format!("components[{i}]")),
            "a limited-time offer needs a URL button (and may have a copy-code button)",
        );
    }
}

/// Authentication templates are Meta's preset text: the body only chooses the security
/// recommendation, the footer only the code expiry, and the only buttons are one OTP button
/// (copy code, one-tap autofill, or zero-tap with the apps it may fill in).
fn lint_authentication(l: &mut Lint, comps: &[&Value]) {
    let mut otp_buttons = 0;
    for (i, c) in comps.iter().enumerate() {
        let path = format!("components[{i}]");
        match upper(c, "type").as_str() {
            "HEADER" => l.add(
                &path,
                "authentication templates have no header; Meta writes their text",
            ),
            "BODY"
                if c.get("text")
                    .is_some_and(|t| !t.as_str().unwrap_or("x").trim().is_empty()) =>
            {
                l.add(
                    format!("{path}.text"),
                    "authentication templates use Meta's preset text; remove the body text (only the security recommendation can be added)",
                );
            }
            "FOOTER" if c.get("text").is_some() || c.get("code_expiration_minutes").is_none() => {
                l.add(
                    format!("{path}.text"),
                    "an authentication footer only gives the code expiry (code_expiration_minutes); Meta writes its text",
                );
            }
            "FOOTER" => {
                let minutes = c.get("code_expiration_minutes").and_then(Value::as_u64);
                if !minutes.is_some_and(|m| {
                    u32::try_from(m)
                        .is_ok_and(|m| super::languages::AUTH_EXPIRY_MINUTES.contains(&m))
                }) {
                    let (min, max) = (
                        super::languages::AUTH_EXPIRY_MINUTES.start(),
                        super::languages::AUTH_EXPIRY_MINUTES.end(),
                    );
                    l.add(
                        format!("{path}.code_expiration_minutes"),
                        format!("the code expires after {min} to {max} minutes"),
                    );
                }
            }
            "BUTTONS" => {
                let buttons = c.get("buttons").and_then(Value::as_array);
                for (bi, b) in buttons.into_iter().flatten().enumerate() {
                    let bp = format!("{path}.buttons[{bi}]");
                    if upper(b, "type") != "OTP" {
                        l.add(
                            format!("{bp}.type"),
                            "authentication templates have only a one-time-password button (copy code, one-tap or zero-tap)",
                        );
                        continue;
                    }
                    otp_buttons += 1;
                    let apps = b
                        .get("supported_apps")
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty());
                    let legacy_app =
                        !s(b, "package_name").is_empty() && !s(b, "signature_hash").is_empty();
                    for (ai, app) in b
                        .get("supported_apps")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        if s(app, "package_name").trim().is_empty()
                            || s(app, "signature_hash").trim().is_empty()
                        {
                            l.add(
                                format!("{bp}.supported_apps"),
                                format!("app {} needs its package name and signature hash", ai + 1),
                            );
                        }
                    }
                    match upper(b, "otp_type").as_str() {
                        "COPY_CODE" => {}
                        "ONE_TAP" if apps || legacy_app => {}
                        "ONE_TAP" => l.add(
                            format!("{bp}.supported_apps"),
                            "a one-tap button names the app it fills in (package name and signature hash)",
                        ),
                        "ZERO_TAP" if apps => {
                            if b.get("zero_tap_terms_accepted").and_then(Value::as_bool) != Some(true) {
                                l.add(
                                    format!("{bp}.zero_tap_terms_accepted"),
                                    "a zero-tap button needs Meta's zero-tap terms accepted (zero_tap_terms_accepted)",
                                );
                            }
                        }
                        "ZERO_TAP" => l.add(
                            format!("{bp}.supported_apps"),
                            "a zero-tap button lists the apps it fills in (supported_apps with package name and signature hash)",
                        ),
                        other => l.add(
                            format!("{bp}.otp_type"),
                            format!("unknown one-time-password type '{other}'; use COPY_CODE, ONE_TAP or ZERO_TAP"),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    if otp_buttons != 1 {
        l.add(
            "components",
            "an authentication template has exactly one one-time-password button (copy code, one-tap or zero-tap)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    #[test]
    fn reference_examples_have_no_issues() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sim/fixtures/reference-examples");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("template_create") || name.starts_with("template-create") {
                let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                assert_eq!(lint(&v), vec![], "{name}");
                n += 1;
            }
        }
        assert!(n >= 5);
    }

    fn body(text: &str, samples: &[&str]) -> Value {
        json!({"name": "order_update", "category": "UTILITY", "language": "en_US",
               "components": [{"type": "BODY", "text": text, "example": {"body_text": [samples]}}]})
    }

    #[rstest]
    #[case::gap(body("Hi {{1}}, your {{3}} ships.", &["a", "b"]), "components[0].text", "in order without gaps")]
    #[case::adjacent(body("Hi {{1}}{{2}} ships.", &["a", "b"]), "components[0].text", "next to each other")]
    #[case::start(body("{{1}} ships today.", &["a"]), "components[0].text", "start or end")]
    #[case::end(body("Your order ships {{1}}", &["a"]), "components[0].text", "start or end")]
    #[case::sample(body("Hi {{1}}, your {{2}} ships.", &["a"]), "components[0].text", "1 of 2 given")]
    #[case::long(body(&"x".repeat(1025), &[]), "components[0].text", "1024")]
    #[case::name(json!({"name": "Order Update", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "name", "lowercase")]
    #[case::category(json!({"name": "a", "category": "PROMO", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "category", "MARKETING")]
    #[case::language(json!({"name": "a", "category": "UTILITY", "language": "english", "components": [{"type": "BODY", "text": "Hi"}]}), "language", "en_US")]
    #[case::no_body(json!({"name": "a", "category": "UTILITY", "language": "en", "components": []}), "components", "exactly one body")]
    #[case::header_len(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "x".repeat(61)}, {"type": "BODY", "text": "Hi"}]}), "components[0].text", "60")]
    #[case::header_vars(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "A {{1}} b {{2}}", "example": {"header_text": ["x", "y"]}}, {"type": "BODY", "text": "Hi"}]}), "components[0].text", "at most one variable")]
    #[case::media(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Hi"}]}), "components[0].example", "sample file")]
    #[case::footer_var(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "FOOTER", "text": "Bye {{1}}"}]}), "components[1].text", "cannot contain variables")]
    #[case::qr_group(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "a"}, {"type": "URL", "text": "b", "url": "https://x.example"}, {"type": "QUICK_REPLY", "text": "c"}]}]}), "components[1]", "grouped")]
    #[case::button_len(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "x".repeat(26)}]}]}), "components[1].buttons[0].text", "25")]
    #[case::url_var_middle(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.example/{{1}}/track", "example": ["https://x.example/1/track"]}]}]}), "components[1].buttons[0].url", "at its very end")]
    #[case::url_example(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.example/{{1}}"}]}]}), "components[1].buttons[0].example", "sample URL")]
    #[case::two_phones(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+1555"}, {"type": "PHONE_NUMBER", "text": "Call 2", "phone_number": "+1556"}]}]}), "components[1]", "at most 1 phone number button")]
    #[case::copy_code(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "x".repeat(21)}]}]}), "components[1].buttons[0].example", "20")]
    #[case::otp_outside_auth(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]}]}), "components[1].buttons[0].type", "authentication")]
    #[case::named(json!({"name": "a", "category": "UTILITY", "language": "en", "parameter_format": "named", "components": [{"type": "BODY", "text": "Hi {{First}} there", "example": {"body_text_named_params": [{"param_name": "First", "example": "x"}]}}]}), "components[0].text", "lowercase")]
    #[case::body_empty(body("  ", &[]), "components[0].text", "write the body")]
    #[case::two_bodies(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BODY", "text": "Ho"}]}), "components", "exactly one body")]
    #[case::name_empty(json!({"name": "", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "name", "give the template a name")]
    #[case::name_long(json!({"name": "a".repeat(513), "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "name", "512")]
    #[case::name_dash(json!({"name": "order-update", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "name", "underscores")]
    #[case::language_dash(json!({"name": "a", "category": "UTILITY", "language": "en-US", "components": [{"type": "BODY", "text": "Hi"}]}), "language", "en_US")]
    #[case::language_missing(json!({"name": "a", "category": "UTILITY", "components": [{"type": "BODY", "text": "Hi"}]}), "language", "language code")]
    #[case::category_missing(json!({"name": "a", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "category", "AUTHENTICATION")]
    #[case::body_zero(body("Hi {{0}} there", &["a"]), "components[0].text", "in order without gaps")]
    #[case::body_word(body("Hi {{name}} there", &["a"]), "components[0].text", "in order without gaps")]
    #[case::body_repeat(body("Hi {{1}} and {{1}} there", &["a", "b"]), "components[0].text", "in order without gaps")]
    #[case::adjacent_space(body("Hi {{1}} {{2}} there", &["a", "b"]), "components[0].text", "next to each other")]
    #[case::blank_sample(body("Hi {{1}} there", &[" "]), "components[0].text", "0 of 1 given")]
    #[case::no_example(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi {{1}} there"}]}), "components[0].text", "0 of 1 given")]
    #[case::header_empty(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": " "}, {"type": "BODY", "text": "Hi"}]}), "components[0].text", "write the header text")]
    #[case::header_sample(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": [""]}}, {"type": "BODY", "text": "Hi"}]}), "components[0].text", "0 of 1 given")]
    #[case::header_numbering(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "Order {{2}}", "example": {"header_text": ["x"]}}, {"type": "BODY", "text": "Hi"}]}), "components[0].text", "in order")]
    #[case::two_headers(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "LOCATION"}, {"type": "HEADER", "format": "LOCATION"}, {"type": "BODY", "text": "Hi"}]}), "components", "at most one header")]
    #[case::video(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "HEADER", "format": "VIDEO", "example": {}}, {"type": "BODY", "text": "Hi"}]}), "components[0].example", "sample file")]
    #[case::document(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "DOCUMENT"}, {"type": "BODY", "text": "Hi"}]}), "components[0].example", "sample file")]
    #[case::header_format(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "AUDIO"}, {"type": "BODY", "text": "Hi"}]}), "components[0].format", "unknown header format")]
    #[case::location_auth(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "HEADER", "format": "LOCATION"}, {"type": "BODY"}]}), "components[0].format", "marketing and utility")]
    #[case::footer_long(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "FOOTER", "text": "x".repeat(61)}]}), "components[1].text", "60")]
    #[case::two_footers(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "FOOTER", "text": "a"}, {"type": "FOOTER", "text": "b"}]}), "components", "at most one footer")]
    #[case::eleven_buttons(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": (0..11).map(|i| json!({"type": "QUICK_REPLY", "text": format!("b{i}")})).collect::<Vec<_>>()}]}), "components[1]", "at most 10 buttons")]
    #[case::three_urls(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "a", "url": "https://a.example"}, {"type": "URL", "text": "b", "url": "https://b.example"}, {"type": "URL", "text": "c", "url": "https://c.example"}]}]}), "components[1]", "at most 2 url buttons")]
    #[case::two_copy_codes(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "A"}, {"type": "COPY_CODE", "example": "B"}]}]}), "components[1]", "at most 1 copy code button")]
    #[case::url_http(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "http://shop.example.com/t"}]}]}), "components[1].buttons[0].url", "https://")]
    #[case::url_doubled_scheme(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://https://shop.example.com/t"}]}]}), "components[1].buttons[0].url", "not a real host")]
    #[case::url_no_host(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://"}]}]}), "components[1].buttons[0].url", "URL")]
    #[case::url_single_label(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://shop/t"}]}]}), "components[1].buttons[0].url", "not a real host")]
    #[case::url_ip(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://10.0.0.1/t"}]}]}), "components[1].buttons[0].url", "IP address")]
    #[case::url_empty(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": ""}]}]}), "components[1].buttons[0].url", "give the URL")]
    #[case::url_scheme(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "shop.example/t"}]}]}), "components[1].buttons[0].url", "https://")]
    #[case::url_long(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": format!("https://x.example/{}", "a".repeat(2000))}]}]}), "components[1].buttons[0].url", "2000")]
    #[case::url_two_vars(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Go", "url": "https://x.example/{{1}}{{2}}", "example": ["https://x.example/ab"]}]}]}), "components[1].buttons[0].url", "one variable")]
    #[case::button_label_empty(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": ""}]}]}), "components[1].buttons[0].text", "label")]
    #[case::phone_missing(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "PHONE_NUMBER", "text": "Call"}]}]}), "components[1].buttons[0].phone_number", "phone number to call")]
    #[case::phone_long(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "PHONE_NUMBER", "text": "Call", "phone_number": "1".repeat(21)}]}]}), "components[1].buttons[0].phone_number", "20")]
    #[case::copy_code_missing(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE"}]}]}), "components[1].buttons[0].example", "sample code")]
    #[case::button_type(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "CALLBACK", "text": "x"}]}]}), "components[1].buttons[0].type", "unknown button type")]
    #[case::named_sample(json!({"name": "a", "category": "UTILITY", "language": "en", "parameter_format": "named", "components": [{"type": "BODY", "text": "Hi {{first_name}} there", "example": {"body_text_named_params": [{"param_name": "first_name", "example": ""}]}}]}), "components[0].text", "0 of 1 given")]
    #[case::named_header_sample(json!({"name": "a", "category": "UTILITY", "language": "en", "parameter_format": "named", "components": [{"type": "HEADER", "format": "TEXT", "text": "For {{who}}"}, {"type": "BODY", "text": "Hi"}]}), "components[0].text", "0 of 1 given")]
    #[case::auth_own_text(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "Your code"}, {"type": "BODY", "text": "Your code is {{1}} ok", "example": {"body_text": [["123"]]}}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]}]}), "components[1].text", "preset text")]
    #[case::auth_header(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "Your code"}, {"type": "BODY", "text": "Your code is {{1}} ok", "example": {"body_text": [["123"]]}}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]}]}), "components[0]", "no header")]
    #[case::auth_quick_reply(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "Your code"}, {"type": "BODY", "text": "Your code is {{1}} ok", "example": {"body_text": [["123"]]}}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]}]}), "components[2].buttons[0].type", "one-time-password button")]
    #[case::auth_no_otp(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "HEADER", "format": "TEXT", "text": "Your code"}, {"type": "BODY", "text": "Your code is {{1}} ok", "example": {"body_text": [["123"]]}}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Thanks"}]}]}), "components", "exactly one one-time-password button")]
    #[case::auth_footer_text(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY", "add_security_recommendation": true}, {"type": "FOOTER", "text": "Bye"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy"}]}]}), "components[1].text", "code expiry")]
    #[case::auth_zero_tap_apps(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "ZERO_TAP", "text": "Copy", "zero_tap_terms_accepted": true}]}]}), "components[1].buttons[0].supported_apps", "supported_apps")]
    #[case::auth_one_tap_app(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "ONE_TAP", "text": "Copy"}]}]}), "components[1].buttons[0].supported_apps", "package name")]
    #[case::auth_expiry_zero(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY"}, {"type": "FOOTER", "code_expiration_minutes": 0}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy"}]}]}), "components[1].code_expiration_minutes", "1 to 90 minutes")]
    #[case::auth_expiry_long(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY"}, {"type": "FOOTER", "code_expiration_minutes": 91}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy"}]}]}), "components[1].code_expiration_minutes", "1 to 90 minutes")]
    #[case::auth_app_without_hash(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "ONE_TAP", "text": "Copy", "supported_apps": [{"package_name": "com.example.app", "signature_hash": ""}]}]}]}), "components[1].buttons[0].supported_apps", "app 1 needs its package name and signature hash")]
    #[case::auth_zero_tap_terms(json!({"name": "a", "category": "AUTHENTICATION", "language": "en", "components": [{"type": "BODY"}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "ZERO_TAP", "text": "Copy", "supported_apps": [{"package_name": "com.example.app", "signature_hash": "K8a/AINcGX7"}]}]}]}), "components[1].buttons[0].zero_tap_terms_accepted", "zero-tap terms")]
    #[case::transactional(json!({"name": "a", "category": "TRANSACTIONAL", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "category", "use UTILITY")]
    #[case::otp_category(json!({"name": "a", "category": "OTP", "language": "en", "components": [{"type": "BODY", "text": "Hi"}]}), "category", "use AUTHENTICATION")]
    #[case::product_header_utility(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "HEADER", "format": "PRODUCT"}, {"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "SPM", "text": "View"}]}]}), "components[0].format", "marketing")]
    fn each_rule_is_reported_at_its_field(
        #[case] t: Value,
        #[case] path: &str,
        #[case] fragment: &str,
    ) {
        let issues = lint(&t);
        assert!(
            issues
                .iter()
                .any(|i| i.path == path && i.message.contains(fragment)),
            "want {path}: …{fragment}…, got {issues:?}"
        );
    }

    fn valid(components: Value, category: &str) -> Value {
        json!({"name": "valid_case", "category": category, "language": "en_US", "components": components})
    }

    #[rstest]
    #[case::plain(valid(json!([{"type": "BODY", "text": "Your order has shipped."}]), "UTILITY"))]
    #[case::lowercase_types(valid(json!([{"type": "body", "text": "Hi {{1}}, thanks.", "example": {"body_text": [["Ana"]]}}]), "utility"))]
    #[case::three_vars(valid(json!([{"type": "BODY", "text": "Hi {{1}}, order {{2}} ships {{3}}.", "example": {"body_text": [["a", "b", "c"]]}}]), "UTILITY"))]
    #[case::body_at_limit(valid(json!([{"type": "BODY", "text": "x".repeat(1024)}]), "MARKETING"))]
    #[case::header_var(valid(json!([{"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-1"]}}, {"type": "BODY", "text": "Hi"}]), "UTILITY"))]
    #[case::header_at_limit(valid(json!([{"type": "HEADER", "format": "TEXT", "text": "x".repeat(60)}, {"type": "BODY", "text": "Hi"}]), "UTILITY"))]
    #[case::image(valid(json!([{"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1n"]}}, {"type": "BODY", "text": "Hi"}]), "MARKETING"))]
    #[case::video(valid(json!([{"type": "HEADER", "format": "VIDEO", "example": {"header_handle": ["4::dmlk"]}}, {"type": "BODY", "text": "Hi"}]), "MARKETING"))]
    #[case::location(valid(json!([{"type": "HEADER", "format": "LOCATION"}, {"type": "BODY", "text": "Hi"}]), "UTILITY"))]
    #[case::footer_at_limit(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "FOOTER", "text": "x".repeat(60)}]), "UTILITY"))]
    #[case::qr_then_others(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "a"}, {"type": "QUICK_REPLY", "text": "b"}, {"type": "URL", "text": "c", "url": "https://x.example"}, {"type": "PHONE_NUMBER", "text": "d", "phone_number": "15550051310"}]}]), "MARKETING"))]
    #[case::others_then_qr(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "c", "url": "https://x.example"}, {"type": "PHONE_NUMBER", "text": "d", "phone_number": "15550051310"}, {"type": "QUICK_REPLY", "text": "a"}, {"type": "QUICK_REPLY", "text": "b"}]}]), "MARKETING"))]
    #[case::ten_quick_replies(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": (0..10).map(|i| json!({"type": "QUICK_REPLY", "text": format!("b{i}")})).collect::<Vec<_>>()}]), "MARKETING"))]
    #[case::two_urls_var_at_end(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "a", "url": "https://x.example/t/{{1}}", "example": ["https://x.example/t/1"]}, {"type": "URL", "text": "b", "url": "https://x.example/help"}]}]), "UTILITY"))]
    #[case::label_at_limit(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "x".repeat(25)}]}]), "MARKETING"))]
    #[case::copy_code(valid(json!([{"type": "BODY", "text": "Hi"}, {"type": "BUTTONS", "buttons": [{"type": "COPY_CODE", "example": "SAVE20"}]}]), "MARKETING"))]
    #[case::auth_otp(valid(json!([{"type": "BODY", "add_security_recommendation": true}, {"type": "FOOTER", "code_expiration_minutes": 5}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy code"}]}]), "AUTHENTICATION"))]
    #[case::named(json!({"name": "a", "category": "UTILITY", "language": "pt_BR", "parameter_format": "named", "components": [{"type": "HEADER", "format": "TEXT", "text": "For {{who}}", "example": {"header_text_named_params": [{"param_name": "who", "example": "Ana"}]}}, {"type": "BODY", "text": "Hi {{first_name}}, order {{order_id}} ships.", "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ana"}, {"param_name": "order_id", "example": "1"}]}}]}))]
    #[case::three_letter_language(json!({"name": "a", "category": "UTILITY", "language": "fil", "components": [{"type": "BODY", "text": "Hi"}]}))]
    #[case::name_at_limit(json!({"name": "a".repeat(512), "category": "UTILITY", "language": "zh_CN", "components": [{"type": "BODY", "text": "Hi"}]}))]
    #[case::auth_one_tap_supported_apps(valid(json!([{"type": "BODY", "add_security_recommendation": true}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "ONE_TAP", "text": "Copy", "autofill_text": "Autofill", "supported_apps": [{"package_name": "com.example.app", "signature_hash": "K8a/AINcGX7"}]}]}]), "AUTHENTICATION"))]
    #[case::auth_expiry_limits(valid(json!([{"type": "BODY"}, {"type": "FOOTER", "code_expiration_minutes": 90}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy"}]}]), "AUTHENTICATION"))]
    #[case::auth_zero_tap(valid(json!([{"type": "BODY"}, {"type": "FOOTER", "code_expiration_minutes": 5}, {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "zero_tap", "text": "Copy", "zero_tap_terms_accepted": true, "supported_apps": [{"package_name": "com.example.app", "signature_hash": "K8a/AINcGX7"}]}]}]), "authentication"))]
    #[case::single_product(valid(json!([{"type": "header", "format": "product"}, {"type": "body", "text": "Use code {{1}} today.", "example": {"body_text": [["15OFF"]]}}, {"type": "buttons", "buttons": [{"type": "spm", "text": "View"}]}]), "marketing"))]
    #[case::body_text_plain_string(valid(json!([{"type": "body", "text": "Hi {{1}}, look.", "example": {"body_text": "Pablo"}}]), "MARKETING"))]
    fn valid_templates_pass(#[case] t: Value) {
        assert_eq!(lint(&t), vec![]);
    }

    fn card(format: &str, body: Option<&str>, buttons: Value) -> Value {
        let mut comps = vec![
            json!({"type": "header", "format": format, "example": {"header_handle": ["4::aW"]}}),
        ];
        if let Some(b) = body {
            comps.push(json!({"type": "body", "text": b}));
        }
        comps.push(json!({"type": "buttons", "buttons": buttons}));
        json!({ "components": comps })
    }

    trait PipeSample {
        fn pipe_sample(self, sample: &str) -> Value;
    }

    impl PipeSample for Value {
        /// Gives a card's body its one sample.
        fn pipe_sample(mut self, sample: &str) -> Value {
            self["components"][1]["example"] = json!({"body_text": [[sample]]});
            self
        }
    }

    fn qr_url() -> Value {
        json!([{"type": "quick_reply", "text": "More"}, {"type": "url", "text": "Shop", "url": "https://shop.example.com/p"}])
    }

    fn carousel(cards: Vec<Value>) -> Value {
        json!({"name": "a", "category": "MARKETING", "language": "en", "components": [
            {"type": "body", "text": "Our picks for you."},
            {"type": "carousel", "cards": cards}]})
    }

    fn offer(text: &str, buttons: Value) -> Value {
        json!({"name": "a", "category": "MARKETING", "language": "en", "components": [
            {"type": "limited_time_offer", "limited_time_offer": {"text": text, "has_expiration": true}},
            {"type": "body", "text": "Use the code today."},
            {"type": "buttons", "buttons": buttons}]})
    }

    fn code_url() -> Value {
        json!([{"type": "copy_code", "example": "CARIBE25"}, {"type": "url", "text": "Book", "url": "https://shop.example.com/o"}])
    }

    #[rstest]
    #[case::one_card(carousel(vec![card("image", None, qr_url())]), "components[1].cards", "2 to 10 cards (1 now)")]
    #[case::eleven_cards(carousel(vec![card("image", None, qr_url()); 11]), "components[1].cards", "(11 now)")]
    #[case::card_header_text(carousel(vec![card("text", None, qr_url()), card("text", None, qr_url())]), "components[1].cards[0].components[0].format", "image or a video")]
    #[case::card_header_missing_sample(carousel(vec![json!({"components": [{"type": "header", "format": "video"}, {"type": "buttons", "buttons": qr_url()}]}); 2]), "components[1].cards[0].components[0].example", "sample file")]
    #[case::card_no_header(carousel(vec![json!({"components": [{"type": "buttons", "buttons": qr_url()}]}); 2]), "components[1].cards[0]", "needs an image or video header")]
    #[case::card_body_long(carousel(vec![card("image", Some(&"x".repeat(161)), qr_url()); 2]), "components[1].cards[0].components[1].text", "160")]
    #[case::card_body_sample(carousel(vec![card("image", Some("Only {{1}} left"), qr_url()); 2]), "components[1].cards[1].components[1].text", "0 of 1 given")]
    #[case::card_three_buttons(carousel(vec![card("image", None, json!([{"type": "quick_reply", "text": "a"}, {"type": "quick_reply", "text": "b"}, {"type": "quick_reply", "text": "c"}])); 2]), "components[1].cards[0].components[1]", "at most 2 buttons")]
    #[case::card_copy_code(carousel(vec![card("image", None, json!([{"type": "copy_code", "example": "A"}])); 2]), "components[1].cards[0].components[1].buttons[0].type", "quick replies, URLs or a phone number")]
    #[case::card_button_label(carousel(vec![card("image", None, json!([{"type": "quick_reply", "text": ""}])); 2]), "components[1].cards[1].components[1].buttons[0].text", "label")]
    #[case::card_url(carousel(vec![card("image", None, json!([{"type": "url", "text": "Go", "url": "http://x"}])); 2]), "components[1].cards[0].components[1].buttons[0].url", "https://")]
    #[case::cards_header_differ(carousel(vec![card("image", None, qr_url()), card("video", None, qr_url())]), "components[1].cards[1]", "its header is video but card 1's is image")]
    #[case::cards_body_differ(carousel(vec![card("image", Some("Blue"), qr_url()), card("image", None, qr_url())]), "components[1].cards[1]", "every card or on none")]
    #[case::cards_buttons_order(carousel(vec![card("image", None, qr_url()), card("image", None, json!([{"type": "url", "text": "Shop", "url": "https://shop.example.com/p"}, {"type": "quick_reply", "text": "More"}]))]), "components[1].cards[1]", "its buttons are url, quick reply but card 1's are quick reply, url")]
    #[case::cards_buttons_count(carousel(vec![card("image", None, qr_url()), card("image", None, json!([{"type": "quick_reply", "text": "More"}]))]), "components[1].cards[1]", "alike")]
    #[case::product_card_quick_reply(carousel(vec![json!({"components": [{"type": "header", "format": "product"}, {"type": "buttons", "buttons": [{"type": "quick_reply", "text": "x"}]}]}); 2]), "components[1].cards[0].components[1].buttons[0].type", "SPM")]
    #[case::carousel_utility(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "body", "text": "Hi"}, {"type": "carousel", "cards": vec![card("image", None, qr_url()); 2]}]}), "components[1]", "for marketing")]
    #[case::carousel_footer(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "body", "text": "Hi"}, {"type": "footer", "text": "Bye"}, {"type": "carousel", "cards": vec![card("image", None, qr_url()); 2]}]}), "components[1]", "no footer outside its cards")]
    #[case::offer_text_long(
        offer("Expiring offer now!", code_url()),
        "components[0].limited_time_offer.text",
        "16"
    )]
    #[case::offer_text_empty(
        offer(" ", code_url()),
        "components[0].limited_time_offer.text",
        "offer text"
    )]
    #[case::offer_no_url(offer("Expiring offer!", json!([{"type": "copy_code", "example": "CARIBE25"}])), "components[2]", "needs a URL button")]
    #[case::offer_no_buttons(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "limited_time_offer", "limited_time_offer": {"text": "Sale"}}, {"type": "body", "text": "Hi"}]}), "components", "needs a URL button")]
    #[case::offer_quick_reply(offer("Sale", json!([{"type": "quick_reply", "text": "Stop"}, {"type": "url", "text": "Book", "url": "https://shop.example.com/o"}])), "components[2].buttons[0].type", "copy-code button and a URL button only")]
    #[case::offer_code_long(offer("Sale", json!([{"type": "copy_code", "example": "X".repeat(16)}, {"type": "url", "text": "Book", "url": "https://shop.example.com/o"}])), "components[2].buttons[0].example", "15")]
    #[case::offer_footer(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "limited_time_offer", "limited_time_offer": {"text": "Sale"}}, {"type": "body", "text": "Hi"}, {"type": "footer", "text": "Bye"}, {"type": "buttons", "buttons": code_url()}]}), "components[2].text", "no footer")]
    #[case::offer_body_long(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "limited_time_offer", "limited_time_offer": {"text": "Sale"}}, {"type": "body", "text": "x".repeat(601)}, {"type": "buttons", "buttons": code_url()}]}), "components[1].text", "600")]
    #[case::offer_text_header(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "header", "format": "text", "text": "Hi"}, {"type": "limited_time_offer", "limited_time_offer": {"text": "Sale"}}, {"type": "body", "text": "Hi"}, {"type": "buttons", "buttons": code_url()}]}), "components[0].format", "image or a video")]
    #[case::offer_utility(json!({"name": "a", "category": "UTILITY", "language": "en", "components": [{"type": "limited_time_offer", "limited_time_offer": {"text": "Sale"}}, {"type": "body", "text": "Hi"}, {"type": "buttons", "buttons": code_url()}]}), "components[0]", "for marketing")]
    #[case::offer_expiration_type(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "limited_time_offer", "limited_time_offer": {"text": "Sale", "has_expiration": "yes"}}, {"type": "body", "text": "Hi"}, {"type": "buttons", "buttons": code_url()}]}), "components[0].limited_time_offer.has_expiration", "true or false")]
    fn carousel_and_offer_rules_are_reported_at_their_field(
        #[case] t: Value,
        #[case] path: &str,
        #[case] fragment: &str,
    ) {
        let issues = lint(&t);
        assert!(
            issues
                .iter()
                .any(|i| i.path == path && i.message.contains(fragment)),
            "want {path}: …{fragment}…, got {issues:?}"
        );
    }

    #[rstest]
    #[case::two_media_cards(carousel(vec![card("image", None, qr_url()); 2]))]
    #[case::ten_video_cards_with_bodies(carousel(vec![card("video", Some(&"x".repeat(160)), qr_url()); 10]))]
    #[case::card_phone(carousel(vec![card("image", Some("Call {{1}} now"), json!([{"type": "phone_number", "text": "Call", "phone_number": "+15550051310"}])).pipe_sample("A"); 2]))]
    #[case::product_cards(carousel(vec![json!({"components": [{"type": "header", "format": "product"}, {"type": "buttons", "buttons": [{"type": "spm", "text": "View"}]}]}); 2]))]
    #[case::offer(offer("Expiring offer!", code_url()))]
    #[case::offer_url_only(offer("x".repeat(16).as_str(), json!([{"type": "url", "text": "Book", "url": "https://shop.example.com/o"}])))]
    #[case::offer_video_header(json!({"name": "a", "category": "MARKETING", "language": "en", "components": [{"type": "header", "format": "video", "example": {"header_handle": ["4::dm"]}}, {"type": "limited_time_offer", "limited_time_offer": {"text": "Sale", "has_expiration": false}}, {"type": "body", "text": "x".repeat(600)}, {"type": "buttons", "buttons": code_url()}]}))]
    fn valid_carousels_and_offers_pass(#[case] t: Value) {
        assert_eq!(lint(&t), vec![]);
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let t = json!({"name": "Bad Name", "category": "X", "language": "", "components": [{"type": "BODY", "text": "{{2}}"}]});
        let paths: Vec<String> = lint(&t).into_iter().map(|i| i.path).collect();
        for p in ["name", "category", "language", "components[0].text"] {
            assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
        }
    }
}
