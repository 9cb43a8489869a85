//! A Postman collection (v2.1) and environment for one number: every request the app makes, from
//! the client's own list of paths ([`crate::api::PATHS`]), with the base URL as a variable and
//! the API key as a secret variable left empty unless the caller includes it.
//!
//! Each request carries a test script that checks the answer the way the app reads it, so the
//! collection run in Newman against the simulator proves the requests.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::api::PATHS;
use crate::templates::form;
use crate::templates::library::TemplateFilter;
use crate::{Core, Error, Result};

/// The collection schema Postman and Newman read.
pub const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/// The file the media and upload requests send; the export tells where to put it.
pub const SAMPLE_FILE: &str = "wabadesk-sample.png";

/// The template the create and delete requests use (created by the collection, deleted by it).
pub const SAMPLE_TEMPLATE: &str = "wabadesk_postman_check";

/// A 1×1 PNG, the media the upload requests send.
pub const SAMPLE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A number's collection and environment, ready to write as two files.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PostmanExport {
    #[ts(type = "unknown")]
    pub collection: Value,
    #[ts(type = "unknown")]
    pub environment: Value,
    /// Whether the environment holds the API key (only when the caller asked for it).
    pub key_included: bool,
    /// File names to save them under (`<phone>.postman_collection.json`, …).
    pub collection_file: String,
    pub environment_file: String,
    /// Templates of the library left out (their form values do not build a send), with why.
    pub skipped: Vec<String>,
}

/// Where an export was written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PostmanSaved {
    /// The folder holding the collection, the environment and the sample file.
    pub dir: String,
    pub collection_file: String,
    pub environment_file: String,
    pub key_included: bool,
    pub skipped: Vec<String>,
}

/// The warning shown before a key goes into an exported file.
pub const KEY_WARNING: &str = "The environment file will hold this number's API key in plain text: anyone with the file can send as this number. Keep it out of shared folders and version control.";

fn method_of(path: &str, method: &str) -> Result<()> {
    if PATHS.iter().any(|(m, p)| *m == method && *p == path) {
        Ok(())
    } else {
        Err(Error::Internal(format!(
            "{method} {path} is not one of the client's paths"
        )))
    }
}

/// One request of the collection: `path` must be one of the client's [`PATHS`]; `query` and
/// `fill` complete it (`fill` replaces the `{…}` part).
struct Req<'a> {
    name: String,
    method: &'a str,
    path: &'a str,
    fill: Option<&'a str>,
    query: Vec<(&'a str, String)>,
    body: Option<Body>,
    headers: Vec<(&'a str, &'a str)>,
    tests: Vec<String>,
    description: String,
}

enum Body {
    Json(Value),
    File,
    Form,
}

fn request(r: Req<'_>) -> Result<Value> {
    method_of(r.path, r.method)?;
    let path = match (r.fill, r.path.find('{')) {
        (Some(fill), Some(at)) => format!("{}{fill}", &r.path[..at]),
        _ => r.path.to_string(),
    };
    let query_text: Vec<String> = r.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let raw = if query_text.is_empty() {
        format!("{{{{base_url}}}}{path}")
    } else {
        format!("{{{{base_url}}}}{path}?{}", query_text.join("&"))
    };
    let mut header = vec![json!({"key": "D360-API-KEY", "value": "{{api_key}}", "type": "text"})];
    for (k, v) in &r.headers {
        header.push(json!({"key": k, "value": v, "type": "text"}));
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut req = json!({
        "method": r.method,
        "header": header,
        "url": {
            "raw": raw,
            "host": ["{{base_url}}"],
            "path": segments,
        },
        "description": r.description,
    });
    if !r.query.is_empty() {
        req["url"]["query"] = r
            .query
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
    }
    match r.body {
        Some(Body::Json(v)) => {
            req["header"]
                .as_array_mut()
                .expect("an array")
                .push(json!({"key": "Content-Type", "value": "application/json", "type": "text"}));
            req["body"] = json!({
                "mode": "raw",
                "raw": serde_json::to_string_pretty(&v).unwrap_or_default(),
                "options": {"raw": {"language": "json"}},
            });
        }
        Some(Body::File) => {
            req["body"] = json!({"mode": "file", "file": {"src": SAMPLE_FILE}});
        }
        Some(Body::Form) => {
            req["body"] = json!({"mode": "formdata", "formdata": [
                {"key": "messaging_product", "value": "whatsapp", "type": "text"},
                {"key": "file", "type": "file", "src": SAMPLE_FILE},
            ]});
        }
        None => {}
    }
    let mut exec = vec![format!(
        "pm.test({:?}, function () {{ pm.expect(pm.response.code, pm.response.text()).to.be.oneOf([200, 201]); }});",
        format!("{} answers with success", r.name)
    )];
    exec.extend(r.tests);
    Ok(json!({
        "name": r.name,
        "request": req,
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": exec}}],
    }))
}

fn expect_json(name: &str, check: &str) -> String {
    format!("pm.test({name:?}, function () {{ var j = pm.response.json(); {check} }});")
}

fn folder(name: &str, items: Vec<Value>) -> Value {
    json!({"name": name, "item": items})
}

/// The create body of the sample template: a utility template with one variable.
fn sample_template() -> Value {
    json!({
        "name": SAMPLE_TEMPLATE,
        "category": "UTILITY",
        "language": "en_US",
        "allow_category_change": true,
        "components": [{"type": "BODY", "text": "Your check {{1}} is ready.",
                        "example": {"body_text": [["A-1"]]}}],
    })
}

fn send_checks() -> Vec<String> {
    vec![expect_json(
        "the answer carries the message's wamid",
        "pm.expect(j.messages[0].id).to.be.a('string').and.not.empty;",
    )]
}

fn file_stem(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_alphanumeric).collect();
    if digits.is_empty() {
        "number".into()
    } else {
        digits
    }
}

impl Core {
    /// The number's Postman collection and environment. The key goes into the environment only
    /// when `include_key` is set (the caller shows [`KEY_WARNING`] first); otherwise the secret
    /// variable is empty. Message sends use each template's current form values (the last test
    /// inputs, else the template's samples); the recipient is the variable `recipient`.
    pub fn postman_export(&self, number_id: i64, include_key: bool) -> Result<PostmanExport> {
        let number = self.number(number_id)?;
        let key = if include_key {
            let key = self
                .secrets
                .get(&crate::secrets::accounts::key_account(&number.phone))?
                .ok_or_else(|| {
                    Error::Validation(format!(
                        "{} has no API key to include; set one first",
                        number.label
                    ))
                })?;
            Some(key.expose().clone())
        } else {
            None
        };
        let recipient = self
            .recent_recipients(number_id)?
            .into_iter()
            .next()
            .unwrap_or_default();
        let webhook = self.known_webhook(number_id)?.url.unwrap_or_default();

        let mut health = vec![request(Req {
            name: "Health status".into(),
            method: "GET",
            path: "/health_status",
            fill: None,
            query: vec![],
            body: None,
            headers: vec![],
            tests: vec![expect_json(
                "the answer has a health status",
                "pm.expect(j).to.have.property('health_status');",
            )],
            description: "The number's health: what the Numbers page shows.".into(),
        })?];
        health.push(request(Req {
            name: "Business profile".into(),
            method: "GET",
            path: "/whatsapp_business_profile",
            fill: None,
            query: vec![(
                "fields",
                "about,address,description,email,profile_picture_url,websites,vertical".into(),
            )],
            body: None,
            headers: vec![],
            tests: vec![],
            description: "The business profile the Setup page edits.".into(),
        })?);

        let webhook_items = vec![
            request(Req {
                name: "Set webhook".into(),
                method: "POST",
                path: "/v1/configs/webhook",
                fill: None,
                query: vec![],
                body: Some(Body::Json(json!({"url": "{{webhook_url}}"}))),
                headers: vec![],
                tests: vec![expect_json(
                    "the answer echoes the URL",
                    "pm.expect(j.url).to.eql(pm.variables.get('webhook_url'));",
                )],
                description: "Sets the webhook to the variable webhook_url (the URL WABA Desk last set, when it knows one).".into(),
            })?,
            request(Req {
                name: "Get webhook".into(),
                method: "GET",
                path: "/v1/configs/webhook",
                fill: None,
                query: vec![],
                body: None,
                headers: vec![],
                tests: vec![expect_json(
                    "the webhook is the one set",
                    "pm.expect(j.url).to.eql(pm.variables.get('webhook_url'));",
                )],
                description: "Reads the number's webhook URL.".into(),
            })?,
        ];

        let template_items = vec![
            request(Req {
                name: "List templates".into(),
                method: "GET",
                path: "/v1/configs/templates",
                fill: None,
                query: vec![
                    ("limit", "100".into()),
                    ("offset", "0".into()),
                    ("sort", "id".into()),
                ],
                body: None,
                headers: vec![],
                tests: vec![expect_json(
                    "the answer lists templates",
                    "pm.expect(j.waba_templates).to.be.an('array');",
                )],
                description: "One page of the number's templates, as the library sync reads them."
                    .into(),
            })?,
            request(Req {
                name: "Create template".into(),
                method: "POST",
                path: "/v1/configs/templates",
                fill: None,
                query: vec![],
                body: Some(Body::Json(sample_template())),
                headers: vec![],
                tests: vec![expect_json(
                    "the answer names the new template",
                    "pm.expect(j.name).to.eql('wabadesk_postman_check');",
                )],
                description:
                    "Submits a small utility template for review (deleted by the next request)."
                        .into(),
            })?,
            request(Req {
                name: "Delete template".into(),
                method: "DELETE",
                path: "/v1/configs/templates/{name}",
                fill: Some(SAMPLE_TEMPLATE),
                query: vec![],
                body: None,
                headers: vec![],
                tests: vec![],
                description: "Deletes every language of the template by name.".into(),
            })?,
        ];

        let mut sends = vec![request(Req {
            name: "Send text".into(),
            method: "POST",
            path: "/messages",
            fill: None,
            query: vec![],
            body: Some(Body::Json(json!({
                "messaging_product": "whatsapp", "recipient_type": "individual",
                "to": "{{recipient}}", "type": "text",
                "text": {"body": "Hello from WABA Desk", "preview_url": false},
            }))),
            headers: vec![],
            tests: send_checks(),
            description: "A text message (inside the customer's 24-hour window only).".into(),
        })?];
        let mut skipped = Vec::new();
        let library = self.template_library(number_id, &TemplateFilter::default())?;
        for variant in library.groups.iter().flat_map(|g| &g.variants) {
            if !variant.is_approved() {
                skipped.push(format!(
                    "{} ({}): {}, and Meta sends only approved templates",
                    variant.name,
                    variant.language,
                    variant.status.to_lowercase()
                ));
                continue;
            }
            let fields = form::send_form(variant.shape());
            let saved = self
                .saved_inputs(number_id, &variant.name, &variant.language)?
                .map(|s| form::carry_over(&fields, &s.values))
                .unwrap_or_default();
            let values: BTreeMap<String, String> = fields
                .iter()
                .filter_map(|f| {
                    let v = saved
                        .get(&f.path)
                        .cloned()
                        .unwrap_or_else(|| f.sample.clone());
                    (!v.is_empty()).then(|| (f.path.clone(), v))
                })
                .collect();
            let components = match form::build_components(variant.shape(), &values) {
                Ok(c) => c,
                Err(issues) => {
                    skipped.push(format!(
                        "{} ({}): {}",
                        variant.name,
                        variant.language,
                        crate::templates::library::issues_text(&issues)
                    ));
                    continue;
                }
            };
            let mut template =
                json!({"name": variant.name, "language": {"code": variant.language}});
            if !components.is_empty() {
                template["components"] = Value::from(components);
            }
            sends.push(request(Req {
                name: format!("Send template {} ({})", variant.name, variant.language),
                method: "POST",
                path: "/messages",
                fill: None,
                query: vec![],
                body: Some(Body::Json(json!({
                    "messaging_product": "whatsapp", "recipient_type": "individual",
                    "to": "{{recipient}}", "type": "template", "template": template,
                }))),
                headers: vec![],
                tests: send_checks(),
                description: format!(
                    "{} template, status {} when exported, with the test-send form's current values.",
                    variant.category.to_lowercase(),
                    variant.status.to_lowercase()
                ),
            })?);
        }

        let length = SAMPLE_PNG.len().to_string();
        let media = vec![
            request(Req {
                name: "Upload media".into(),
                method: "POST",
                path: "/media",
                fill: None,
                query: vec![],
                body: Some(Body::Form),
                headers: vec![],
                tests: vec![expect_json(
                    "the answer carries the media id",
                    "pm.expect(j.id).to.be.a('string').and.not.empty; pm.collectionVariables.set('media_id', j.id);",
                )],
                description: format!("Uploads {SAMPLE_FILE} (put the file next to the collection)."),
            })?,
            request(Req {
                name: "Send image by media id".into(),
                method: "POST",
                path: "/messages",
                fill: None,
                query: vec![],
                body: Some(Body::Json(json!({
                    "messaging_product": "whatsapp", "recipient_type": "individual",
                    "to": "{{recipient}}", "type": "image", "image": {"id": "{{media_id}}"},
                }))),
                headers: vec![],
                tests: send_checks(),
                description: "Sends the uploaded image (inside the customer's 24-hour window only).".into(),
            })?,
            request(Req {
                name: "Start resumable upload".into(),
                method: "POST",
                path: "/uploads",
                fill: None,
                query: vec![
                    ("file_name", SAMPLE_FILE.into()),
                    ("file_length", length),
                    ("file_type", "image/png".into()),
                ],
                body: None,
                headers: vec![],
                tests: vec![expect_json(
                    "the answer opens a session",
                    "pm.expect(j.id).to.match(/^upload:/); pm.collectionVariables.set('upload_session', j.id);",
                )],
                description: "Opens a resumable-upload session (template samples, profile photos).".into(),
            })?,
            request(Req {
                name: "Send the file's bytes".into(),
                method: "POST",
                path: "/{session}",
                fill: Some("{{upload_session}}"),
                query: vec![],
                body: Some(Body::File),
                headers: vec![("file_offset", "0")],
                tests: vec![expect_json(
                    "the answer carries the handle",
                    "pm.expect(j.h).to.be.a('string').and.not.empty;",
                )],
                description: "Sends the whole file from offset 0; the answer's handle goes into a template's example.".into(),
            })?,
            request(Req {
                name: "Upload status".into(),
                method: "GET",
                path: "/{session}",
                fill: Some("{{upload_session}}"),
                query: vec![],
                body: None,
                headers: vec![],
                tests: vec![expect_json(
                    "every byte arrived",
                    &format!("pm.expect(Number(j.file_offset)).to.eql({});", SAMPLE_PNG.len()),
                )],
                description: "How many bytes the session holds (where a resume starts).".into(),
            })?,
        ];

        let label = format!("WABA Desk — {} ({})", number.label, number.phone);
        let collection = json!({
            "info": {
                "name": label,
                "description": format!(
                    "Every request WABA Desk makes for {}. Set api_key in the environment (a secret variable). {}",
                    number.phone, crate::contact::OPT_IN_REMINDER
                ),
                "schema": SCHEMA,
            },
            "item": [
                folder("Health and profile", health),
                folder("Webhook", webhook_items),
                folder("Templates", template_items),
                folder("Messages", sends),
                folder("Media and uploads", media),
            ],
            "variable": [
                {"key": "media_id", "value": ""},
                {"key": "upload_session", "value": ""},
            ],
        });
        let environment = json!({
            "name": label,
            "values": [
                {"key": "base_url", "value": number.base_url.trim_end_matches('/'), "type": "default", "enabled": true},
                {"key": "api_key", "value": key.as_deref().unwrap_or(""), "type": "secret", "enabled": true},
                {"key": "recipient", "value": recipient, "type": "default", "enabled": true},
                {"key": "webhook_url", "value": webhook, "type": "default", "enabled": true},
            ],
            "_postman_variable_scope": "environment",
        });
        let stem = file_stem(&number.phone);
        Ok(PostmanExport {
            collection,
            environment,
            key_included: key.is_some(),
            collection_file: format!("{stem}.postman_collection.json"),
            environment_file: format!("{stem}.postman_environment.json"),
            skipped,
        })
    }

    /// Writes the number's collection, environment and the sample file the upload requests send
    /// into `dir`; returns the export (paths under `dir`).
    pub fn write_postman_export(
        &self,
        number_id: i64,
        include_key: bool,
        dir: &std::path::Path,
    ) -> Result<PostmanExport> {
        let export = self.postman_export(number_id, include_key)?;
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.join(name);
            crate::paths::write_atomically(&path, |w| w.write_all(bytes).map_err(Error::io(&path)))
        };
        let pretty = |v: &Value| serde_json::to_vec_pretty(v).unwrap_or_default();
        write(&export.collection_file, &pretty(&export.collection))?;
        write(&export.environment_file, &pretty(&export.environment))?;
        write(SAMPLE_FILE, SAMPLE_PNG)?;
        Ok(export)
    }
}

impl Core {
    /// [`Core::write_postman_export`] into a new folder of the downloads folder
    /// (`wabadesk-postman-<time>`).
    pub fn save_postman_export(&self, number_id: i64, include_key: bool) -> Result<PostmanSaved> {
        let dir = self.export_path("postman", "json")?.with_extension("");
        std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
        let e = self.write_postman_export(number_id, include_key, &dir)?;
        Ok(PostmanSaved {
            dir: dir.display().to_string(),
            collection_file: e.collection_file,
            environment_file: e.environment_file,
            key_included: e.key_included,
            skipped: e.skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_is_one_of_the_clients_paths() {
        assert!(method_of("/messages", "POST").is_ok());
        assert!(method_of("/123456/messages", "POST").is_err());
        let r = request(Req {
            name: "x".into(),
            method: "DELETE",
            path: "/v1/configs/templates/{name}",
            fill: Some("abc"),
            query: vec![],
            body: None,
            headers: vec![],
            tests: vec![],
            description: String::new(),
        })
        .unwrap();
        assert_eq!(
            r["request"]["url"]["raw"],
            "{{base_url}}/v1/configs/templates/abc"
        );
        assert_eq!(r["request"]["header"][0]["value"], "{{api_key}}");
    }

    #[test]
    fn the_sample_is_a_png() {
        assert_eq!(&SAMPLE_PNG[1..4], b"PNG");
        assert_eq!(file_stem("+49 151 234"), "49151234");
    }
}
