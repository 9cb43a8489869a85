//! Property-based fuzzing of the parsers that take outside input: webhook events (through the
//! inbox's import path), the template linter and draft checks, the webhook URL checker and the
//! phone number parser. Nothing may panic; accepted values keep their invariants.
//!
//! A short run is part of the test suite; a long one:
//! `PROPTEST_CASES=1000000 cargo test --release -p wabadesk-core --test fuzz`.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use wabadesk_core::numbers::normalize_phone;
use wabadesk_core::templates::draft::TemplateDraft;
use wabadesk_core::templates::lint;
use wabadesk_core::webhook::check_url;
use wabadesk_core::{Core, ErrorCode};

/// Any JSON value, up to a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        Just(Value::from("{{1}}")),
        Just(Value::from("BODY")),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,12}",
                    Just("type".to_string()),
                    Just("text".to_string()),
                    Just("format".to_string()),
                    Just("buttons".to_string()),
                    Just("example".to_string()),
                    Just("url".to_string()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Text with the characters that matter to the parsers: braces, markers, unicode, controls.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just("{{1}}".to_string()),
            Just("{{first_name}}".to_string()),
            "[a-zA-Z0-9 _*~]{0,6}",
            "\\PC{0,3}",
            Just("\n".to_string()),
        ],
        0..20,
    )
    .prop_map(|parts| parts.concat())
}

/// A template-create body close to Meta's shape, with random parts.
fn template_body() -> impl Strategy<Value = Value> {
    let component = prop_oneof![
        (tricky_text(), any_json()).prop_map(|(t, e)| json!({"type": "BODY", "text": t, "example": e})),
        (prop_oneof![Just("TEXT"), Just("IMAGE"), Just("LOCATION"), Just("X")], tricky_text(), any_json())
            .prop_map(|(f, t, e)| json!({"type": "HEADER", "format": f, "text": t, "example": e})),
        tricky_text().prop_map(|t| json!({"type": "FOOTER", "text": t})),
        prop::collection::vec(
            (
                prop_oneof![Just("QUICK_REPLY"), Just("URL"), Just("PHONE_NUMBER"), Just("COPY_CODE"), Just("OTP"), Just("?")],
                tricky_text(),
                tricky_text(),
                any_json()
            )
                .prop_map(|(k, t, u, e)| json!({"type": k, "text": t, "url": u, "phone_number": t, "example": e})),
            0..12
        )
        .prop_map(|b| json!({"type": "BUTTONS", "buttons": b})),
        any_json(),
    ];
    (
        tricky_text(),
        prop_oneof![Just("UTILITY".to_string()), Just("MARKETING".to_string()), Just("AUTHENTICATION".to_string()), ".{0,8}"],
        prop_oneof![Just("en_US".to_string()), ".{0,6}"],
        prop::bool::ANY,
        prop::collection::vec(component, 0..6),
    )
        .prop_map(|(name, category, language, named, components)| {
            let mut v = json!({"name": name, "category": category, "language": language, "components": components});
            if named {
                v["parameter_format"] = json!("named");
            }
            v
        })
}

/// A webhook body shaped like Meta's, with random statuses and messages.
fn webhook_body() -> impl Strategy<Value = Value> {
    let status = (
        prop_oneof![Just("sent".to_string()), Just("delivered".to_string()), Just("read".to_string()), Just("failed".to_string()), ".{0,8}"],
        ".{0,20}",
        any_json(),
    )
        .prop_map(|(s, id, extra)| json!({"id": format!("wamid.{id}"), "status": s, "timestamp": "1700000000", "recipient_id": "4915", "errors": extra}));
    let message = (".{0,10}", any_json(), tricky_text())
        .prop_map(|(id, extra, text)| json!({"id": id, "from": "4915", "timestamp": extra, "type": "text", "text": {"body": text}}));
    (
        prop::collection::vec(status, 0..4),
        prop::collection::vec(message, 0..3),
        any_json(),
        prop::option::of(".{0,12}"),
    )
        .prop_map(|(statuses, messages, metadata, object)| {
            let mut v = json!({"entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": metadata, "statuses": statuses, "messages": messages}}]}]});
            if let Some(o) = object {
                v["object"] = json!(o);
            }
            v
        })
}

proptest! {
    #[test]
    fn lint_never_panics_and_reports_known_fields(v in prop_oneof![template_body(), any_json()]) {
        for issue in lint(&v) {
            prop_assert!(issue.path == "name" || issue.path == "category" || issue.path == "language"
                || issue.path.starts_with("components"), "{}", issue.path);
            prop_assert!(!issue.message.is_empty());
        }
    }

    #[test]
    fn draft_round_trip_never_panics(v in template_body()) {
        let draft = TemplateDraft::from_body(&v);
        let check = draft.check();
        // What the draft builds reads back as the same draft.
        prop_assert_eq!(TemplateDraft::from_body(&check.body).to_body(), check.body);
    }

    #[test]
    fn url_checker_accepts_only_what_360dialog_accepts(s in prop_oneof![
        ".{0,80}",
        "https://[a-z0-9_.:-]{0,30}(/[a-z0-9_%?=&.-]{0,20})?",
        "(http|https|ftp)://[\\PC]{0,30}",
    ]) {
        if let Ok(url) = check_url(&s) {
            let parsed = url::Url::parse(&url).unwrap();
            prop_assert_eq!(parsed.scheme(), "https");
            let host = parsed.host_str().unwrap_or_default();
            prop_assert!(!host.is_empty() && !host.contains('_'), "{}", url);
            prop_assert!(parsed.port().is_none(), "{}", url);
            prop_assert_eq!(check_url(&url).ok(), Some(url.clone()), "accepted URLs are stable");
        }
    }

    #[test]
    fn phone_parser_yields_e164_or_a_reason(s in prop_oneof![".{0,30}", "\\+?[0-9 ()./-]{0,25}", "00[0-9]{0,18}"]) {
        match normalize_phone(&s) {
            Ok(p) => {
                prop_assert!(p.starts_with('+'));
                let digits = &p[1..];
                prop_assert!(digits.chars().all(|c| c.is_ascii_digit()) && (7..=15).contains(&digits.len()), "{}", p);
                prop_assert_eq!(normalize_phone(&p).ok(), Some(p.clone()), "normalising is idempotent");
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn webhook_events_are_stored_and_classified_never_panic(
        bodies in prop::collection::vec(prop_oneof![
            webhook_body().prop_map(|v| v.to_string()),
            any_json().prop_map(|v| v.to_string()),
            ".{0,60}",
        ], 1..4)
    ) {
        let core = Core::in_memory();
        for body in &bodies {
            // Each body is stored and classified, or refused as input (not JSON objects).
            if let Err(e) = core.import_events(body) {
                prop_assert_eq!(e.code(), ErrorCode::Validation, "{}", e);
            }
        }
    }
}
