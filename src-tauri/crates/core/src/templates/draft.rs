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
}

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
#[derive(Clone, Copy)]
enum Part {
    Header,
    Body,
    Footer,
    Buttons,
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

    fn build(&self) -> (Value, Vec<Part>) {
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
        let mut comps = Vec::new();
        let mut parts = Vec::new();
        let fmt = self.header.format.trim().to_ascii_uppercase();
        match fmt.as_str() {
            "" | "NONE" => {}
            "TEXT" => {
                let mut h = json!({"type": "HEADER", "format": "TEXT", "text": self.header.text});
                if let Some(name) = placeholder_names(&self.header.text).first() {
                    h["example"] = if self.named {
                        json!({"header_text_named_params": [{"param_name": name, "example": self.header.sample}]})
                    } else {
                        json!({"header_text": [self.header.sample]})
                    };
                }
                comps.push(h);
                parts.push(Part::Header);
            }
            "LOCATION" => {
                comps.push(json!({"type": "HEADER", "format": "LOCATION"}));
                parts.push(Part::Header);
            }
            media => {
                let mut h = json!({"type": "HEADER", "format": media});
                if !self.header.handle.trim().is_empty() {
                    h["example"] = json!({"header_handle": [self.header.handle.trim()]});
                }
                comps.push(h);
                parts.push(Part::Header);
            }
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
            body["text"] = json!(self.body);
            let names = placeholder_names(&self.body);
            if !names.is_empty() {
                let sample = |n: &String| self.body_samples.get(n).cloned().unwrap_or_default();
                body["example"] = if self.named {
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
        }
        comps.push(body);
        parts.push(Part::Body);

        if let (true, Some(minutes)) = (is_auth(&self.category), self.code_expiration_minutes) {
            comps.push(json!({"type": "FOOTER", "code_expiration_minutes": minutes}));
            parts.push(Part::Footer);
        } else if !self.footer.trim().is_empty() {
            comps.push(json!({"type": "FOOTER", "text": self.footer}));
            parts.push(Part::Footer);
        }

        if !self.buttons.is_empty() {
            let buttons: Vec<Value> = self.buttons.iter().map(ButtonDraft::to_json).collect();
            comps.push(json!({"type": "BUTTONS", "buttons": buttons}));
            parts.push(Part::Buttons);
        }
        out.insert("components".into(), Value::Array(comps));
        (Value::Object(out), parts)
    }

    /// Reads a template-create body (or a listed template) into a draft. Unknown button fields
    /// are kept; unknown component kinds are dropped.
    pub fn from_body(v: &Value) -> Self {
        let named = text(v, "parameter_format").eq_ignore_ascii_case("named");
        let mut d = TemplateDraft {
            name: text(v, "name"),
            category: text(v, "category").trim().to_ascii_uppercase(),
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
            ..Default::default()
        };
        for c in v
            .get("components")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match upper(c, "type").as_str() {
                "HEADER" => {
                    d.header.format = upper(c, "format");
                    d.header.text = text(c, "text");
                    d.header.sample = c
                        .pointer("/example/header_text/0")
                        .or_else(|| c.pointer("/example/header_text_named_params/0/example"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    d.header.handle = c
                        .pointer("/example/header_handle/0")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                }
                "BODY" => {
                    d.body = text(c, "text");
                    d.add_security_recommendation = c
                        .get("add_security_recommendation")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    if let Some(params) = c
                        .pointer("/example/body_text_named_params")
                        .and_then(Value::as_array)
                    {
                        for p in params {
                            d.body_samples
                                .insert(text(p, "param_name"), text(p, "example"));
                        }
                    } else if let Some(values) =
                        c.pointer("/example/body_text/0").and_then(Value::as_array)
                    {
                        for (name, value) in placeholder_names(&d.body).iter().zip(values) {
                            d.body_samples.insert(
                                name.clone(),
                                value.as_str().unwrap_or_default().to_string(),
                            );
                        }
                    }
                }
                "FOOTER" => {
                    d.footer = text(c, "text");
                    d.code_expiration_minutes = c
                        .get("code_expiration_minutes")
                        .and_then(Value::as_u64)
                        .and_then(|m| u32::try_from(m).ok());
                }
                "BUTTONS" => {
                    d.buttons = c
                        .get("buttons")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(ButtonDraft::from_json)
                        .collect();
                }
                _ => {}
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
                path: field_of(&i, &parts, &self.buttons),
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
            name_suggestion: {
                let n = normalise_name(&self.name);
                (!n.is_empty() && n != self.name).then_some(n)
            },
        }
    }
}

/// Translates a body path (`components[2].buttons[0].example`) to the draft field the form
/// shows it at (`buttons[0].url_sample`).
fn field_of(issue: &LintIssue, parts: &[Part], buttons: &[ButtonDraft]) -> String {
    let path = issue.path.as_str();
    let Some(rest) = path.strip_prefix("components[") else {
        return if path == "components" {
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
                return "buttons".into();
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
    }
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
            otp_type: take("otp_type"),
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
}
