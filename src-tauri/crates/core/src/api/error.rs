//! 360dialog / Meta errors: parsed leniently from every documented body shape (reference §5.1)
//! and explained in plain words for the codes admins actually hit (§5.2).

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ApiErrorKind {
    /// The API key was rejected: wrong, or superseded by a newer key.
    Unauthorized,
    /// Too many requests (HTTP 429, or a Meta throughput / pair-rate code).
    RateLimited,
    /// Any other answer from 360dialog or Meta.
    Upstream,
    /// No answer: connection refused, DNS, TLS, or a timeout before anything was sent.
    Network,
    /// A message send whose answer never arrived: it may or may not have been sent.
    OutcomeUnknown,
}

/// An error from the API or the way to it. Never contains the API key.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub http_status: Option<u16>,
    /// Meta's error code (e.g. 131047), when the answer had one.
    #[ts(type = "number | null")]
    pub code: Option<i64>,
    #[ts(type = "number | null")]
    pub subcode: Option<i64>,
    /// Meta's or 360dialog's own message, verbatim.
    pub message: Option<String>,
    /// `error_data.details` (or 360dialog's `details`), verbatim.
    pub details: Option<String>,
    /// Meta's trace id, for support requests.
    pub fbtrace_id: Option<String>,
    /// What it means and what to do, in plain words.
    pub explanation: Option<String>,
    #[ts(type = "number | null")]
    pub retry_after_secs: Option<u64>,
    /// The library's or the API's own text, verbatim, for a "details" disclosure.
    pub raw: Option<String>,
}

/// Plain-words meaning of the codes admins actually meet.
pub fn explain(code: i64) -> Option<&'static str> {
    Some(match code {
        0 | 190 => "Authentication with Meta failed behind 360dialog. Check the number's API key; if it is current, contact 360dialog support.",
        4 | 80007 => "The app or WhatsApp Business Account hit Meta's request rate limit. Wait a moment and try again.",
        3 => "The API method is not available to this app or account (capability or permission missing). Contact 360dialog support.",
        10 | 200..=299 => "Permission denied: the app lacks a permission for this number or account. Contact 360dialog support.",
        100 => "Meta rejected a parameter of the request (unsupported, misspelled or wrongly formatted). Check the details, fix the input, and do not simply retry.",
        368 => "The account is temporarily blocked for policy violations. Stop sending and review the account's status in WhatsApp Manager.",
        130429 => "The number's message throughput was reached. Sending will work again shortly; slow down bulk sends.",
        130472 => "The recipient's number is part of a Meta experiment that holds back marketing messages. Do not retry.",
        131000 => "Something went wrong at Meta. Try again later.",
        131005 => "Access was denied. The number or account may lack a permission; contact 360dialog support.",
        131008 => "A required parameter is missing from the request.",
        131009 => "A parameter value is not valid (for example an unknown message id when marking as read).",
        131016 => "A WhatsApp service is temporarily unavailable. Try again later.",
        131021 => "The recipient is the sending number itself. Send to another number.",
        131026 => "The message could not be delivered: the recipient may not use WhatsApp, may use an outdated app, may not have accepted the latest terms, or Meta held it back to keep quality high. Do not retry right away.",
        131031 => "The business account is locked. Check the number's health status and contact support.",
        131042 => "There is a payment problem with the business account. Check billing with 360dialog.",
        131045 => "The phone number's registration certificate is incorrect. Contact 360dialog support.",
        131047 => "The customer has not written in the last 24 hours (or never has), so only an approved template can be sent until they write.",
        131048 => "Meta limited sending because too many recipients marked recent messages as spam. Improve message quality and slow down.",
        131049 => "Meta did not deliver this marketing message to keep the recipient's experience healthy (per-user marketing limit). Do not retry immediately.",
        131051 => "This message type is not supported.",
        131052 => "The user's media could not be downloaded.",
        131053 => "The media could not be uploaded or used. Check the file type and size.",
        131056 => "Too many messages to the same recipient in a short time. Wait before sending to this person again.",
        131057 => "The account is in maintenance (for example a throughput upgrade). Try again in a few minutes.",
        132000 => "The number of values sent does not match the template's placeholders. Fill in every variable of the header, body and buttons.",
        132001 => "No approved template with this name exists in this language. Check the name, the exact language code, and that review has finished.",
        132005 => "With the values filled in, the template text is too long. Shorten the values.",
        132007 => "The template content breaks WhatsApp's formatting or character policy.",
        132012 => "A value has the wrong format for its placeholder (for example positional vs named parameters, or text where currency is expected).",
        132015 => "The template is paused because of low quality. Edit it or use another template.",
        132016 => "The template was paused too often and is now disabled. Create a new template.",
        132068 => "The Flow in this message is blocked. Fix or replace the Flow in WhatsApp Manager.",
        132069 => "The Flow in this message is throttled: too many messages with it were sent. Try again later.",
        133004 => "The WhatsApp server is temporarily unavailable. Try again in a few minutes.",
        133010 => "The phone number is not registered on the WhatsApp Business Platform yet.",
        139100 => "Some users could not be blocked or unblocked; each one's reason is listed with it.",
        139101 => "The number's block list is full (64,000 users). Unblock someone before blocking more.",
        139102 => "The block list changed while it was being read. Read it again.",
        139103 => "Meta had an internal error with the block list. Try again.",
        135000 => "Meta refused the request for an unspecified reason in the request itself. Check every field of the request against the template and the details.",
        _ => return None,
    })
}

/// Plain-words meaning of a special case Meta reports under a generic code, found by its
/// subcode or title (2388024: a template already has content in that language).
fn explain_special(subcode: Option<i64>, message: Option<&str>) -> Option<&'static str> {
    let message = message.unwrap_or("").to_ascii_lowercase();
    if subcode == Some(2388024)
        || (message.contains("already exists") && message.contains("language"))
    {
        return Some("This template already has content in this language. Choose another language, or edit or delete the existing one.");
    }
    None
}

/// Plain-words meaning of a template's `rejected_reason` (Meta's review result).
pub fn explain_rejection(reason: &str) -> Option<&'static str> {
    Some(match reason.trim().to_ascii_uppercase().as_str() {
        "CATEGORY_NOT_AVAILABLE" => "Rejected because the category chosen is not available for this account or this content. Pick another category.",
        "INVALID_FORMAT" => "Rejected for its format: for example variables next to each other or at the very start or end, wrong placeholder numbering, or unsupported characters. Fix the text and submit it again.",
        "TAG_CONTENT_MISMATCH" => "Rejected because the content does not match the category or language chosen (for example marketing content in a utility template). Pick the right category or change the text.",
        "PROMOTIONAL" => "Rejected as promotional for the category chosen. Submit it as a marketing template, or remove the promotional content.",
        "ABUSIVE_CONTENT" => "Rejected for content that breaks WhatsApp's Business or Commerce Policy. Rewrite it within the policies.",
        "SCAM" => "Rejected as possibly deceptive or a scam. Rewrite it so its purpose and sender are clear.",
        "INCORRECT_CATEGORY" => "Rejected because its category does not fit its content. Choose the category that matches, or allow category change.",
        "NONE" | "" => return None,
        _ => return None,
    })
}

/// Meta's rejection reasons (`rejected_reason`), each explained by [`explain_rejection`].
pub const REJECTION_REASONS: [&str; 7] = [
    "INVALID_FORMAT",
    "TAG_CONTENT_MISMATCH",
    "PROMOTIONAL",
    "ABUSIVE_CONTENT",
    "SCAM",
    "INCORRECT_CATEGORY",
    "CATEGORY_NOT_AVAILABLE",
];

/// The builder field a rejection reason is about (`category` or `body`), where "Edit and
/// resubmit" shows it.
pub fn rejection_field(reason: &str) -> Option<&'static str> {
    Some(match reason.trim().to_ascii_uppercase().as_str() {
        "TAG_CONTENT_MISMATCH"
        | "PROMOTIONAL"
        | "INCORRECT_CATEGORY"
        | "CATEGORY_NOT_AVAILABLE" => "category",
        "INVALID_FORMAT" | "ABUSIVE_CONTENT" | "SCAM" => "body",
        _ => return None,
    })
}

fn kind_for(status: Option<u16>, code: Option<i64>, message: Option<&str>) -> ApiErrorKind {
    let invalid_key = message.is_some_and(|m| m.to_ascii_lowercase().contains("invalid api_key"));
    if status == Some(401) || invalid_key || matches!(code, Some(0 | 190)) {
        ApiErrorKind::Unauthorized
    } else if status == Some(429) || matches!(code, Some(4 | 80007 | 130429 | 131048 | 131056)) {
        ApiErrorKind::RateLimited
    } else {
        ApiErrorKind::Upstream
    }
}

fn as_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Array(a) if !a.is_empty() => Some(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    }
}

impl ApiError {
    /// Builds the error from a non-success HTTP answer, whatever shape its body has:
    /// Meta's `error` object, 360dialog's `error` string, `meta.developer_message` /
    /// `developerMessage`, a bare `message`, or plain text.
    pub fn from_response(status: u16, body: &[u8], retry_after_secs: Option<u64>) -> Self {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let (mut code, mut subcode, mut message, mut details, mut fbtrace_id) =
            (None, None, None, None, None);
        if let Some(v) = &json {
            match v.get("error") {
                Some(Value::Object(e)) => {
                    code = e.get("code").and_then(Value::as_i64);
                    subcode = e.get("error_subcode").and_then(Value::as_i64);
                    message =
                        as_text(e.get("error_user_title")).or_else(|| as_text(e.get("message")));
                    details = as_text(e.get("error_data").and_then(|d| d.get("details")))
                        .or_else(|| as_text(e.get("error_user_msg")));
                    fbtrace_id = as_text(e.get("fbtrace_id"));
                }
                Some(Value::String(s)) => message = Some(s.clone()),
                _ => {}
            }
            if message.is_none() {
                if let Some(meta) = v.get("meta") {
                    message = as_text(meta.get("developer_message"))
                        .or_else(|| as_text(meta.get("developerMessage")));
                    details = as_text(meta.get("details"));
                }
            }
            if message.is_none() {
                message = as_text(v.get("message"));
            }
        } else if !body.is_empty() {
            let text = String::from_utf8_lossy(body);
            let text: String = text.trim().chars().take(300).collect();
            if !text.is_empty() {
                message = Some(text);
            }
        }
        let kind = kind_for(Some(status), code, message.as_deref());
        let raw = (!body.is_empty()).then(|| {
            let text = String::from_utf8_lossy(body);
            text.trim().chars().take(2000).collect::<String>()
        });
        let explanation = explain_special(subcode, message.as_deref())
            .or_else(|| code.and_then(explain))
            .map(str::to_string)
            .or_else(|| match kind {
            ApiErrorKind::Unauthorized => Some(
                "360dialog rejected the API key. It is wrong, or a newer key was generated for this number in the 360dialog Hub (only the newest key is valid): paste the new key.".to_string(),
            ),
            ApiErrorKind::RateLimited => Some("360dialog asked to slow down. Try again in a moment.".to_string()),
            _ if status >= 500 => Some("360dialog or Meta had a temporary problem. Try again later.".to_string()),
            _ if status == 403 => Some("This endpoint is not enabled for this API key.".to_string()),
            _ => None,
        });
        Self {
            kind,
            http_status: Some(status),
            code,
            subcode,
            message,
            details,
            fbtrace_id,
            explanation,
            retry_after_secs,
            raw,
        }
    }

    /// A success status whose body is not what the API documents.
    pub fn unexpected(message: impl Into<String>) -> Self {
        Self::without_answer(ApiErrorKind::Upstream, message.into(), None)
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::without_answer(ApiErrorKind::Network, message.into(), None)
    }

    pub fn outcome_unknown(message: impl Into<String>) -> Self {
        Self::without_answer(
            ApiErrorKind::OutcomeUnknown,
            message.into(),
            Some("The message may or may not have been sent. It is in History as \"outcome unknown\" with its content; its statuses appear there if it went out. Check its status there before sending again.".to_string()),
        )
    }

    fn without_answer(kind: ApiErrorKind, message: String, explanation: Option<String>) -> Self {
        Self {
            kind,
            http_status: None,
            code: None,
            subcode: None,
            message: Some(message),
            details: None,
            fbtrace_id: None,
            explanation,
            retry_after_secs: None,
            raw: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = match (self.http_status, self.code) {
            (Some(s), Some(c)) => format!("360dialog answered HTTP {s}, error {c}"),
            (Some(s), None) => format!("360dialog answered HTTP {s}"),
            (None, _) if self.kind == ApiErrorKind::OutcomeUnknown => {
                "no answer to the send; outcome unknown".to_string()
            }
            (None, _) => "network problem".to_string(),
        };
        if let Some(m) = &self.message {
            out.push_str(": ");
            out.push_str(m);
        }
        if let Some(d) = &self.details {
            let d = d.trim_end_matches('.');
            if !d.is_empty() && self.message.as_deref().is_none_or(|m| !m.contains(d)) {
                out.push_str(&format!(" ({d})"));
            }
        }
        if let Some(e) = &self.explanation {
            // One full stop between Meta's text and ours, whatever Meta's text ends with.
            let trimmed = out.trim_end_matches(['.', ' ']).len();
            out.truncate(trimmed);
            out.push_str(". ");
            out.push_str(e);
        }
        if let Some(t) = &self.fbtrace_id {
            out.push_str(&format!(" [fbtrace_id {t}]"));
        }
        f.write_str(&out)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::meta_131047(400, r#"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,"error_data":{"messaging_product":"whatsapp","details":"more than 24 hours"},"fbtrace_id":"Ab"}}"#,
        ApiErrorKind::Upstream, Some(131047), Some("(#131047) Re-engagement message"), Some("more than 24 hours"))]
    #[case::meta_rate(400, r#"{"error":{"message":"(#130429) Rate limit hit","code":130429,"error_subcode":2494055,"error_data":{"details":"throughput"}}}"#,
        ApiErrorKind::RateLimited, Some(130429), Some("(#130429) Rate limit hit"), Some("throughput"))]
    #[case::d360_camel(401, r#"{"meta":{"httpCode":404,"developerMessage":"Invalid api_key or token expired","success":false}}"#,
        ApiErrorKind::Unauthorized, None, Some("Invalid api_key or token expired"), None)]
    #[case::d360_snake(400, r#"{"meta":{"success":false,"http_code":400,"developer_message":"Bad url","details":["no underscores","no port"]}}"#,
        ApiErrorKind::Upstream, None, Some("Bad url"), Some("no underscores; no port"))]
    #[case::d360_string(
        401,
        r#"{"error":"Invalid or missing D360-API-KEY"}"#,
        ApiErrorKind::Unauthorized,
        None,
        Some("Invalid or missing D360-API-KEY"),
        None
    )]
    #[case::conflict(
        409,
        r#"{"message":"Destination name exists"}"#,
        ApiErrorKind::Upstream,
        None,
        Some("Destination name exists"),
        None
    )]
    #[case::plain_text(
        502,
        "Bad Gateway",
        ApiErrorKind::Upstream,
        None,
        Some("Bad Gateway"),
        None
    )]
    #[case::too_many(429, "", ApiErrorKind::RateLimited, None, None, None)]
    #[case::invalid_key_as_404(404, r#"{"meta":{"httpCode":404,"developerMessage":"Invalid api_key or token expired","success":false}}"#,
        ApiErrorKind::Unauthorized, None, Some("Invalid api_key or token expired"), None)]
    fn parses_every_documented_shape(
        #[case] status: u16,
        #[case] body: &str,
        #[case] kind: ApiErrorKind,
        #[case] code: Option<i64>,
        #[case] message: Option<&str>,
        #[case] details: Option<&str>,
    ) {
        let e = ApiError::from_response(status, body.as_bytes(), None);
        assert_eq!(e.kind, kind);
        assert_eq!(e.code, code);
        assert_eq!(e.message.as_deref(), message);
        assert_eq!(e.details.as_deref(), details);
    }

    #[test]
    fn known_codes_are_explained_and_unknown_ones_keep_metas_text() {
        for code in [
            100, 368, 130429, 131026, 131047, 131051, 131056, 132000, 132001, 132005, 132007,
            132012,
        ] {
            assert!(explain(code).is_some(), "{code}");
        }
        let e = ApiError::from_response(
            400,
            br#"{"error":{"message":"(#999999) Something new","code":999999}}"#,
            None,
        );
        assert!(e.explanation.is_none());
        assert_eq!(
            e.to_string(),
            "360dialog answered HTTP 400, error 999999: (#999999) Something new"
        );
        let e = ApiError::from_response(400, br#"{"error":{"message":"(#131047) Re-engagement message","code":131047,"fbtrace_id":"X1"}}"#, None);
        let text = e.to_string();
        assert!(text.contains("only an approved template"), "{text}");
        assert!(text.contains("fbtrace_id X1"), "{text}");
    }

    /// Every code the reference (§5.2) lists has a plain-words explanation.
    #[rstest]
    fn every_listed_meta_code_is_explained(
        #[values(
            0, 3, 4, 10, 100, 190, 200, 250, 299, 368, 80007, 130429, 130472, 131000, 131005,
            131008, 131009, 131016, 131021, 131026, 131031, 131042, 131045, 131047, 131048, 131049,
            131051, 131052, 131053, 131056, 131057, 132000, 132001, 132005, 132007, 132012, 132015,
            132016, 132068, 132069, 133004, 133010, 135000
        )]
        code: i64,
    ) {
        assert!(explain(code).is_some_and(|e| e.len() > 20), "{code}");
    }

    #[rstest]
    #[case::invalid_format("INVALID_FORMAT", "format")]
    #[case::lower_case("invalid_format", "format")]
    #[case::tag_mismatch("TAG_CONTENT_MISMATCH", "category")]
    #[case::promotional("PROMOTIONAL", "marketing")]
    #[case::abusive("ABUSIVE_CONTENT", "policy")]
    #[case::scam("SCAM", "scam")]
    #[case::incorrect_category("INCORRECT_CATEGORY", "category")]
    fn template_rejection_reasons_are_explained(#[case] reason: &str, #[case] word: &str) {
        let e = explain_rejection(reason).unwrap();
        assert!(e.to_lowercase().contains(word), "{reason}: {e}");
        assert!(!e.contains(reason), "not the bare reason: {e}");
    }

    #[test]
    fn no_reason_is_no_explanation() {
        assert_eq!(explain_rejection("NONE"), None);
    }

    #[rstest]
    #[case::undeliverable(
        br#"{"error":{"message":"(#131026) Message Undeliverable.","code":131026}}"#.as_slice(),
        "360dialog answered HTTP 400, error 131026: (#131026) Message Undeliverable. The message could not be delivered"
    )]
    #[case::details_with_stop(
        br#"{"error":{"message":"(#131047) Re-engagement message","code":131047,"error_data":{"details":"More than 24 hours have passed."}}}"#.as_slice(),
        "(#131047) Re-engagement message (More than 24 hours have passed). The customer has not written in the last 24 hours"
    )]
    #[case::duplicate_language(
        br#"{"error":{"message":"Invalid parameter","code":100,"error_subcode":2388024,"error_user_title":"Content in this language already exists","error_user_msg":"The template already has content in en_US."}}"#.as_slice(),
        "Content in this language already exists (The template already has content in en_US). This template already has content in this language"
    )]
    fn meta_text_and_explanation_read_as_one_sentence_each(
        #[case] body: &[u8],
        #[case] expected: &str,
    ) {
        let e = ApiError::from_response(400, body, None);
        let text = e.to_string();
        assert!(
            text.starts_with(expected) || text.contains(expected),
            "{text}"
        );
        assert!(!text.contains(".."), "no doubled full stop: {text}");
        assert!(!text.contains("parameter of the request"), "{text}");
        assert!(
            e.raw.as_deref().is_some_and(|r| r.contains("\"code\"")),
            "raw body kept"
        );
    }
}
