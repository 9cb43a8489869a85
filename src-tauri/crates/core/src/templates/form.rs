//! Test-send: the form a template's placeholders call for, and the send-time `components`
//! built from the values typed into it (reference §3.6).
//!
//! Each field has a stable `path` that names where its value goes in the send
//! (`header.image.link`, `body.1`, `body.customer_name`, `buttons.0.url_suffix`,
//! `cards.1.header.image.id`, `limited_time_offer.expiration_time_ms`…): the app's form, the
//! CLI's `template form` and `template send --set PATH=VALUE` all use these paths.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::lint::LintIssue;
use super::placeholder_names;

/// What a form field's value is: the closed list scripts rely on (`template form --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldKind {
    /// Text for a variable (header, body, card body), a quick-reply payload, or the
    /// multi-product sections written `Title: id1, id2; Other title: id3`.
    Text,
    /// The end of a URL button's link (what replaces its `{{1}}`).
    UrlSuffix,
    /// A media header as an https link.
    MediaLink,
    /// A media header as the id of an uploaded media.
    MediaId,
    Latitude,
    Longitude,
    LocationName,
    LocationAddress,
    /// The code a copy-code button copies.
    CouponCode,
    /// Authentication templates: the code goes into the body and the code button.
    Otp,
    /// A product of the catalog (product header, catalog or multi-product thumbnail).
    ProductRetailerId,
    /// The catalog a product header's product belongs to.
    CatalogId,
    /// Limited-time offer: when the offer expires, in milliseconds since the Unix epoch.
    ExpirationTimeMs,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SendField {
    /// Where the value goes: `header.1`, `header.image.link`, `header.location.latitude`,
    /// `body.1` / `body.first_name`, `buttons.0.url_suffix`, `cards.0.header.image.id`,
    /// `limited_time_offer.expiration_time_ms`, `otp`.
    pub path: String,
    pub label: String,
    pub kind: FieldKind,
    /// The field must be filled on its own.
    pub required: bool,
    /// The template's own sample, offered as the default (empty when it has none usable).
    pub sample: String,
    /// Alternatives: exactly one field sharing this group must be filled (a media header's
    /// `link` or `id`; the group is the path they share, e.g. `header.image`).
    pub one_of: Option<String>,
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
            .map(buttons_of)
            .unwrap_or_default()
    }
}

fn buttons_of(c: &Value) -> Vec<&Value> {
    c.get("buttons")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// A header's format, upper case; a header with text and no format is a text header.
fn header_format(h: &Value) -> String {
    match upper(h, "format") {
        f if f.is_empty() && h.get("text").is_some() => "TEXT".to_string(),
        f => f,
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

fn part<'a>(comps: &'a [Value], kind: &str) -> Option<&'a Value> {
    comps.iter().find(|c| upper(c, "type") == kind)
}

fn card_buttons(card: &[Value]) -> Vec<&Value> {
    card.iter()
        .filter(|c| upper(c, "type") == "BUTTONS")
        .flat_map(buttons_of)
        .collect()
}

/// The sample of a URL button's suffix: its example with the fixed start of the URL removed.
fn url_sample(b: &Value) -> String {
    let url = str_of(b, "url");
    let start = super::placeholders(url)
        .first()
        .map(|(s, _, _)| *s)
        .unwrap_or(url.len());
    let example = sample_at(b, "/example/0");
    example
        .strip_prefix(&url[..start])
        .unwrap_or(&example)
        .to_string()
}

fn has_url_variable(b: &Value) -> bool {
    !super::placeholders(str_of(b, "url")).is_empty()
}

/// A form under construction.
struct Form {
    fields: Vec<SendField>,
}

impl Form {
    fn add(
        &mut self,
        path: String,
        label: String,
        kind: FieldKind,
        sample: String,
        required: bool,
    ) {
        self.fields.push(SendField {
            path,
            label,
            kind,
            required,
            sample,
            one_of: None,
        });
    }

    /// A media header (`prefix` = `header` or `cards.N.header`): a link or a media id.
    fn media(&mut self, prefix: &str, what: &str, format: &str) {
        let group = format!("{prefix}.{format}");
        for (k, kind, how) in [
            ("link", FieldKind::MediaLink, "https link"),
            ("id", FieldKind::MediaId, "media id (from an upload)"),
        ] {
            self.fields.push(SendField {
                path: format!("{group}.{k}"),
                label: format!("{what} {format}: {how}"),
                kind,
                required: false,
                sample: String::new(),
                one_of: Some(group.clone()),
            });
        }
    }

    fn product(&mut self, prefix: &str, what: &str) {
        self.add(
            format!("{prefix}.product.product_retailer_id"),
            format!("{what} product: product retailer id (SKU)"),
            FieldKind::ProductRetailerId,
            String::new(),
            true,
        );
        self.add(
            format!("{prefix}.product.catalog_id"),
            format!("{what} product: catalog id"),
            FieldKind::CatalogId,
            String::new(),
            true,
        );
    }

    /// A body's variables (`prefix` = `body` or `cards.N.body`) with their samples.
    fn body(&mut self, prefix: &str, what: &str, b: &Value, named: bool) {
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
                // Meta documents a single variable's sample as a plain string too.
                match b.pointer("/example/body_text") {
                    Some(Value::String(s)) if i == 0 => s.clone(),
                    _ => sample_at(b, &format!("/example/body_text/0/{i}")),
                }
            };
            self.add(
                format!("{prefix}.{name}"),
                format!("{what} {{{{{name}}}}}"),
                FieldKind::Text,
                sample,
                true,
            );
        }
    }
}

/// The fields a test-send form shows for this template, in the order they appear in it.
pub fn send_form(t: TemplateShape<'_>) -> Vec<SendField> {
    let mut form = Form { fields: Vec::new() };
    if t.auth() {
        form.add(
            "otp".into(),
            "One-time code".into(),
            FieldKind::Otp,
            "123456".into(),
            true,
        );
        return form.fields;
    }
    let named = t.named();
    if let Some(h) = t.component("HEADER") {
        match header_format(h).as_str() {
            "TEXT" => {
                if let Some(name) = placeholder_names(str_of(h, "text")).first() {
                    let sample = if named {
                        sample_at(h, "/example/header_text_named_params/0/example")
                    } else {
                        sample_at(h, "/example/header_text/0")
                    };
                    form.add(
                        format!("header.{name}"),
                        format!("Header {{{{{name}}}}}"),
                        FieldKind::Text,
                        sample,
                        true,
                    );
                }
            }
            "LOCATION" => {
                for (k, label, kind, required) in [
                    ("latitude", "latitude", FieldKind::Latitude, true),
                    ("longitude", "longitude", FieldKind::Longitude, true),
                    ("name", "place name", FieldKind::LocationName, false),
                    ("address", "address", FieldKind::LocationAddress, false),
                ] {
                    form.add(
                        format!("header.location.{k}"),
                        format!("Header location: {label}"),
                        kind,
                        String::new(),
                        required,
                    );
                }
            }
            "PRODUCT" => form.product("header", "Header"),
            media => form.media("header", "Header", &media.to_ascii_lowercase()),
        }
    }
    if let Some(b) = t.component("BODY") {
        form.body("body", "Body", b, named);
    }
    if t.component("LIMITED_TIME_OFFER")
        .is_some_and(|c| c.pointer("/limited_time_offer/has_expiration") == Some(&json!(true)))
    {
        form.add(
            "limited_time_offer.expiration_time_ms".into(),
            "Offer expires at (Unix time in milliseconds)".into(),
            FieldKind::ExpirationTimeMs,
            String::new(),
            true,
        );
    }
    for (n, card) in carousel_cards(&t).iter().enumerate() {
        let what = format!("Card {}", n + 1);
        let prefix = format!("cards.{n}");
        if let Some(h) = part(card, "HEADER") {
            match upper(h, "format").as_str() {
                "PRODUCT" => form.product(&format!("{prefix}.header"), &what),
                media => form.media(
                    &format!("{prefix}.header"),
                    &what,
                    &media.to_ascii_lowercase(),
                ),
            }
        }
        if let Some(b) = part(card, "BODY") {
            form.body(&format!("{prefix}.body"), &format!("{what} body"), b, named);
        }
        for (i, b) in card_buttons(card).into_iter().enumerate() {
            match upper(b, "type").as_str() {
                "QUICK_REPLY" => form.add(
                    format!("{prefix}.buttons.{i}.payload"),
                    format!("{what} button “{}”: payload", str_of(b, "text")),
                    FieldKind::Text,
                    String::new(),
                    false,
                ),
                "URL" if has_url_variable(b) => form.add(
                    format!("{prefix}.buttons.{i}.url_suffix"),
                    format!("{what} button “{}”: end of the URL", str_of(b, "text")),
                    FieldKind::UrlSuffix,
                    url_sample(b),
                    true,
                ),
                _ => {}
            }
        }
    }
    for (i, b) in t.buttons().into_iter().enumerate() {
        let prefix = format!("buttons.{i}");
        match upper(b, "type").as_str() {
            "URL" if has_url_variable(b) => form.add(
                format!("{prefix}.url_suffix"),
                format!("Button “{}”: end of the URL", str_of(b, "text")),
                FieldKind::UrlSuffix,
                url_sample(b),
                true,
            ),
            "COPY_CODE" => form.add(
                format!("{prefix}.coupon_code"),
                "Coupon code to copy".into(),
                FieldKind::CouponCode,
                str_of(b, "example").to_string(),
                true,
            ),
            "MPM" => {
                form.add(
                    format!("{prefix}.thumbnail_product_retailer_id"),
                    "Products button: thumbnail product retailer id".into(),
                    FieldKind::ProductRetailerId,
                    String::new(),
                    true,
                );
                form.add(
                    format!("{prefix}.sections"),
                    "Products button: sections (Title: id1, id2; Other: id3)".into(),
                    FieldKind::Text,
                    String::new(),
                    true,
                );
            }
            "CATALOG" => form.add(
                format!("{prefix}.thumbnail_product_retailer_id"),
                "Catalog thumbnail: product retailer id (optional; else the first product)".into(),
                FieldKind::ProductRetailerId,
                String::new(),
                false,
            ),
            _ => {}
        }
    }
    form.fields
}

fn text_param(value: &str, name: Option<&str>) -> Value {
    let mut p = json!({"type": "text", "text": value});
    if let Some(n) = name {
        p["parameter_name"] = json!(n);
    }
    p
}

/// Why a value does not fit its field's kind, if it does not.
fn check_value(kind: FieldKind, v: &str) -> Option<String> {
    let coordinate = |max: f64, what: &str| match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= max => None,
        _ => Some(format!("the {what} must be a number from -{max} to {max}")),
    };
    match kind {
        FieldKind::Latitude => coordinate(90.0, "latitude"),
        FieldKind::Longitude => coordinate(180.0, "longitude"),
        FieldKind::ExpirationTimeMs => v
            .parse::<u64>()
            .is_err()
            .then(|| "the expiry must be a whole number of milliseconds (Unix time)".to_string()),
        FieldKind::MediaLink => (!(v.starts_with("https://") || v.starts_with("http://"))
            || v.contains(char::is_whitespace))
        .then(|| "a media link is an https:// address without spaces".to_string()),
        FieldKind::MediaId | FieldKind::CatalogId | FieldKind::CouponCode | FieldKind::Otp => {
            if v.starts_with("https://") || v.starts_with("http://") {
                Some("this is an id or a code, not a link".to_string())
            } else if v.contains(char::is_whitespace) {
                Some("this value cannot contain spaces".to_string())
            } else {
                None
            }
        }
        // Meta refuses parameter text with new lines, tabs or more than four spaces in a row.
        // A catalog's retailer ids are the shop's own and may contain spaces.
        FieldKind::Text
        | FieldKind::ProductRetailerId
        | FieldKind::UrlSuffix
        | FieldKind::LocationName
        | FieldKind::LocationAddress => {
            (v.contains(['\n', '\t']) || v.contains("     ")).then(|| {
                "parameter values cannot contain new lines, tabs or more than four spaces in a row"
                    .to_string()
            })
        }
    }
}

/// The form's values checked against its fields: every path known, every required field
/// (and one field of each `one_of` group) filled, every value fitting its kind. Problems are
/// reported at their field's path.
pub fn check_values(fields: &[SendField], values: &BTreeMap<String, String>) -> Vec<LintIssue> {
    let mut issues = Vec::new();
    let issue = |path: &str, message: String| LintIssue {
        path: path.to_string(),
        message,
    };
    for path in values.keys() {
        if !fields.iter().any(|f| &f.path == path) {
            let known: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
            issues.push(issue(
                path,
                if known.is_empty() {
                    "this template takes no values".to_string()
                } else {
                    format!(
                        "no such field in this template (its fields: {})",
                        known.join(", ")
                    )
                },
            ));
        }
    }
    let value = |p: &str| values.get(p).map(|s| s.trim()).unwrap_or_default();
    let mut groups: BTreeSet<&str> = BTreeSet::new();
    for f in fields {
        let v = value(&f.path);
        if let Some(g) = &f.one_of {
            groups.insert(g);
        }
        if v.is_empty() {
            if f.required {
                issues.push(issue(&f.path, format!("fill in {}", f.label)));
            }
        } else if let Some(why) = check_value(f.kind, v) {
            issues.push(issue(&f.path, why));
        }
    }
    for g in groups {
        let members: Vec<&SendField> = fields
            .iter()
            .filter(|f| f.one_of.as_deref() == Some(g))
            .collect();
        let given: Vec<&&SendField> = members
            .iter()
            .filter(|f| !value(&f.path).is_empty())
            .collect();
        let names: Vec<&str> = members.iter().map(|f| f.path.as_str()).collect();
        match given.len() {
            1 => {}
            0 => issues.push(issue(
                names[0],
                format!("fill in one of {}", names.join(" or ")),
            )),
            _ => issues.push(issue(
                &given[1].path,
                format!("give only one of {}", names.join(" or ")),
            )),
        }
    }
    issues
}

/// Saved inputs carried over to the current form: values under a path the form has are kept,
/// values saved under the keys the form used before it had paths (`header`, `header.latitude`,
/// `button.0`, `button.0.thumbnail`, `card.1.header`, `card.1.button.0`…) move to the field now
/// at that place, and values for fields the template no longer has are dropped.
pub fn carry_over(
    fields: &[SendField],
    saved: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let has = |p: &str| fields.iter().any(|f| f.path == p);
    // The field now at a place that took one value: the first under `prefix.`, a media
    // header's link or id by the value's look.
    let first_under = |prefix: &str, v: &str| -> Option<String> {
        let f = fields
            .iter()
            .find(|f| f.path.starts_with(&format!("{prefix}.")))?;
        match &f.one_of {
            Some(g) if v.starts_with("https://") || v.starts_with("http://") => {
                Some(format!("{g}.link"))
            }
            Some(g) => Some(format!("{g}.id")),
            None => Some(f.path.clone()),
        }
    };
    let mut out = BTreeMap::new();
    for (k, v) in saved {
        let parts: Vec<&str> = k.split('.').collect();
        let path = if has(k) {
            Some(k.clone())
        } else {
            match parts.as_slice() {
                ["header"] => first_under("header", v),
                ["header", f @ ("latitude" | "longitude" | "name" | "address")] => {
                    Some(format!("header.location.{f}"))
                }
                ["header", f @ ("product_retailer_id" | "catalog_id")] => {
                    Some(format!("header.product.{f}"))
                }
                ["button", i] => first_under(&format!("buttons.{i}"), v),
                ["button", i, "thumbnail"] => {
                    Some(format!("buttons.{i}.thumbnail_product_retailer_id"))
                }
                ["button", i, "sections"] => Some(format!("buttons.{i}.sections")),
                ["card", n, "header"] => first_under(&format!("cards.{n}.header"), v),
                ["card", n, "header", f] => Some(format!("cards.{n}.header.product.{f}")),
                ["card", n, "button", i] => first_under(&format!("cards.{n}.buttons.{i}"), v),
                _ => None,
            }
        };
        if let Some(p) = path.filter(|p| has(p)) {
            out.insert(p, v.clone());
        }
    }
    out
}

/// The media object of a header: `{"link": …}` or `{"id": …}`, whichever field is filled.
fn media_param(format: &str, prefix: &str, get: &dyn Fn(&str) -> String) -> Value {
    let group = format!("{prefix}.{format}");
    let link = get(&format!("{group}.link"));
    let source = if link.is_empty() {
        json!({ "id": get(&format!("{group}.id")) })
    } else {
        json!({ "link": link })
    };
    json!({"type": format, format: source})
}

fn product_param(prefix: &str, get: &dyn Fn(&str) -> String) -> Value {
    json!({"type": "product", "product": {
        "product_retailer_id": get(&format!("{prefix}.product.product_retailer_id")),
        "catalog_id": get(&format!("{prefix}.product.catalog_id")),
    }})
}

fn body_params(prefix: &str, b: &Value, named: bool, get: &dyn Fn(&str) -> String) -> Vec<Value> {
    placeholder_names(str_of(b, "text"))
        .iter()
        .map(|n| text_param(&get(&format!("{prefix}.{n}")), named.then_some(n.as_str())))
        .collect()
}

/// Send-time `template.components` from the form's values; an unknown path, a missing or an
/// invalid value is reported at its field's path.
pub fn build_components(
    t: TemplateShape<'_>,
    values: &BTreeMap<String, String>,
) -> Result<Vec<Value>, Vec<LintIssue>> {
    let fields = send_form(t);
    let mut issues = check_values(&fields, values);
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
        let format = header_format(h).to_ascii_lowercase();
        let param = match format.as_str() {
            "text" => placeholder_names(str_of(h, "text")).first().map(|name| {
                text_param(
                    &get(&format!("header.{name}")),
                    named.then_some(name.as_str()),
                )
            }),
            "location" => {
                let num = |k: &str| get(&format!("header.location.{k}")).parse::<f64>().ok();
                let mut loc = json!({"latitude": num("latitude"), "longitude": num("longitude")});
                for k in ["name", "address"] {
                    let v = get(&format!("header.location.{k}"));
                    if !v.is_empty() {
                        loc[k] = json!(v);
                    }
                }
                Some(json!({"type": "location", "location": loc}))
            }
            "product" => Some(product_param("header", &get)),
            media => Some(media_param(media, "header", &get)),
        };
        if let Some(p) = param {
            out.push(json!({"type": "header", "parameters": [p]}));
        }
    }
    if let Some(b) = t.component("BODY") {
        let params = body_params("body", b, named, &get);
        if !params.is_empty() {
            out.push(json!({"type": "body", "parameters": params}));
        }
    }
    if fields.iter().any(|f| f.kind == FieldKind::ExpirationTimeMs) {
        let ms = get("limited_time_offer.expiration_time_ms")
            .parse::<u64>()
            .unwrap_or_default();
        out.push(json!({"type": "limited_time_offer", "parameters": [
            {"type": "limited_time_offer", "limited_time_offer": {"expiration_time_ms": ms}}
        ]}));
    }
    let cards = carousel_cards(&t);
    if !cards.is_empty() {
        let mut built = Vec::new();
        for (n, card) in cards.iter().enumerate() {
            let prefix = format!("cards.{n}");
            let mut comps = Vec::new();
            if let Some(h) = part(card, "HEADER") {
                let format = str_of(h, "format").to_ascii_lowercase();
                let header = format!("{prefix}.header");
                let param = if format == "product" {
                    product_param(&header, &get)
                } else {
                    media_param(&format, &header, &get)
                };
                comps.push(json!({"type": "header", "parameters": [param]}));
            }
            if let Some(b) = part(card, "BODY") {
                let params = body_params(&format!("{prefix}.body"), b, named, &get);
                if !params.is_empty() {
                    comps.push(json!({"type": "body", "parameters": params}));
                }
            }
            for (i, b) in card_buttons(card).into_iter().enumerate() {
                let button = format!("{prefix}.buttons.{i}");
                match upper(b, "type").as_str() {
                    "QUICK_REPLY" => {
                        let v = get(&format!("{button}.payload"));
                        if !v.is_empty() {
                            comps.push(json!({"type": "button", "sub_type": "quick_reply",
                                "index": i.to_string(),
                                "parameters": [{"type": "payload", "payload": v}]}));
                        }
                    }
                    "URL" if has_url_variable(b) => comps.push(
                        json!({"type": "button", "sub_type": "url", "index": i.to_string(),
                               "parameters": [text_param(&get(&format!("{button}.url_suffix")), None)]}),
                    ),
                    _ => {}
                }
            }
            built.push(json!({"card_index": n, "components": comps}));
        }
        out.push(json!({"type": "carousel", "cards": built}));
    }
    for (i, b) in t.buttons().into_iter().enumerate() {
        let prefix = format!("buttons.{i}");
        match upper(b, "type").as_str() {
            "URL" if has_url_variable(b) => out.push(
                json!({"type": "button", "sub_type": "url", "index": i.to_string(),
                       "parameters": [text_param(&get(&format!("{prefix}.url_suffix")), None)]}),
            ),
            "COPY_CODE" => out.push(
                json!({"type": "button", "sub_type": "copy_code", "index": i.to_string(),
                       "parameters": [{"type": "coupon_code", "coupon_code": get(&format!("{prefix}.coupon_code"))}]}),
            ),
            "MPM" => match product_sections(&get(&format!("{prefix}.sections"))) {
                Ok(sections) => out.push(
                    json!({"type": "button", "sub_type": "mpm", "index": i.to_string(),
                           "parameters": [{"type": "action", "action": {
                               "thumbnail_product_retailer_id": get(&format!("{prefix}.thumbnail_product_retailer_id")),
                               "sections": sections}}]}),
                ),
                Err(why) => issues.push(LintIssue {
                    path: format!("{prefix}.sections"),
                    message: why,
                }),
            },
            "CATALOG" => {
                let v = get(&format!("{prefix}.thumbnail_product_retailer_id"));
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
        let keys: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            keys,
            ["header.1", "body.1", "body.2", "buttons.0.url_suffix"]
        );
        assert_eq!(fields[2].sample, "A-1");
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header.1", "A-2"),
                ("body.1", "Bo"),
                ("body.2", "A-2"),
                ("buttons.0.url_suffix", "A-2"),
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
            fields.iter().map(|f| (f.path.as_str(), f.kind)).collect();
        assert_eq!(
            kinds,
            [
                (
                    "header.product.product_retailer_id",
                    FieldKind::ProductRetailerId
                ),
                ("header.product.catalog_id", FieldKind::CatalogId),
                ("body.1", FieldKind::Text),
            ]
        );
        let missing = build_components(shape(&comps), &values(&[("body.1", "X")])).unwrap_err();
        assert!(missing
            .iter()
            .any(|i| i.path == "header.product.catalog_id"));
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header.product.product_retailer_id", "nqryix03ez"),
                ("header.product.catalog_id", "194836987003835"),
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
        let keys: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            keys,
            [
                "body.1",
                "limited_time_offer.expiration_time_ms",
                "buttons.0.coupon_code",
                "buttons.1.url_suffix"
            ]
        );
        let mut v = values(&[
            ("body.1", "CARIBE25"),
            ("limited_time_offer.expiration_time_ms", "soon"),
            ("buttons.0.coupon_code", "CARIBE25"),
            ("buttons.1.url_suffix", "n3mtql"),
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
            .map(|f| f.path)
            .collect();
        assert_eq!(
            keys,
            [
                "body.1",
                "cards.0.header.image.link",
                "cards.0.header.image.id",
                "cards.0.buttons.0.payload",
                "cards.0.buttons.1.url_suffix",
                "cards.1.header.image.link",
                "cards.1.header.image.id",
                "cards.1.buttons.0.payload",
                "cards.1.buttons.1.url_suffix",
                "cards.2.header.product.product_retailer_id",
                "cards.2.header.product.catalog_id",
            ]
        );
        let out = build_components(
            shape(&comps),
            &values(&[
                ("body.1", "Pablo"),
                ("cards.0.header.image.id", "111"),
                ("cards.0.buttons.0.payload", "more-aloes"),
                ("cards.0.buttons.1.url_suffix", "blue-elf"),
                ("cards.1.header.image.link", "https://x.example/b.jpg"),
                ("cards.1.buttons.1.url_suffix", "buddha"),
                ("cards.2.header.product.product_retailer_id", "sku"),
                ("cards.2.header.product.catalog_id", "cat"),
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
        assert!(missing
            .iter()
            .any(|i| i.path == "cards.1.buttons.1.url_suffix"));
    }

    #[test]
    fn a_multi_product_button_sends_its_sections() {
        let comps = json!([{"type": "BODY", "text": "Your cart."},
                           {"type": "BUTTONS", "buttons": [{"type": "MPM", "text": "View items"}]}]);
        let keys: Vec<String> = send_form(shape(&comps))
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(
            keys,
            [
                "buttons.0.thumbnail_product_retailer_id",
                "buttons.0.sections"
            ]
        );
        let mut v = values(&[
            ("buttons.0.thumbnail_product_retailer_id", "2lc20305pt"),
            (
                "buttons.0.sections",
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
        v.insert("buttons.0.sections".into(), "no title here".into());
        let bad = build_components(shape(&comps), &v).unwrap_err();
        assert_eq!(bad[0].path, "buttons.0.sections");
    }

    #[test]
    fn a_catalog_button_sends_its_thumbnail_or_an_empty_action() {
        let comps = json!([{"type": "BODY", "text": "See our catalog."},
                           {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]}]);
        let fields = send_form(shape(&comps));
        assert_eq!(fields[0].path, "buttons.0.thumbnail_product_retailer_id");
        assert!(!fields[0].required);
        let out = build_components(
            shape(&comps),
            &values(&[("buttons.0.thumbnail_product_retailer_id", "2lc20305pt")]),
        )
        .unwrap();
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
            (fields[0].path.as_str(), fields[0].sample.as_str()),
            ("buttons.1.url_suffix", "A-1")
        );
        let out =
            build_components(shape(&comps), &values(&[("buttons.1.url_suffix", "B-2")])).unwrap();
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
            &values(&[("header.image.link", "https://x.example/a.png")]),
        )
        .unwrap();
        let reference = reference("send_template_image_header_quick_reply.meta-openapi.json");
        assert!(same_shape(&out[0], &reference["template"]["components"][0]));
        let out = build_components(shape(&comps), &values(&[("header.image.id", "1234")])).unwrap();
        assert_eq!(out[0]["parameters"][0]["image"], json!({"id": "1234"}));
    }

    #[test]
    fn location_header_and_copy_code() {
        let comps = json!([{"type":"HEADER","format":"LOCATION"},{"type":"BODY","text":"Hi"},
            {"type":"BUTTONS","buttons":[{"type":"COPY_CODE","example":"SAVE10"}]}]);
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header.location.latitude", "52.5"),
                ("header.location.longitude", "13.4"),
                ("buttons.0.coupon_code", "SAVE20"),
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
                ("header.location.latitude", "north"),
                ("header.location.longitude", "1"),
                ("buttons.0.coupon_code", "x"),
            ]),
        )
        .unwrap_err();
        assert_eq!(e[0].path, "header.location.latitude");
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
        assert_eq!(send_form(t)[0].kind, FieldKind::Otp);
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

    #[test]
    fn every_field_has_a_path_a_kind_and_media_takes_one_of_link_or_id() {
        let comps = json!([{"type":"HEADER","format":"VIDEO"},{"type":"BODY","text":"Hi {{1}}.","example":{"body_text":[["Ana"]]}}]);
        let fields = send_form(shape(&comps));
        let got: Vec<(&str, FieldKind, bool, Option<&str>)> = fields
            .iter()
            .map(|f| (f.path.as_str(), f.kind, f.required, f.one_of.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "header.video.link",
                    FieldKind::MediaLink,
                    false,
                    Some("header.video")
                ),
                (
                    "header.video.id",
                    FieldKind::MediaId,
                    false,
                    Some("header.video")
                ),
                ("body.1", FieldKind::Text, true, None),
            ]
        );
        let none = build_components(shape(&comps), &values(&[("body.1", "Ana")])).unwrap_err();
        assert_eq!(none[0].path, "header.video.link");
        assert!(
            none[0]
                .message
                .contains("header.video.link or header.video.id"),
            "{}",
            none[0].message
        );
        let both = build_components(
            shape(&comps),
            &values(&[
                ("body.1", "Ana"),
                ("header.video.link", "https://x.example/v.mp4"),
                ("header.video.id", "77"),
            ]),
        )
        .unwrap_err();
        assert_eq!(both[0].path, "header.video.id");
        assert!(both[0].message.contains("only one"));
        let not_a_link = build_components(
            shape(&comps),
            &values(&[("body.1", "Ana"), ("header.video.link", "v.mp4")]),
        )
        .unwrap_err();
        assert_eq!(not_a_link[0].path, "header.video.link");
        assert!(not_a_link[0].message.contains("https://"));
        let link_as_id = build_components(
            shape(&comps),
            &values(&[
                ("body.1", "Ana"),
                ("header.video.id", "https://x.example/v.mp4"),
            ]),
        )
        .unwrap_err();
        assert_eq!(link_as_id[0].path, "header.video.id");
    }

    #[test]
    fn an_unknown_path_is_refused_naming_it_and_the_known_ones() {
        let comps = json!([{"type":"BODY","text":"Hi {{1}}."}]);
        let e = build_components(
            shape(&comps),
            &values(&[("body.1", "Ana"), ("body.2", "x")]),
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].path, "body.2");
        assert!(e[0].message.contains("no such field"), "{}", e[0].message);
        assert!(e[0].message.contains("body.1"), "{}", e[0].message);
        let plain = json!([{"type":"BODY","text":"Hello."}]);
        let e = build_components(shape(&plain), &values(&[("header", "x")])).unwrap_err();
        assert_eq!(e[0].message, "this template takes no values");
    }

    #[test]
    fn coordinates_are_checked_against_their_range() {
        let comps = json!([{"type":"HEADER","format":"LOCATION"},{"type":"BODY","text":"Hi"}]);
        let kinds: Vec<FieldKind> = send_form(shape(&comps)).iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                FieldKind::Latitude,
                FieldKind::Longitude,
                FieldKind::LocationName,
                FieldKind::LocationAddress
            ]
        );
        let e = build_components(
            shape(&comps),
            &values(&[
                ("header.location.latitude", "91"),
                ("header.location.longitude", "-181"),
            ]),
        )
        .unwrap_err();
        let paths: Vec<&str> = e.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            ["header.location.latitude", "header.location.longitude"]
        );
        let out = build_components(
            shape(&comps),
            &values(&[
                ("header.location.latitude", "37.48"),
                ("header.location.longitude", "-122.15"),
                ("header.location.name", "Philz Coffee"),
                ("header.location.address", "101 Forest Ave"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out[0]["parameters"][0]["location"],
            json!({"latitude": 37.48, "longitude": -122.15, "name": "Philz Coffee", "address": "101 Forest Ave"})
        );
    }

    #[test]
    fn named_header_and_card_bodies_have_their_own_paths_and_samples() {
        let comps = json!([{"type":"HEADER","format":"TEXT","text":"Order {{order_id}}",
                "example":{"header_text_named_params":[{"param_name":"order_id","example":"A-1"}]}},
            {"type":"BODY","text":"Hi {{name}}.","example":{"body_text_named_params":[{"param_name":"name","example":"Ana"}]}}]);
        let t = TemplateShape {
            category: "UTILITY",
            parameter_format: Some("named"),
            components: &comps,
        };
        let fields = send_form(t);
        assert_eq!(
            (fields[0].path.as_str(), fields[0].sample.as_str()),
            ("header.order_id", "A-1")
        );
        let out = build_components(
            t,
            &values(&[("header.order_id", "B-2"), ("body.name", "Bo")]),
        )
        .unwrap();
        assert_eq!(
            out[0]["parameters"][0],
            json!({"type":"text","text":"B-2","parameter_name":"order_id"})
        );

        let card = json!({"components": [{"type": "header", "format": "video"},
            {"type": "body", "text": "Only {{1}} left", "example": {"body_text": [["3"]]}}]});
        let comps = json!([{"type": "body", "text": "Look {{1}}.", "example": {"body_text": "Pablo"}},
                           {"type": "carousel", "cards": [card, card]}]);
        let fields = send_form(shape(&comps));
        assert_eq!(
            fields[0].sample, "Pablo",
            "a single sample written as a plain string"
        );
        let card_body = fields.iter().find(|f| f.path == "cards.1.body.1").unwrap();
        assert_eq!(card_body.sample, "3");
        let out = build_components(
            shape(&comps),
            &values(&[
                ("body.1", "Pablo"),
                ("cards.0.header.video.id", "1"),
                ("cards.0.body.1", "2"),
                ("cards.1.header.video.link", "https://x.example/v.mp4"),
                ("cards.1.body.1", "5"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out[1]["cards"][1]["components"],
            json!([{"type": "header", "parameters": [{"type": "video", "video": {"link": "https://x.example/v.mp4"}}]},
                   {"type": "body", "parameters": [{"type": "text", "text": "5"}]}])
        );
    }

    #[test]
    fn inputs_saved_under_the_old_keys_carry_over_to_the_paths() {
        let comps = json!([{"type":"HEADER","format":"IMAGE"},
            {"type":"BODY","text":"Hi {{1}}, order {{2}}."},
            {"type":"BUTTONS","buttons":[{"type":"COPY_CODE","example":"X"},
                {"type":"URL","text":"Go","url":"https://x.example/{{1}}","example":["https://x.example/a"]}]}]);
        let fields = send_form(shape(&comps));
        let saved = values(&[
            ("header", "https://x.example/a.png"),
            ("body.1", "Ana"),
            ("body.3", "gone"),
            ("button.0", "SAVE"),
            ("buttons.1.url_suffix", "t/1"),
        ]);
        assert_eq!(
            carry_over(&fields, &saved),
            values(&[
                ("header.image.link", "https://x.example/a.png"),
                ("body.1", "Ana"),
                ("buttons.0.coupon_code", "SAVE"),
                ("buttons.1.url_suffix", "t/1"),
            ])
        );
        let by_id = carry_over(&fields, &values(&[("header", "4711")]));
        assert_eq!(by_id, values(&[("header.image.id", "4711")]));
        let loc = json!([{"type":"HEADER","format":"LOCATION"},{"type":"BODY","text":"Hi"}]);
        let moved = carry_over(
            &send_form(shape(&loc)),
            &values(&[("header.latitude", "1"), ("header.name", "Cafe")]),
        );
        assert_eq!(
            moved,
            values(&[
                ("header.location.latitude", "1"),
                ("header.location.name", "Cafe")
            ])
        );
    }
}
