//! The builder's draft: what the form edits, turned into Meta's template-create body (and back,
//! for import, export and "duplicate as a new language"). Lint problems found in the body are
//! reported at the draft's fields (`header.text`, `body`, `buttons[1].url`, …).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ts_rs::TS;

use super::lint::{lint, LintIssue};
use super::placeholder_names;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct TemplateDraft {
    pub name: String,
    /// MARKETING, UTILITY or AUTHENTICATION.
    pub category: String,
    pub language: String,
    /// `{{first_name}}`-style parameters instead of `{{1}}`.
    pub named: bool,
    pub allow_category_change: bool,
    pub header: HeaderDraft,
    pub body: String,
    /// Sample value per body placeholder name (`1`, `2` or `first_name`).
    pub body_samples: BTreeMap<String, String>,
    /// Authentication templates: Meta adds a "do not share this code" line.
    pub add_security_recommendation: bool,
    pub footer: String,
    /// Authentication templates: "this code expires in N minutes" footer.
    pub code_expiration_minutes: Option<u32>,
    pub buttons: Vec<ButtonDraft>,
    /// Which form the builder shows: STANDARD, CAROUSEL, LIMITED_TIME_OFFER or AUTHENTICATION
    /// (empty: AUTHENTICATION for that category, else STANDARD). A carousel is built from the
    /// body and the cards only; a limited-time offer has no footer. Fields of another type are
    /// kept in the draft (switching back restores them) but not sent.
    pub kind: String,
    /// Carousel: the cards (2–10, all alike), in order.
    pub cards: Vec<CardDraft>,
    /// Limited-time offer: the offer strip above the body.
    pub offer: OfferDraft,
    /// Components the builder has no fields for (call_permission_request, …), kept verbatim.
    #[ts(type = "unknown[]")]
    pub extra_components: Vec<Value>,
    /// Top-level create fields the builder has no fields for (message_send_ttl_seconds, …).
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// One card of a carousel: a media (image or video) or product header, an optional body and
/// up to two buttons.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct CardDraft {
    /// IMAGE, VIDEO (media cards) or PRODUCT (product cards); `handle` is the media sample.
    pub header: HeaderDraft,
    pub body: String,
    /// Sample value per card body placeholder name.
    pub body_samples: BTreeMap<String, String>,
    pub buttons: Vec<ButtonDraft>,
}

/// The strip of a limited-time offer: its text (at most 16 characters) and whether the
/// message shows the offer's expiry (a countdown; the time itself is given at send time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct OfferDraft {
    pub text: String,
    pub has_expiration: bool,
}

/// The builder's template types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Standard,
    Carousel,
    LimitedTimeOffer,
    Authentication,
}

/// Top-level create fields kept verbatim through the draft (the rest of a listed template, such
/// as its id or status, is not part of a create body).
const KEPT_FIELDS: &[&str] = &[
    "message_send_ttl_seconds",
    "library_template_name",
    "library_template_button_inputs",
    "sub_category",
    "cta_url_link_tracking_opted_out",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HeaderDraft {
    /// NONE, TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.
    pub format: String,
    pub text: String,
    /// Sample for the text header's variable.
    pub sample: String,
    /// Media headers: the sample's upload handle (`4::…`).
    pub handle: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ButtonDraft {
    /// QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE or OTP.
    pub kind: String,
    pub text: String,
    pub url: String,
    /// URL with a variable: a sample (the full URL, or only the part that replaces `{{1}}`).
    pub url_sample: String,
    pub phone_number: String,
    /// COPY_CODE: the sample code.
    pub code_sample: String,
    /// OTP: COPY_CODE, ONE_TAP or ZERO_TAP.
    pub otp_type: String,
    /// Any other field of the button (autofill_text, package_name, flow_id, …), kept verbatim.
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// A draft checked by the core: the create body, every problem at its field, and the
/// placeholders the form needs samples for.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DraftCheck {
    #[ts(type = "unknown")]
    pub body: Value,
    pub issues: Vec<LintIssue>,
    pub header_placeholders: Vec<String>,
    pub body_placeholders: Vec<String>,
    /// Carousel: each card's body placeholders, in card order.
    pub card_placeholders: Vec<Vec<String>>,
    /// The name as Meta accepts it ("Order Update" → `order_update`), when it differs.
    pub name_suggestion: Option<String>,
}

/// A template name as Meta accepts it: lowercase letters, digits and underscores ("Order
/// Update!" → `order_update`; accents dropped to their base letter where it is ASCII).
pub fn normalise_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ö' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'ß' => 's',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Which draft part each component of the body came from.
#[derive(Clone)]
enum Part {
    Header,
    Body,
    Footer,
    Buttons,
    Offer,
    /// The carousel: per card, the parts of its components.
    Carousel(Vec<Vec<Part>>),
    /// A component kept verbatim (`extra_components[i]`).
    Extra,
}

fn upper(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn is_auth(category: &str) -> bool {
    category.trim().eq_ignore_ascii_case("AUTHENTICATION")
}

/// The header component of a draft header (none for NONE or an empty format).
fn header_json(h: &HeaderDraft, named: bool) -> Option<Value> {
    let fmt = h.format.trim().to_ascii_uppercase();
    match fmt.as_str() {
        "" | "NONE" => None,
        "TEXT" => {
            let mut c = json!({"type": "HEADER", "format": "TEXT", "text": h.text});
            if let Some(name) = placeholder_names(&h.text).first() {
                c["example"] = if named {
                    json!({"header_text_named_params": [{"param_name": name, "example": h.sample}]})
                } else {
                    json!({"header_text": [h.sample]})
                };
            }
            Some(c)
        }
        "LOCATION" | "PRODUCT" => Some(json!({"type": "HEADER", "format": fmt})),
        media => {
            let mut c = json!({"type": "HEADER", "format": media});
            if !h.handle.trim().is_empty() {
                c["example"] = json!({"header_handle": [h.handle.trim()]});
            }
            Some(c)
        }
    }
}

/// A body component with its samples as Meta's example.
fn body_json(text: &str, samples: &BTreeMap<String, String>, named: bool) -> Value {
    let mut body = json!({"type": "BODY", "text": text});
    let names = placeholder_names(text);
    if !names.is_empty() {
        let sample = |n: &String| samples.get(n).cloned().unwrap_or_default();
        body["example"] = if named {
            let params: Vec<Value> = names
                .iter()
                .map(|n| json!({"param_name": n, "example": sample(n)}))
                .collect();
            json!({ "body_text_named_params": params })
        } else {
            let values: Vec<String> = names.iter().map(sample).collect();
            json!({ "body_text": [values] })
        };
    }
    body
}

/// Reads a header component into the draft's header.
fn header_of(c: &Value) -> HeaderDraft {
    let format = upper(c, "format");
    HeaderDraft {
        // A header with text and no format (as in one of Meta's own samples) is a text header.
        format: if format.is_empty() && !text(c, "text").is_empty() {
            "TEXT".into()
        } else {
            format
        },
        text: text(c, "text"),
        sample: c
            .pointer("/example/header_text/0")
            .or_else(|| c.pointer("/example/header_text_named_params/0/example"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        handle: c
            .pointer("/example/header_handle/0")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    }
}

/// Reads a body component's samples (named, positional, or the plain string Meta allows for
/// one variable) by placeholder name.
fn samples_of(c: &Value, body: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(params) = c
        .pointer("/example/body_text_named_params")
        .and_then(Value::as_array)
    {
        for p in params {
            out.insert(text(p, "param_name"), text(p, "example"));
        }
    } else if let Some(values) = c.pointer("/example/body_text/0").and_then(Value::as_array) {
        for (name, value) in placeholder_names(body).iter().zip(values) {
            out.insert(name.clone(), value.as_str().unwrap_or_default().to_string());
        }
    } else if let Some(one) = c.pointer("/example/body_text").and_then(Value::as_str) {
        if let Some(name) = placeholder_names(body).first() {
            out.insert(name.clone(), one.to_string());
        }
    }
    out
}

fn buttons_of(c: &Value) -> Vec<ButtonDraft> {
    c.get("buttons")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(ButtonDraft::from_json)
        .collect()
}

impl CardDraft {
    fn build(&self, named: bool) -> (Value, Vec<Part>) {
        let mut comps = Vec::new();
        let mut parts = Vec::new();
        if let Some(h) = header_json(&self.header, named) {
            comps.push(h);
            parts.push(Part::Header);
        }
        if !self.body.trim().is_empty() {
            comps.push(body_json(&self.body, &self.body_samples, named));
            parts.push(Part::Body);
        }
        if !self.buttons.is_empty() {
            let buttons: Vec<Value> = self.buttons.iter().map(ButtonDraft::to_json).collect();
            comps.push(json!({"type": "BUTTONS", "buttons": buttons}));
            parts.push(Part::Buttons);
        }
        (json!({ "components": comps }), parts)
    }

    fn from_json(v: &Value) -> Self {
        let mut card = CardDraft {
            header: HeaderDraft {
                format: "NONE".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        for c in v
            .get("components")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match upper(c, "type").as_str() {
                "HEADER" => card.header = header_of(c),
                "BODY" => {
                    card.body = text(c, "text");
                    card.body_samples = samples_of(c, &card.body);
                }
                "BUTTONS" => card.buttons = buttons_of(c),
                _ => {}
            }
        }
        card
    }
}

impl TemplateDraft {
    /// Reads template JSON (a create body or an exported template) into a draft.
    pub fn from_json(text: &str) -> crate::Result<Self> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| crate::Error::Validation(format!("this is not template JSON: {e}")))?;
        if !v.is_object() || v.get("components").is_none() {
            return Err(crate::Error::Validation(
                "template JSON needs name, category, language and components".into(),
            ));
        }
        Ok(Self::from_body(&v))
    }

    /// Meta's template-create body (upper-case component types, as Meta documents them).
    pub fn to_body(&self) -> Value {
        self.build().0
    }

    /// The builder type this draft is edited as.
    pub fn kind(&self) -> Kind {
        match self.kind.trim().to_ascii_uppercase().as_str() {
            "CAROUSEL" => Kind::Carousel,
            "LIMITED_TIME_OFFER" => Kind::LimitedTimeOffer,
            "AUTHENTICATION" => Kind::Authentication,
            "STANDARD" => Kind::Standard,
            _ if is_auth(&self.category) => Kind::Authentication,
            _ => Kind::Standard,
        }
    }

    fn build(&self) -> (Value, Vec<Part>) {
        let kind = self.kind();
        let mut out = Map::new();
        out.insert("name".into(), json!(self.name.trim()));
        out.insert("language".into(), json!(self.language.trim()));
        out.insert(
            "category".into(),
            json!(self.category.trim().to_ascii_uppercase()),
        );
        if self.named {
            out.insert("parameter_format".into(), json!("named"));
        }
        if self.allow_category_change {
            out.insert("allow_category_change".into(), json!(true));
        }
        for (k, v) in &self.extra {
            if KEPT_FIELDS.contains(&k.as_str()) {
                out.insert(k.clone(), v.clone());
            }
        }
        let mut comps = Vec::new();
        let mut parts = Vec::new();
        if kind != Kind::Carousel {
            if let Some(h) = header_json(&self.header, self.named) {
                comps.push(h);
                parts.push(Part::Header);
            }
        }
        if kind == Kind::LimitedTimeOffer {
            comps.push(json!({"type": "LIMITED_TIME_OFFER", "limited_time_offer": {
                "text": self.offer.text, "has_expiration": self.offer.has_expiration}}));
            parts.push(Part::Offer);
        }

        let mut body = json!({"type": "BODY"});
        if is_auth(&self.category) {
            if self.add_security_recommendation {
                body["add_security_recommendation"] = json!(true);
            }
            if !self.body.trim().is_empty() {
                body["text"] = json!(self.body);
            }
        } else {
            body = body_json(&self.body, &self.body_samples, self.named);
        }
        comps.push(body);
        parts.push(Part::Body);

        match kind {
            Kind::Carousel | Kind::LimitedTimeOffer => {}
            _ => {
                if let (true, Some(minutes)) =
                    (is_auth(&self.category), self.code_expiration_minutes)
                {
                    comps.push(json!({"type": "FOOTER", "code_expiration_minutes": minutes}));
                    parts.push(Part::Footer);
                } else if !self.footer.trim().is_empty() {
                    comps.push(json!({"type": "FOOTER", "text": self.footer}));
                    parts.push(Part::Footer);
                }
            }
        }

        if kind != Kind::Carousel && !self.buttons.is_empty() {
            let buttons: Vec<Value> = self.buttons.iter().map(ButtonDraft::to_json).collect();
            comps.push(json!({"type": "BUTTONS", "buttons": buttons}));
            parts.push(Part::Buttons);
        }
        if kind == Kind::Carousel {
            let (cards, card_parts): (Vec<Value>, Vec<Vec<Part>>) =
                self.cards.iter().map(|c| c.build(self.named)).unzip();
            comps.push(json!({"type": "CAROUSEL", "cards": cards}));
            parts.push(Part::Carousel(card_parts));
        }
        for c in &self.extra_components {
            comps.push(c.clone());
            parts.push(Part::Extra);
        }
        out.insert("components".into(), Value::Array(comps));
        (Value::Object(out), parts)
    }

    /// Reads a template-create body (or a listed template) into a draft. Unknown button fields
    /// and components the builder has no fields for are kept verbatim.
    pub fn from_body(v: &Value) -> Self {
        let named = text(v, "parameter_format").eq_ignore_ascii_case("named");
        let category = text(v, "category").trim().to_ascii_uppercase();
        let mut d = TemplateDraft {
            name: text(v, "name"),
            kind: if is_auth(&category) {
                "AUTHENTICATION".into()
            } else {
                "STANDARD".into()
            },
            category,
            language: text(v, "language"),
            named,
            allow_category_change: v
                .get("allow_category_change")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            header: HeaderDraft {
                format: "NONE".into(),
                ..Default::default()
            },
            extra: v
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, _)| KEPT_FIELDS.contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            ..Default::default()
        };
        for c in v
            .get("components")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match upper(c, "type").as_str() {
                "HEADER" => d.header = header_of(c),
                "BODY" => {
                    d.body = text(c, "text");
                    d.add_security_recommendation = c
                        .get("add_security_recommendation")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    d.body_samples = samples_of(c, &d.body);
                }
                "FOOTER" => {
                    d.footer = text(c, "text");
                    d.code_expiration_minutes = c
                        .get("code_expiration_minutes")
                        .and_then(Value::as_u64)
                        .and_then(|m| u32::try_from(m).ok());
                }
                "BUTTONS" => d.buttons = buttons_of(c),
                "LIMITED_TIME_OFFER" => {
                    let o = c.get("limited_time_offer").unwrap_or(&Value::Null);
                    d.offer = OfferDraft {
                        text: text(o, "text"),
                        has_expiration: o
                            .get("has_expiration")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    };
                    d.kind = "LIMITED_TIME_OFFER".into();
                }
                "CAROUSEL" => {
                    d.cards = c
                        .get("cards")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(CardDraft::from_json)
                        .collect();
                    d.kind = "CAROUSEL".into();
                }
                _ => d.extra_components.push(c.clone()),
            }
        }
        d
    }

    /// Builds the body and runs Meta's rules on it; problems are reported at the draft's fields.
    pub fn check(&self) -> DraftCheck {
        let (body, parts) = self.build();
        let issues = lint(&body)
            .into_iter()
            .map(|i| LintIssue {
                path: field_of(&i, &parts, self),
                message: i.message,
            })
            .collect();
        DraftCheck {
            body,
            issues,
            header_placeholders: if self.header.format.eq_ignore_ascii_case("TEXT") {
                placeholder_names(&self.header.text)
            } else {
                Vec::new()
            },
            body_placeholders: placeholder_names(&self.body),
            card_placeholders: self
                .cards
                .iter()
                .map(|c| placeholder_names(&c.body))
                .collect(),
            name_suggestion: {
                let n = normalise_name(&self.name);
                (!n.is_empty() && n != self.name).then_some(n)
            },
        }
    }
}

/// Translates a body path (`components[2].buttons[0].example`) to the draft field the form
/// shows it at (`buttons[0].url_sample`; in a carousel `cards[1].buttons[0].url`).
fn field_of(issue: &LintIssue, parts: &[Part], draft: &TemplateDraft) -> String {
    let path = issue.path.as_str();
    let Some(rest) = path.strip_prefix("components[") else {
        return if path == "components" && issue.message.contains("button") {
            "buttons".to_string()
        } else if path == "components" {
            "body".to_string()
        } else {
            path.to_string()
        };
    };
    let (index, tail) = rest.split_once(']').unwrap_or((rest, ""));
    let Some(part) = index.parse::<usize>().ok().and_then(|i| parts.get(i)) else {
        return path.to_string();
    };
    let sample = issue.message.contains("sample");
    match part {
        Part::Offer if tail.contains("has_expiration") => "offer.has_expiration".into(),
        Part::Offer => "offer.text".into(),
        Part::Extra => "extra_components".into(),
        Part::Carousel(cards) => {
            let Some(c) = tail.strip_prefix(".cards[") else {
                return "cards".into();
            };
            let (ci, rest) = c.split_once(']').unwrap_or((c, ""));
            let Ok(ci) = ci.parse::<usize>() else {
                return "cards".into();
            };
            let Some(inner) = rest.strip_prefix(".components[") else {
                return format!("cards[{ci}]");
            };
            let (j, tail) = inner.split_once(']').unwrap_or((inner, ""));
            let (Some(card), Some(part)) = (
                draft.cards.get(ci),
                j.parse::<usize>()
                    .ok()
                    .and_then(|j| cards.get(ci).and_then(|p| p.get(j))),
            ) else {
                return format!("cards[{ci}]");
            };
            field_in(&format!("cards[{ci}]."), part, tail, sample, &card.buttons)
        }
        part => field_in("", part, tail, sample, &draft.buttons),
    }
}

/// The field of a header, body, footer or buttons component (`tail` is the path after it).
fn field_in(
    prefix: &str,
    part: &Part,
    tail: &str,
    sample: bool,
    buttons: &[ButtonDraft],
) -> String {
    let field = match part {
        Part::Header => match tail {
            ".text" if sample => "header.sample".into(),
            ".text" => "header.text".into(),
            ".example" => "header.handle".into(),
            _ => "header.format".into(),
        },
        Part::Body if sample => "body_samples".into(),
        Part::Body => "body".into(),
        Part::Footer => "footer".into(),
        Part::Buttons => {
            let Some(b) = tail.strip_prefix(".buttons[") else {
                return format!("{prefix}buttons");
            };
            let (bi, field) = b.split_once(']').unwrap_or((b, ""));
            let kind = bi
                .parse::<usize>()
                .ok()
                .and_then(|i| buttons.get(i))
                .map(|b| b.kind.to_ascii_uppercase())
                .unwrap_or_default();
            let field = match (field, kind.as_str()) {
                (".example", "COPY_CODE") => "code_sample",
                (".example", _) => "url_sample",
                (".type", _) => "kind",
                (f, _) => f.trim_start_matches('.'),
            };
            format!("buttons[{bi}].{field}")
        }
        Part::Offer | Part::Carousel(_) | Part::Extra => String::new(),
    };
    format!("{prefix}{field}")
}

impl ButtonDraft {
    fn to_json(&self) -> Value {
        let mut b = self.extra.clone();
        let kind = self.kind.trim().to_ascii_uppercase();
        b.insert("type".into(), json!(kind));
        let mut put = |k: &str, v: &str| {
            b.insert(k.into(), json!(v));
        };
        match kind.as_str() {
            "URL" => {
                put("text", &self.text);
                put("url", self.url.trim());
                let url = self.url.trim();
                if let Some((start, end, _)) = super::placeholders(url).first() {
                    // The sample is either the whole example URL or the variable's value.
                    let sample = self.url_sample.trim();
                    let (prefix, suffix) = (&url[..*start], &url[*end..]);
                    let is_full = sample.starts_with("http://")
                        || sample.starts_with("https://")
                        || (!(prefix.is_empty() && suffix.is_empty())
                            && sample.starts_with(prefix)
                            && sample.ends_with(suffix));
                    let full = if is_full || sample.is_empty() {
                        sample.to_string()
                    } else {
                        format!("{prefix}{sample}{suffix}")
                    };
                    if !full.is_empty() {
                        b.insert("example".into(), json!([full]));
                    }
                }
            }
            "PHONE_NUMBER" => {
                put("text", &self.text);
                put("phone_number", self.phone_number.trim());
            }
            "COPY_CODE" => put("example", &self.code_sample),
            "OTP" => {
                put("otp_type", &self.otp_type.trim().to_ascii_uppercase());
                if !self.text.is_empty() {
                    put("text", &self.text);
                }
            }
            _ => put("text", &self.text),
        }
        Value::Object(b)
    }

    fn from_json(v: &Value) -> Self {
        let mut extra = v.as_object().cloned().unwrap_or_default();
        let kind = upper(v, "type");
        let mut take = |k: &str| {
            extra
                .remove(k)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        take("type");
        let mut b = ButtonDraft {
            text: take("text"),
            url: take("url"),
            phone_number: take("phone_number"),
            // The builder's choices are upper case (Meta's examples write `one_tap`).
            otp_type: take("otp_type").trim().to_ascii_uppercase(),
            ..Default::default()
        };
        match (kind.as_str(), extra.remove("example")) {
            ("COPY_CODE", Some(Value::String(s))) => b.code_sample = s,
            ("URL", Some(Value::Array(a))) => {
                b.url_sample = a
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            }
            (_, Some(other)) => {
                extra.insert("example".into(), other);
            }
            (_, None) => {}
        }
        b.kind = kind;
        b.extra = extra;
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_offered_in_meta_s_form() {
        assert_eq!(normalise_name("Order Update"), "order_update");
        assert_eq!(
            normalise_name("  Bestellung   Über-Sicht! 2 "),
            "bestellung_uber_sicht_2"
        );
        assert_eq!(normalise_name("order_update"), "order_update");
        let d = |name: &str| TemplateDraft {
            name: name.into(),
            ..Default::default()
        };
        assert_eq!(
            d("Order Update").check().name_suggestion.as_deref(),
            Some("order_update")
        );
        assert_eq!(
            d("order_update").check().name_suggestion,
            None,
            "already fine"
        );
        assert_eq!(d("!!").check().name_suggestion, None, "nothing to offer");
    }

    /// Meta accepts either case; compare bodies with types and category upper-cased.
    fn normalized(v: &Value) -> Value {
        let mut v = v.clone();
        if let Some(c) = v.get("category").and_then(Value::as_str) {
            v["category"] = json!(c.to_ascii_uppercase());
        }
        match v
            .get("parameter_format")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
        {
            // positional is the default: the draft leaves it out
            Some(f) if f == "positional" => {
                v.as_object_mut().unwrap().remove("parameter_format");
            }
            Some(f) => v["parameter_format"] = json!(f),
            None => {}
        }
        for c in v
            .get_mut("components")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let t = c["type"].as_str().unwrap_or_default().to_ascii_uppercase();
            c["type"] = json!(t);
        }
        v
    }

    #[test]
    fn every_reference_create_body_round_trips_through_the_draft() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sim/fixtures/reference-examples");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let file = p.file_name().unwrap().to_string_lossy().to_string();
            if !(file.starts_with("template_create") || file.starts_with("template-create")) {
                continue;
            }
            let original: Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let draft = TemplateDraft::from_body(&original);
            assert_eq!(draft.to_body(), normalized(&original), "{file}");
            assert_eq!(draft.check().issues, vec![], "{file}");
            n += 1;
        }
        assert!(n >= 7, "found {n}");
    }

    fn draft() -> TemplateDraft {
        TemplateDraft {
            name: "order_shipped".into(),
            category: "UTILITY".into(),
            language: "en_US".into(),
            header: HeaderDraft {
                format: "TEXT".into(),
                text: "Order {{1}}".into(),
                sample: "A-1001".into(),
                handle: String::new(),
            },
            body: "Hi {{1}}, your order ships on {{2}}.".into(),
            body_samples: [("1", "Ana"), ("2", "Friday")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            buttons: vec![ButtonDraft {
                kind: "URL".into(),
                text: "Track".into(),
                url: "https://shop.example.com/t/{{1}}".into(),
                url_sample: "A-1001".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_url_sample_suffix_becomes_the_full_example_url() {
        let body = draft().to_body();
        assert_eq!(
            body["components"][2]["buttons"][0]["example"],
            json!(["https://shop.example.com/t/A-1001"])
        );
        assert_eq!(draft().check().issues, vec![]);
    }

    #[test]
    fn a_url_example_reads_back_as_itself() {
        // Found by fuzzing: a sample that already holds the text after the variable was
        // taken for the variable alone and wrapped again on every read.
        for (url, sample, example) in [
            ("{{1}}{{", "a", "a{{"),
            (
                "https://x.example/{{1}}?ref=wa",
                "A-1",
                "https://x.example/A-1?ref=wa",
            ),
            ("https://x.example/{{ 1 }}", "A-1", "https://x.example/A-1"),
        ] {
            let mut d = draft();
            d.buttons[0].url = url.into();
            d.buttons[0].url_sample = sample.into();
            let body = d.to_body();
            assert_eq!(
                body["components"][2]["buttons"][0]["example"],
                json!([example])
            );
            assert_eq!(TemplateDraft::from_body(&body).to_body(), body, "{url}");
        }
    }

    #[test]
    fn types_and_categories_with_stray_spaces_read_back_as_themselves() {
        // Found by fuzzing: " URL" kept its example aside, " AUTHENTICATION" lost its body rule.
        let v = json!({"name": "t", "category": " AUTHENTICATION", "language": "en_US", "components": [
            {"type": " BODY "},
            {"type": "BUTTONS", "buttons": [{"type": " URL", "text": "Go", "url": "https://x.example/{{1}}", "example": ["https://x.example/a"]}]}
        ]});
        let body = TemplateDraft::from_body(&v).to_body();
        assert_eq!(body["category"], "AUTHENTICATION");
        assert_eq!(
            body["components"][1]["buttons"][0]["example"],
            json!(["https://x.example/a"])
        );
        assert_eq!(TemplateDraft::from_body(&body).to_body(), body);
    }

    #[test]
    fn template_json_is_read_or_refused_with_a_reason() {
        let d = TemplateDraft::from_json(&draft().to_body().to_string()).unwrap();
        assert_eq!(d.to_body(), draft().to_body());
        for (text, reason) in [
            ("{", "not template JSON"),
            ("[1]", "needs name, category"),
            (r#"{"name": "x"}"#, "needs name, category"),
        ] {
            let e = TemplateDraft::from_json(text).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::Validation);
            assert!(e.to_string().contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn problems_are_reported_at_the_drafts_fields() {
        let mut d = draft();
        d.header.sample.clear();
        d.body_samples.remove("2");
        d.buttons[0].url = "https://shop.example.com/{{1}}/t".into();
        d.buttons.push(ButtonDraft {
            kind: "COPY_CODE".into(),
            code_sample: "x".repeat(21),
            ..Default::default()
        });
        d.footer = "Bye {{1}}".into();
        let fields: Vec<String> = d.check().issues.into_iter().map(|i| i.path).collect();
        for f in [
            "header.sample",
            "body_samples",
            "buttons[0].url",
            "buttons[1].code_sample",
            "footer",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn named_drafts_use_named_examples() {
        let mut d = draft();
        d.named = true;
        d.header.format = "NONE".into();
        d.buttons.clear();
        d.body = "Hi {{first_name}}, order {{order_id}} ships.".into();
        d.body_samples = [("first_name", "Ana"), ("order_id", "A1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let c = d.check();
        assert_eq!(c.issues, vec![]);
        assert_eq!(c.body_placeholders, vec!["first_name", "order_id"]);
        assert_eq!(
            c.body["components"][0]["example"]["body_text_named_params"][1],
            json!({"param_name": "order_id", "example": "A1"})
        );
        assert_eq!(c.body["parameter_format"], "named");
    }

    fn conformance_templates() -> Vec<(String, Value)> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/templates");
        let mut out: Vec<(String, Value)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                (p.file_name().unwrap().to_string_lossy().to_string(), v)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn every_documented_template_type_imports_and_builds_back() {
        let templates = conformance_templates();
        assert!(templates.len() >= 20);
        for (file, original) in templates {
            let draft = TemplateDraft::from_body(&original);
            let body = draft.to_body();
            // Reading the built body again gives the same body and then the same draft (the
            // first read only normalises: upper-case types, a URL sample as the full URL).
            let again = TemplateDraft::from_body(&body);
            assert_eq!(again.to_body(), body, "{file}");
            assert_eq!(TemplateDraft::from_body(&again.to_body()), again, "{file}");
            // A template the linter accepts is accepted after import too.
            if lint(&original).is_empty() {
                assert_eq!(lint(&body), vec![], "{file}");
            }
            // Every component kind survives (call_permission_request, carousel, offer, …).
            let kinds = |v: &Value| -> Vec<String> {
                v["components"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| upper(c, "type"))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            assert_eq!(kinds(&body), kinds(&original), "{file}");
        }
    }

    #[test]
    fn documented_types_open_as_their_builder_type() {
        let kinds: BTreeMap<String, String> = conformance_templates()
            .into_iter()
            .map(|(f, v)| (f, TemplateDraft::from_body(&v).kind))
            .collect();
        for (file, kind) in [
            ("metadocs-media-card-carousel.json", "CAROUSEL"),
            ("metadocs-product-card-carousel.json", "CAROUSEL"),
            ("metadocs-limited-time-offer.json", "LIMITED_TIME_OFFER"),
            ("metadocs-authentication-zero-tap.json", "AUTHENTICATION"),
            ("metadocs-utility-location-header.json", "STANDARD"),
            ("metadocs-call-permission-request.json", "STANDARD"),
        ] {
            assert_eq!(kinds[file], kind, "{file}");
        }
        let ttl = conformance_templates()
            .into_iter()
            .find(|(f, _)| f == "metadocs-authentication-one-tap.json")
            .unwrap()
            .1;
        let d = TemplateDraft::from_body(&ttl);
        assert_eq!(d.to_body()["message_send_ttl_seconds"], 60, "kept");
        assert_eq!(d.buttons[0].extra["package_name"], "com.example.luckyshrub");
    }

    fn media_card(button_url: &str) -> CardDraft {
        CardDraft {
            header: HeaderDraft {
                format: "IMAGE".into(),
                handle: "4::aW1n".into(),
                ..Default::default()
            },
            body: "Only {{1}} left".into(),
            body_samples: [("1".to_string(), "3".to_string())].into_iter().collect(),
            buttons: vec![
                ButtonDraft {
                    kind: "QUICK_REPLY".into(),
                    text: "More like this".into(),
                    ..Default::default()
                },
                ButtonDraft {
                    kind: "URL".into(),
                    text: "Shop".into(),
                    url: button_url.into(),
                    ..Default::default()
                },
            ],
        }
    }

    fn carousel_draft() -> TemplateDraft {
        TemplateDraft {
            name: "spring_picks".into(),
            category: "MARKETING".into(),
            language: "en_US".into(),
            kind: "CAROUSEL".into(),
            body: "Our spring picks, {{1}}.".into(),
            body_samples: [("1".to_string(), "Ana".to_string())].into_iter().collect(),
            // Fields of the standard form stay in the draft but are not sent.
            footer: "Not on a carousel".into(),
            header: HeaderDraft {
                format: "TEXT".into(),
                text: "Hidden".into(),
                ..Default::default()
            },
            cards: vec![
                media_card("https://shop.example.com/a"),
                media_card("https://shop.example.com/b"),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_carousel_draft_builds_body_and_cards_only() {
        let c = carousel_draft().check();
        assert_eq!(c.issues, vec![]);
        let comps = c.body["components"].as_array().unwrap();
        let kinds: Vec<&str> = comps.iter().map(|c| c["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["BODY", "CAROUSEL"]);
        let card = &comps[1]["cards"][1]["components"];
        assert_eq!(
            card[0],
            json!({"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1n"]}})
        );
        assert_eq!(card[1]["example"], json!({"body_text": [["3"]]}));
        assert_eq!(card[2]["buttons"][1]["url"], "https://shop.example.com/b");
        assert_eq!(c.card_placeholders, vec![vec!["1"], vec!["1"]]);
        // Read back, it is the same carousel (the hidden fields are not part of the body).
        let back = TemplateDraft::from_body(&c.body);
        assert_eq!(back.cards, carousel_draft().cards);
        assert_eq!(back.kind, "CAROUSEL");
        assert_eq!(back.to_body(), c.body);
    }

    #[test]
    fn card_problems_are_reported_at_the_cards_fields() {
        let mut d = carousel_draft();
        d.cards[1].header.format = "VIDEO".into();
        d.cards[0].header.handle.clear();
        d.cards[0].body = "x".repeat(161);
        d.cards[1].body_samples.clear();
        d.cards[1].buttons[1].url = "http://shop.example.com".into();
        let fields: Vec<String> = d.check().issues.into_iter().map(|i| i.path).collect();
        for f in [
            "cards[0].header.handle",
            "cards[0].body",
            "cards[1]",
            "cards[1].body_samples",
            "cards[1].buttons[1].url",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
        d.cards.truncate(1);
        let fields: Vec<String> = d.check().issues.into_iter().map(|i| i.path).collect();
        assert!(fields.iter().any(|x| x == "cards"), "{fields:?}");
    }

    fn offer_draft() -> TemplateDraft {
        TemplateDraft {
            name: "caribbean_offer".into(),
            category: "MARKETING".into(),
            language: "en_US".into(),
            kind: "LIMITED_TIME_OFFER".into(),
            header: HeaderDraft {
                format: "IMAGE".into(),
                handle: "4::aW".into(),
                ..Default::default()
            },
            offer: OfferDraft {
                text: "Expiring offer!".into(),
                has_expiration: true,
            },
            body: "Good news, {{1}}! Use code {{2}} today.".into(),
            body_samples: [("1", "Pablo"), ("2", "CARIBE25")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            footer: "Not on an offer".into(),
            buttons: vec![
                ButtonDraft {
                    kind: "COPY_CODE".into(),
                    code_sample: "CARIBE25".into(),
                    ..Default::default()
                },
                ButtonDraft {
                    kind: "URL".into(),
                    text: "Book now!".into(),
                    url: "https://shop.example.com/offers".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_limited_time_offer_has_its_strip_and_no_footer() {
        let c = offer_draft().check();
        assert_eq!(c.issues, vec![]);
        let comps = c.body["components"].as_array().unwrap();
        let kinds: Vec<&str> = comps.iter().map(|c| c["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["HEADER", "LIMITED_TIME_OFFER", "BODY", "BUTTONS"]);
        assert_eq!(
            comps[1]["limited_time_offer"],
            json!({"text": "Expiring offer!", "has_expiration": true})
        );
        let back = TemplateDraft::from_body(&c.body);
        assert_eq!(back.offer, offer_draft().offer);
        assert_eq!(back.to_body(), c.body);

        let mut d = offer_draft();
        d.offer.text = "An offer too long".into();
        d.buttons.remove(1);
        d.buttons[0].code_sample = "X".repeat(16);
        let fields: Vec<String> = d.check().issues.into_iter().map(|i| i.path).collect();
        for f in ["offer.text", "buttons", "buttons[0].code_sample"] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn authentication_variants_build_meta_s_preset() {
        let mut d = TemplateDraft {
            name: "login_code".into(),
            category: "AUTHENTICATION".into(),
            language: "en_US".into(),
            kind: "AUTHENTICATION".into(),
            add_security_recommendation: true,
            code_expiration_minutes: Some(10),
            buttons: vec![ButtonDraft {
                kind: "OTP".into(),
                otp_type: "ZERO_TAP".into(),
                text: "Copy code".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let fields: Vec<String> = d.check().issues.into_iter().map(|i| i.path).collect();
        assert_eq!(fields, ["buttons[0].supported_apps"]);
        d.buttons[0].extra.insert(
            "supported_apps".into(),
            json!([{"package_name": "com.example.app", "signature_hash": "K8a/AINcGX7"}]),
        );
        d.buttons[0]
            .extra
            .insert("zero_tap_terms_accepted".into(), json!(true));
        let c = d.check();
        assert_eq!(c.issues, vec![]);
        assert_eq!(
            c.body["components"][1],
            json!({"type": "FOOTER", "code_expiration_minutes": 10})
        );
        assert_eq!(c.body["components"][0]["add_security_recommendation"], true);
        // An authentication template without its button is told so at the buttons.
        d.buttons.clear();
        let fields: Vec<String> = d.check().issues.into_iter().map(|i| i.path).collect();
        assert_eq!(fields, ["buttons"]);
    }

    #[test]
    fn an_old_draft_without_a_type_opens_by_its_category() {
        let d: TemplateDraft =
            serde_json::from_str(r#"{"name": "x", "category": "AUTHENTICATION"}"#).unwrap();
        assert_eq!(d.kind(), Kind::Authentication);
        let d: TemplateDraft =
            serde_json::from_str(r#"{"name": "x", "category": "UTILITY"}"#).unwrap();
        assert_eq!(d.kind(), Kind::Standard);
    }
}
