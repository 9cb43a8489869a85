//! Test-send: the form a template's placeholders call for, and the send-time `components`
//! built from the values typed into it (reference §3.6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::lint::LintIssue;
use super::placeholder_names;

/// What a form field fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldKind {
    HeaderText,
    /// An https link to the media, or a media id from an upload.
    HeaderMedia,
    HeaderLocation,
    Body,
    UrlSuffix,
    CopyCode,
    /// Authentication templates: the code goes into the body and the OTP button.
    OneTimeCode,
    /// A product of the catalog (single-product header, catalog thumbnail).
    ProductRetailerId,
    /// The catalog a product header's product belongs to.
    CatalogId,
    /// Limited-time offer: when the offer expires, in milliseconds since the Unix epoch.
    ExpirationTimeMs,
    /// The payload a quick-reply button of a carousel card sends back when tapped.
    QuickReplyPayload,
    /// Multi-product button: the sections of products, written
    /// `Title: id1, id2; Other title: id3` (product retailer ids).
    ProductSections,
}

/// `Title: id1, id2; Other: id3` as Meta's `sections` (title + product_items), or why not.
fn product_sections(text: &str) -> Result<Vec<Value>, String> {
    let mut sections = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((title, ids)) = part.split_once(':') else {
            return Err(format!("'{part}': write a section as Title: id1, id2"));
        };
        let items: Vec<Value> = ids
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(|i| json!({ "product_retailer_id": i }))
            .collect();
        if title.trim().is_empty() || items.is_empty() {
            return Err(format!(
                "'{part}': a section needs a title and at least one product"
            ));
        }
        sections.push(json!({"title": title.trim(), "product_items": items}));
    }
    if sections.is_empty() || sections.len() > 10 {
        return Err("give 1 to 10 sections (Title: id1, id2; Other: id3)".into());
    }
    Ok(sections)
}

/// The cards of a carousel component, each with its own components.
fn carousel_cards(t: &TemplateShape<'_>) -> Vec<Vec<Value>> {
    t.component("CAROUSEL")
        .and_then(|c| c.get("cards"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|card| {
            card.get("components")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

fn card_buttons(card: &[Value]) -> Vec<&Value> {
    card.iter()
        .filter(|c| upper(c, "type") == "BUTTONS")
        .filter_map(|c| c.get("buttons").and_then(Value::as_array))
        .flatten()
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SendField {
    /// `header`, `header.latitude`…, `body.1` / `body.first_name`, `button.0`, `otp`.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    /// The template's own sample, offered as the default.
    pub sample: String,
    pub required: bool,
}

/// The parts of a template that matter at send time.
#[derive(Debug, Clone, Copy)]
pub struct TemplateShape<'a> {
    pub category: &'a str,
    pub parameter_format: Option<&'a str>,
    pub components: &'a Value,
}

impl TemplateShape<'_> {
    fn named(&self) -> bool {
        self.parameter_format
            .is_some_and(|f| f.eq_ignore_ascii_case("named"))
    }
    fn auth(&self) -> bool {
        self.category.eq_ignore_ascii_case("AUTHENTICATION")
    }
    fn component(&self, kind: &str) -> Option<&Value> {
        self.components
            .as_array()?
            .iter()
            .find(|c| upper(c, "type") == kind)
    }
    fn buttons(&self) -> Vec<&Value> {
        self.component("BUTTONS")
            .and_then(|c| c.get("buttons"))
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default()
    }
}

fn upper(v: &Value, key: &str) -> String {
    str_of(v, key).to_ascii_uppercase()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn sample_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The fields a test-send form shows for this template, in the order they appear in it.
pub fn send_form(t: TemplateShape<'_>) -> Vec<SendField> {
    let mut fields = Vec::new();
    let field = |key: String, label: String, kind, sample: String, required| SendField {
        key,
        label,
        kind,
        sample,
        required,
    };
    if t.auth() {
        fields.push(field(
            "otp".into(),
            "One-time code".into(),
            FieldKind::OneTimeCode,
            "123456".into(),
            true,
        ));
        return fields;
    }
    let named = t.named();
    if let Some(h) = t.component("HEADER") {
        match upper(h, "format").as_str() {
            "TEXT" => {
                if let Some(name) = placeholder_names(str_of(h, "text")).first() {
                    let sample = if named {
                        sample_at(h, "/example/header_text_named_params/0/example")
                    } else {
                        sample_at(h, "/example/header_text/0")
                    };
                    fields.push(field(
                        "header".into(),
                        format!("Header {{{{{name}}}}}"),
                        FieldKind::HeaderText,
                        sample,
                        true,
                    ));
                }
            }
            "LOCATION" => {
                for (k, label, required) in [
                    ("latitude", "Latitude", true),
                    ("longitude", "Longitude", true),
                    ("name", "Place name", false),
                    ("address", "Address", false),
                ] {
                    fields.push(field(
                        format!("header.{k}"),
                        format!("Header location: {label}"),
                        FieldKind::HeaderLocation,
                        String::new(),
                        required,
                    ));
                }
            }
            "PRODUCT" => {
                fields.push(field(
                    "header.product_retailer_id".into(),
                    "Header product: product retailer id (SKU)".into(),
                    FieldKind::ProductRetailerId,
                    String::new(),
                    true,
                ));
                fields.push(field(
                    "header.catalog_id".into(),
                    "Header product: catalog id".into(),
                    FieldKind::CatalogId,
                    String::new(),
                    true,
                ));
            }
            media => fields.push(field(
                "header".into(),
                format!("Header {} (https link or media id)", media.to_lowercase()),
                FieldKind::HeaderMedia,
                String::new(),
                true,
            )),
        }
    }
    if let Some(b) = t.component("BODY") {
        let names = placeholder_names(str_of(b, "text"));
        let named_samples: BTreeMap<String, String> = b
            .pointer("/example/body_text_named_params")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    str_of(p, "param_name").to_string(),
                    str_of(p, "example").to_string(),
                )
            })
            .collect();
        for (i, name) in names.iter().enumerate() {
            let sample = if named {
                named_samples.get(name).cloned().unwrap_or_default()
            } else {
                sample_at(b, &format!("/example/body_text/0/{i}"))
            };
            fields.push(field(
                format!("body.{name}"),
                format!("Body {{{{{name}}}}}"),
                FieldKind::Body,
                sample,
                true,
            ));
        }
    }
    if t.component("LIMITED_TIME_OFFER")
        .is_some_and(|c| c.pointer("/limited_time_offer/has_expiration") == Some(&json!(true)))
    {
        fields.push(field(
            "limited_time_offer.expiration_time_ms".into(),
            "Offer expires at (Unix time in milliseconds)".into(),
            FieldKind::ExpirationTimeMs,
            String::new(),
            true,
        ));
    }
    for (n, card) in carousel_cards(&t).iter().enumerate() {
        let label = format!("Card {}", n + 1);
        if let Some(h) = card.iter().find(|c| upper(c, "type") == "HEADER") {
            if upper(h, "format") == "PRODUCT" {
                for (k, what, kind) in [
                    (
                        "product_retailer_id",
                        "product retailer id (SKU)",
                        FieldKind::ProductRetailerId,
                    ),
                    ("catalog_id", "catalog id", FieldKind::CatalogId),
                ] {
                    fields.push(field(
                        format!("card.{n}.header.{k}"),
                        format!("{label} product: {what}"),
                        kind,
                        String::new(),
                        true,
                    ));
                }
            } else {
                fields.push(field(
                    format!("card.{n}.header"),
                    format!(
                        "{label} {} (https link or media id)",
                        str_of(h, "format").to_lowercase()
                    ),
                    FieldKind::HeaderMedia,
                    String::new(),
                    true,
                ));
            }
        }
        for (i, b) in card_buttons(card).into_iter().enumerate() {
            match upper(b, "type").as_str() {
                "QUICK_REPLY" => fields.push(field(
                    format!("card.{n}.button.{i}"),
                    format!("{label} button “{}”: payload", str_of(b, "text")),
                    FieldKind::QuickReplyPayload,
                    String::new(),
                    false,
                )),
                "URL" if !super::placeholders(str_of(b, "url")).is_empty() => fields.push(field(
                    format!("card.{n}.button.{i}"),
                    format!("{label} button “{}”: end of the URL", str_of(b, "text")),
                    FieldKind::UrlSuffix,
                    sample_at(b, "/example/0"),
                    true,
                )),
                _ => {}
            }
        }
    }
    for (i, b) in t.buttons().into_iter().enumerate() {
        match upper(b, "type").as_str() {
            "URL" => {
                let url = str_of(b, "url");
                let Some((start, _, _)) = super::placeholders(url).into_iter().next() else {
                    continue;
                };
                let example = sample_at(b, "/example/0");
                let sample = example
                    .strip_prefix(&url[..start])
                    .unwrap_or(&example)
                    .to_string();
                fields.push(field(
                    format!("button.{i}"),
                    format!("Button “{}”: end of the URL", str_of(b, "text")),
                    FieldKind::UrlSuffix,
                    sample,
                    true,
                ));
            }
            "COPY_CODE" => fields.push(field(
                format!("button.{i}"),
                "Coupon code to copy".into(),
                FieldKind::CopyCode,
                str_of(b, "example").to_string(),
                true,
            )),
            "MPM" => {
                fields.push(field(
                    format!("button.{i}.thumbnail"),
                    "Products button: thumbnail product retailer id".into(),
                    FieldKind::ProductRetailerId,
                    String::new(),
                    true,
                ));
                fields.push(field(
                    format!("button.{i}.sections"),
                    "Products button: sections (Title: id1, id2; Other: id3)".into(),
                    FieldKind::ProductSections,
                    String::new(),
                    true,
                ));
            }
            "CATALOG" => fields.push(field(
                format!("button.{i}"),
                "Catalog thumbnail: product retailer id (optional; else the first product)".into(),
                FieldKind::ProductRetailerId,
                String::new(),
                false,
            )),
            _ => {}
        }
    }
    fields
}

fn text_param(value: &str, name: Option<&str>) -> Value {
    let mut p = json!({"type": "text", "text": value});
    if let Some(n) = name {
        p["parameter_name"] = json!(n);
    }
    p
}

/// Meta refuses parameter text with new lines, tabs or more than four spaces in a row.
fn check_text(issues: &mut Vec<LintIssue>, key: &str, value: &str) {
    if value.contains(['\n', '\t']) || value.contains("     ") {
        issues.push(LintIssue {
            path: key.to_string(),
            message:
                "parameter values cannot contain new lines, tabs or more than four spaces in a row"
                    .into(),
        });
    }
}

/// Send-time `template.components` from the form's values; a missing or invalid value is
/// reported at its field key.
pub fn build_components(
    t: TemplateShape<'_>,
    values: &BTreeMap<String, String>,
) -> Result<Vec<Value>, Vec<LintIssue>> {
    let mut issues = Vec::new();
    let fields = send_form(t);
    for f in &fields {
        let v = values.get(&f.key).map(|s| s.trim()).unwrap_or_default();
        if f.required && v.is_empty() {
            issues.push(LintIssue {
                path: f.key.clone(),
                message: format!("fill in {}", f.label),
            });
        } else if matches!(f.kind, FieldKind::Body | FieldKind::HeaderText) {
            check_text(&mut issues, &f.key, v);
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let get = |k: &str| {
        values
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let named = t.named();
    let mut out = Vec::new();

    if t.auth() {
        let code = get("otp");
        out.push(json!({"type": "body", "parameters": [text_param(&code, None)]}));
        for (i, b) in t.buttons().into_iter().enumerate() {
            if upper(b, "type") == "OTP" {
                out.push(
                    json!({"type": "button", "sub_type": "url", "index": i.to_string(),
                                "parameters": [text_param(&code, None)]}),
                );
            }
        }
        return Ok(out);
    }

    if let Some(h) = t.component("HEADER") {
        let format = upper(h, "format");
        let param = match format.as_str() {
            "TEXT" => placeholder_names(str_of(h, "text"))
                .first()
                .map(|name| text_param(&get("header"), named.then_some(name.as_str()))),
            "LOCATION" => {
                let num = |k: &str| get(k).parse::<f64>().ok();
                match (num("header.latitude"), num("header.longitude")) {
                    (Some(lat), Some(lon)) => {
                        let mut loc = json!({"latitude": lat, "longitude": lon});
                        for k in ["name", "address"] {
                            let v = get(&format!("header.{k}"));
                            if !v.is_empty() {
                                loc[k] = json!(v);
                            }
                        }
                        Some(json!({"type": "location", "location": loc}))
                    }
                    _ => {
                        issues.push(LintIssue {
                            path: "header.latitude".into(),
                            message: "latitude and longitude must be numbers".into(),
                        });
                        None
                    }
                }
            }
            "PRODUCT" => Some(json!({"type": "product", "product": {
                "product_retailer_id": get("header.product_retailer_id"),
                "catalog_id": get("header.catalog_id"),
            }})),
            media => {
                let kind = media.to_lowercase();
                let v = get("header");
                let source = if v.starts_with("https://") || v.starts_with("http://") {
                    json!({ "link": v })
                } else {
                    json!({ "id": v })
                };
                Some(json!({"type": kind, kind.clone(): source}))
            }
        };
        if let Some(p) = param {
            out.push(json!({"type": "header", "parameters": [p]}));
        }
    }
    if let Some(b) = t.component("BODY") {
        let names = placeholder_names(str_of(b, "text"));
        if !names.is_empty() {
            let params: Vec<Value> = names
                .iter()
                .map(|n| text_param(&get(&format!("body.{n}")), named.then_some(n.as_str())))
                .collect();
            out.push(json!({"type": "body", "parameters": params}));
        }
    }
    if fields.iter().any(|f| f.kind == FieldKind::ExpirationTimeMs) {
        let key = "limited_time_offer.expiration_time_ms";
        match get(key).parse::<u64>() {
            Ok(ms) => out.push(json!({"type": "limited_time_offer", "parameters": [
                {"type": "limited_time_offer", "limited_time_offer": {"expiration_time_ms": ms}}
            ]})),
            Err(_) => issues.push(LintIssue {
                path: key.into(),
                message: "the expiry must be a whole number of milliseconds (Unix time)".into(),
            }),
        }
    }
    let cards = carousel_cards(&t);
    if !cards.is_empty() {
        let mut built = Vec::new();
        for (n, card) in cards.iter().enumerate() {
            let mut comps = Vec::new();
            if let Some(h) = card.iter().find(|c| upper(c, "type") == "HEADER") {
                let format = str_of(h, "format").to_lowercase();
                let param = if format == "product" {
                    json!({"type": "product", "product": {
                        "product_retailer_id": get(&format!("card.{n}.header.product_retailer_id")),
                        "catalog_id": get(&format!("card.{n}.header.catalog_id")),
                    }})
                } else {
                    let v = get(&format!("card.{n}.header"));
                    let source = if v.starts_with("https://") || v.starts_with("http://") {
                        json!({ "link": v })
                    } else {
                        json!({ "id": v })
                    };
                    json!({"type": format, format.clone(): source})
                };
                comps.push(json!({"type": "header", "parameters": [param]}));
            }
            for (i, b) in card_buttons(card).into_iter().enumerate() {
                let v = get(&format!("card.{n}.button.{i}"));
                match upper(b, "type").as_str() {
                    "QUICK_REPLY" if !v.is_empty() => comps.push(
                        json!({"type": "button", "sub_type": "quick_reply", "index": i.to_string(),
                               "parameters": [{"type": "payload", "payload": v}]}),
                    ),
                    "URL" if !super::placeholders(str_of(b, "url")).is_empty() => comps.push(
                        json!({"type": "button", "sub_type": "url", "index": i.to_string(),
                               "parameters": [{"type": "text", "text": v}]}),
                    ),
                    _ => {}
                }
            }
            built.push(json!({"card_index": n, "components": comps}));
        }
        out.push(json!({"type": "carousel", "cards": built}));
    }
    for (i, b) in t.buttons().into_iter().enumerate() {
        let v = get(&format!("button.{i}"));
        match upper(b, "type").as_str() {
            "URL" if !super::placeholders(str_of(b, "url")).is_empty() => {
                out.push(
                    json!({"type": "button", "sub_type": "url", "index": i.to_string(),
                                "parameters": [{"type": "text", "text": v}]}),
                );
            }
            "COPY_CODE" => {
                out.push(
                    json!({"type": "button", "sub_type": "copy_code", "index": i.to_string(),
                                "parameters": [{"type": "coupon_code", "coupon_code": v}]}),
                );
            }
            "MPM" => match product_sections(&get(&format!("button.{i}.sections"))) {
                Ok(sections) => out.push(
                    json!({"type": "button", "sub_type": "mpm", "index": i.to_string(),
                           "parameters": [{"type": "action", "action": {
                               "thumbnail_product_retailer_id": get(&format!("button.{i}.thumbnail")),
                               "sections": sections}}]}),
                ),
                Err(why) => issues.push(LintIssue {
                    path: format!("button.{i}.sections"),
                    message: why,
                }),
            },
            "CATALOG" => {
                let action = if v.is_empty() {
                    json!({})
                } else {
                    json!({ "thumbnail_product_retailer_id": v })
                };
                out.push(
                    json!({"type": "button", "sub_type": "catalog", "index": i.to_string(),
                                "parameters": [{"type": "action", "action": action}]}),
                );
            }
            _ => {}
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(issues)
    }
}

fn count_params(components: &Value, kind: &str) -> usize {
    components
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| str_of(c, "type").eq_ignore_ascii_case(kind))
        .filter_map(|c| c.get("parameters").and_then(Value::as_array))
        .map(Vec::len)
        .sum()
}

/// For error 132000: what the template expects against what was sent, in plain words
/// ("the template has 2 body variables, you sent 1").
pub fn describe_mismatch(t: TemplateShape<'_>, sent: &Value) -> Option<String> {
    let mut parts = Vec::new();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let expected_body = if t.auth() {
        1
    } else {
        t.component("BODY")
            .map(|b| placeholder_names(str_of(b, "text")).len())
            .unwrap_or(0)
    };
    let expected_header = t
        .component("HEADER")
        .map(|h| match upper(h, "format").as_str() {
            "TEXT" => placeholder_names(str_of(h, "text")).len(),
            _ => 1,
        })
        .unwrap_or(0);
    for (what, want, got) in [
        ("body", expected_body, count_params(sent, "body")),
        ("header", expected_header, count_params(sent, "header")),
    ] {
        if want != got {
            parts.push(format!(
                "the template has {want} {what} variable{}, you sent {got}",
                plural(want)
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The template's text with the values sent filled in (header and body), from the cached
/// template's components and the send-time components.
pub fn render_template(template_components: &Value, sent: &[Value]) -> Option<String> {
    let parts = template_components.as_array()?;
    let mut out = Vec::new();
    for kind in ["HEADER", "BODY", "FOOTER"] {
        let Some(c) = parts.iter().find(|c| {
            c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(kind))
        }) else {
            continue;
        };
        let Some(mut text) = c.get("text").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let params: Vec<&Value> = sent
            .iter()
            .filter(|s| {
                s.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case(kind))
            })
            .filter_map(|s| s.get("parameters").and_then(Value::as_array))
            .flatten()
            .collect();
        for (i, p) in params.iter().enumerate() {
            let value = p
                .get("text")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    p.get("currency")
                        .and_then(|c| c.get("fallback_value"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .or_else(|| {
                    p.get("date_time")
                        .and_then(|c| c.get("fallback_value"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or_default();
            let placeholder = match p.get("parameter_name").and_then(Value::as_str) {
                Some(name) => format!("{{{{{name}}}}}"),
                None => format!("{{{{{}}}}}", i + 1),
            };
            text = text.replace(&placeholder, &value);
        }
        out.push(text);
    }
    (!out.is_empty()).then(|| out.join("\n\n"))
}

/// The values sent with a template, for a template not in the local library (nothing to fill
/// in): `name: value · value`, so history still shows and finds what was said.
pub fn sent_values_text(name: &str, sent: &[Value]) -> Option<String> {
    let values: Vec<&str> = sent
        .iter()
        .filter_map(|c| c.get("parameters").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| {
            p.get("text")
                .or_else(|| p.get("payload"))
                .or_else(|| p.pointer("/currency/fallback_value"))
                .or_else(|| p.pointer("/date_time/fallback_value"))
                .and_then(Value::as_str)
        })
        .filter(|v| !v.trim().is_empty())
        .collect();
    (!values.is_empty()).then(|| format!("{name}: {}", values.join(" · ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(components: &Value) -> TemplateShape<'_> {
        TemplateShape {
            category: "UTILITY",
            parameter_format: None,
            components,
        }
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn reference(file: &str) -> Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sim/fixtures/reference-examples")
            .join(file);
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    /// Same keys and value kinds, recursively (values themselves may differ).
    fn same_shape(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| same_shape(v, w)))
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_shape(v, w))
            }
            (Value::String(_), Value::String(_)) => true,
            (Value::Number(_), Value::Number(_)) => true,
            (Value::Bool(_), Value::Bool(_)) => true,
            (Value::Null, Value::Null) => true,
            _ => false,
        }
    }

    #[test]
    fn text_params_have_the_reference_shape() {
        let comps = json!([{"type":"HEADER","format":"TEXT","text":"Order {{1}}","example":{"header_text":["A-1"]}},
                           {"type":"BODY","text":"Hi {{1}}, order {{2}}.","example":{"body_text":[["Ana","A-1"]]}},
                           {"type":"BUTTONS","buttons":[{"type":"URL","text":"Track","url":"https://x.example/{{1}}","example":["https://x.example/A-1"]}]}]);
        let fields = send_form(shape(&comps));
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["header", "body.1", "body.2", "button.0"]);
        assert_eq!(fields[2].sample, "A-1");
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header", "A-2"),
                ("body.1", "Bo"),
                ("body.2", "A-2"),
                ("button.0", "A-2"),
            ]),
        )
        .unwrap();
        let reference = reference("send-template.request.json");
        let want = &reference["template"]["components"];
        assert!(
            same_shape(&Value::from(out.clone()), want),
            "{out:?} vs {want}"
        );
        assert_eq!(out[1]["parameters"][0]["text"], "Bo");
    }

    #[test]
    fn a_product_header_is_sent_as_product_retailer_id_and_catalog_id() {
        let comps = json!([{"type": "header", "format": "product"},
                           {"type": "body", "text": "Use code {{1}} now."},
                           {"type": "buttons", "buttons": [{"type": "spm", "text": "View"}]}]);
        let fields = send_form(shape(&comps));
        let kinds: Vec<(&str, FieldKind)> =
            fields.iter().map(|f| (f.key.as_str(), f.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("header.product_retailer_id", FieldKind::ProductRetailerId),
                ("header.catalog_id", FieldKind::CatalogId),
                ("body.1", FieldKind::Body),
            ]
        );
        let missing = build_components(shape(&comps), &values(&[("body.1", "X")])).unwrap_err();
        assert!(missing.iter().any(|i| i.path == "header.catalog_id"));
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header.product_retailer_id", "nqryix03ez"),
                ("header.catalog_id", "194836987003835"),
                ("body.1", "25OFF"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out[0],
            json!({"type": "header", "parameters": [{"type": "product", "product":
                {"product_retailer_id": "nqryix03ez", "catalog_id": "194836987003835"}}]})
        );
    }

    #[test]
    fn a_limited_time_offer_sends_its_expiry_and_distinct_button_values() {
        let comps = json!([{"type": "limited_time_offer", "limited_time_offer": {"text": "Expiring offer!", "has_expiration": true}},
                           {"type": "body", "text": "Use code {{1}} today."},
                           {"type": "buttons", "buttons": [{"type": "copy_code", "example": "CARIBE25"},
                               {"type": "url", "text": "Book", "url": "https://x.example/o?c={{1}}", "example": ["https://x.example/o?c=n3"]}]}]);
        let fields = send_form(shape(&comps));
        let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "body.1",
                "limited_time_offer.expiration_time_ms",
                "button.0",
                "button.1"
            ]
        );
        let mut v = values(&[
            ("body.1", "CARIBE25"),
            ("limited_time_offer.expiration_time_ms", "soon"),
            ("button.0", "CARIBE25"),
            ("button.1", "n3mtql"),
        ]);
        let bad = build_components(shape(&comps), &v).unwrap_err();
        assert_eq!(bad[0].path, "limited_time_offer.expiration_time_ms");
        v.insert(
            "limited_time_offer.expiration_time_ms".into(),
            "1209600000".into(),
        );
        let out = build_components(shape(&comps), &v).unwrap();
        assert_eq!(
            out[1],
            json!({"type": "limited_time_offer", "parameters": [{"type": "limited_time_offer",
                "limited_time_offer": {"expiration_time_ms": 1209600000u64}}]})
        );
        assert_eq!(out[2]["parameters"][0]["coupon_code"], "CARIBE25");
        assert_eq!(out[3]["parameters"][0]["text"], "n3mtql");
    }

    #[test]
    fn a_carousel_sends_each_card_with_its_own_values() {
        let card = json!({"components": [{"type": "header", "format": "image", "example": {"header_handle": ["4::x"]}},
            {"type": "buttons", "buttons": [{"type": "quick_reply", "text": "More"},
                {"type": "url", "text": "Shop", "url": "https://x.example/p/{{1}}", "example": ["A"]}]}]});
        let product = json!({"components": [{"type": "header", "format": "product"},
            {"type": "buttons", "buttons": [{"type": "spm", "text": "View"}]}]});
        let comps = json!([{"type": "body", "text": "Hi {{1}}, look."},
                           {"type": "carousel", "cards": [card, card, product]}]);
        let keys: Vec<String> = send_form(shape(&comps))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(
            keys,
            [
                "body.1",
                "card.0.header",
                "card.0.button.0",
                "card.0.button.1",
                "card.1.header",
                "card.1.button.0",
                "card.1.button.1",
                "card.2.header.product_retailer_id",
                "card.2.header.catalog_id",
            ]
        );
        let out = build_components(
            shape(&comps),
            &values(&[
                ("body.1", "Pablo"),
                ("card.0.header", "111"),
                ("card.0.button.0", "more-aloes"),
                ("card.0.button.1", "blue-elf"),
                ("card.1.header", "https://x.example/b.jpg"),
                ("card.1.button.1", "buddha"),
                ("card.2.header.product_retailer_id", "sku"),
                ("card.2.header.catalog_id", "cat"),
            ]),
        )
        .unwrap();
        let cards = &out[1]["cards"];
        assert_eq!(out[1]["type"], "carousel");
        assert_eq!(
            cards[0],
            json!({"card_index": 0, "components": [
                {"type": "header", "parameters": [{"type": "image", "image": {"id": "111"}}]},
                {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": [{"type": "payload", "payload": "more-aloes"}]},
                {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": "blue-elf"}]}]})
        );
        assert_eq!(
            cards[1]["components"][0]["parameters"][0]["image"]["link"],
            "https://x.example/b.jpg"
        );
        assert_eq!(cards[1]["components"][1]["parameters"][0]["text"], "buddha");
        assert_eq!(
            cards[2]["components"][0]["parameters"][0]["product"],
            json!({"product_retailer_id": "sku", "catalog_id": "cat"})
        );
        let missing = build_components(shape(&comps), &values(&[("body.1", "Pablo")])).unwrap_err();
        assert!(missing.iter().any(|i| i.path == "card.1.button.1"));
    }

    #[test]
    fn a_multi_product_button_sends_its_sections() {
        let comps = json!([{"type": "BODY", "text": "Your cart."},
                           {"type": "BUTTONS", "buttons": [{"type": "MPM", "text": "View items"}]}]);
        let keys: Vec<String> = send_form(shape(&comps))
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, ["button.0.thumbnail", "button.0.sections"]);
        let mut v = values(&[
            ("button.0.thumbnail", "2lc20305pt"),
            (
                "button.0.sections",
                "Popular Bundles: 2lc20305pt, nseiw1x3ch; Premium Packages: n6k6x0y7oe",
            ),
        ]);
        let out = build_components(shape(&comps), &v).unwrap();
        assert_eq!(
            out[0],
            json!({"type": "button", "sub_type": "mpm", "index": "0", "parameters": [{"type": "action", "action": {
                "thumbnail_product_retailer_id": "2lc20305pt",
                "sections": [
                    {"title": "Popular Bundles", "product_items": [{"product_retailer_id": "2lc20305pt"}, {"product_retailer_id": "nseiw1x3ch"}]},
                    {"title": "Premium Packages", "product_items": [{"product_retailer_id": "n6k6x0y7oe"}]}]}}]})
        );
        v.insert("button.0.sections".into(), "no title here".into());
        let bad = build_components(shape(&comps), &v).unwrap_err();
        assert_eq!(bad[0].path, "button.0.sections");
    }

    #[test]
    fn a_catalog_button_sends_its_thumbnail_or_an_empty_action() {
        let comps = json!([{"type": "BODY", "text": "See our catalog."},
                           {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]}]);
        let fields = send_form(shape(&comps));
        assert_eq!(fields[0].key, "button.0");
        assert!(!fields[0].required);
        let out = build_components(shape(&comps), &values(&[("button.0", "2lc20305pt")])).unwrap();
        assert_eq!(
            out,
            [
                json!({"type": "button", "sub_type": "catalog", "index": "0",
                    "parameters": [{"type": "action", "action": {"thumbnail_product_retailer_id": "2lc20305pt"}}]})
            ]
        );
        let out = build_components(shape(&comps), &values(&[])).unwrap();
        assert_eq!(out[0]["parameters"][0]["action"], json!({}));
    }

    #[test]
    fn named_params_carry_parameter_name_like_the_reference() {
        let comps = json!([{"type":"BODY","text":"Thanks {{first_name}}, order {{order_number}}.",
                            "example":{"body_text_named_params":[{"param_name":"first_name","example":"Pablo"},{"param_name":"order_number","example":"8"}]}}]);
        let t = TemplateShape {
            category: "UTILITY",
            parameter_format: Some("NAMED"),
            components: &comps,
        };
        assert_eq!(send_form(t)[0].sample, "Pablo");
        let out = build_components(
            t,
            &values(&[
                ("body.first_name", "Jessica"),
                ("body.order_number", "SKBUP2-4CPIG9"),
            ]),
        )
        .unwrap();
        let reference = reference("send_template_named_params.meta-docs.json");
        assert_eq!(Value::from(out), reference["template"]["components"]);
    }

    #[test]
    fn url_button_suffix_matches_the_reference_component() {
        let comps = json!([{"type":"BODY","text":"Hi"},
            {"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Stop"},
              {"type":"URL","text":"Track","url":"https://x.example/t/{{1}}","example":["https://x.example/t/A-1"]}]}]);
        let fields = send_form(shape(&comps));
        assert_eq!(fields.len(), 1);
        assert_eq!(
            (fields[0].key.as_str(), fields[0].sample.as_str()),
            ("button.1", "A-1")
        );
        let out = build_components(shape(&comps), &values(&[("button.1", "B-2")])).unwrap();
        let reference = reference("send_template_url_button_param.meta-docs.json");
        assert_eq!(out[0]["sub_type"], reference["sub_type"]);
        assert_eq!(out[0]["index"], "1");
        assert_eq!(out[0]["parameters"][0]["text"], "B-2");
    }

    #[test]
    fn media_header_takes_a_link_or_an_id() {
        let comps = json!([{"type":"HEADER","format":"IMAGE"},{"type":"BODY","text":"Hi"}]);
        let out = build_components(
            shape(&comps),
            &values(&[("header", "https://x.example/a.png")]),
        )
        .unwrap();
        let reference = reference("send_template_image_header_quick_reply.meta-openapi.json");
        assert!(same_shape(&out[0], &reference["template"]["components"][0]));
        let out = build_components(shape(&comps), &values(&[("header", "1234")])).unwrap();
        assert_eq!(out[0]["parameters"][0]["image"], json!({"id": "1234"}));
    }

    #[test]
    fn location_header_and_copy_code() {
        let comps = json!([{"type":"HEADER","format":"LOCATION"},{"type":"BODY","text":"Hi"},
            {"type":"BUTTONS","buttons":[{"type":"COPY_CODE","example":"SAVE10"}]}]);
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header.latitude", "52.5"),
                ("header.longitude", "13.4"),
                ("button.0", "SAVE20"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out[0]["parameters"][0]["location"],
            json!({"latitude": 52.5, "longitude": 13.4})
        );
        assert_eq!(
            out[1]["parameters"][0],
            json!({"type":"coupon_code","coupon_code":"SAVE20"})
        );
        let e = build_components(
            shape(&comps),
            &values(&[
                ("header.latitude", "north"),
                ("header.longitude", "1"),
                ("button.0", "x"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e[0].path, "header.latitude");
    }

    #[test]
    fn authentication_code_goes_to_body_and_otp_button() {
        let comps = reference("template_create_authentication_copy_code.meta-openapi.json")
            ["components"]
            .clone();
        let t = TemplateShape {
            category: "AUTHENTICATION",
            parameter_format: None,
            components: &comps,
        };
        assert_eq!(send_form(t)[0].kind, FieldKind::OneTimeCode);
        let out = build_components(t, &values(&[("otp", "481516")])).unwrap();
        assert_eq!(
            out[0],
            json!({"type":"body","parameters":[{"type":"text","text":"481516"}]})
        );
        assert_eq!(out[1]["sub_type"], "url");
        assert_eq!(out[1]["parameters"][0]["text"], "481516");
    }

    #[test]
    fn missing_and_invalid_values_are_reported_at_their_fields() {
        let comps = json!([{"type":"BODY","text":"Hi {{1}}, order {{2}}."}]);
        let e = build_components(shape(&comps), &values(&[("body.1", "a\nb")])).unwrap_err();
        let paths: Vec<&str> = e.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["body.1", "body.2"]);
        assert!(e[0].message.contains("new lines"));
    }

    #[test]
    fn mismatch_is_described_in_plain_words() {
        let comps = json!([{"type":"BODY","text":"Hi {{1}}, order {{2}}."}]);
        let sent = json!([{"type":"body","parameters":[{"type":"text","text":"a"}]}]);
        assert_eq!(
            describe_mismatch(shape(&comps), &sent).unwrap(),
            "the template has 2 body variables, you sent 1"
        );
        let ok = json!([{"type":"body","parameters":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]);
        assert_eq!(describe_mismatch(shape(&comps), &ok), None);
    }
}
