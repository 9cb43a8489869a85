//! Error bodies in the shapes 360dialog returns (reference §5.1).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A Meta Graph error passed through by 360dialog:
/// `{"error":{"message":"(#code) title","type":"OAuthException","code":…,"error_data":{…},"fbtrace_id":…}}`.
pub fn meta(status: StatusCode, code: i64, title: &str, details: &str) -> Response {
    let body = json!({
        "error": {
            "message": format!("(#{code}) {title}"),
            "type": "OAuthException",
            "code": code,
            "error_data": { "messaging_product": "whatsapp", "details": details },
            "fbtrace_id": fbtrace_id(),
        }
    });
    (status, Json(body)).into_response()
}

/// A template-creation rejection as Meta words it (code 100, invalid parameter), with the
/// user-facing title and text.
pub fn template_invalid(subcode: Option<i64>, title: &str, user_msg: &str) -> Response {
    let mut error = json!({
        "message": "Invalid parameter",
        "type": "OAuthException",
        "code": 100,
        "is_transient": false,
        "error_user_title": title,
        "error_user_msg": user_msg,
        "error_data": { "messaging_product": "whatsapp", "details": user_msg },
        "fbtrace_id": fbtrace_id(),
    });
    if let Some(sub) = subcode {
        error["error_subcode"] = Value::from(sub);
    }
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

/// 360dialog's own gateway error: `{"meta":{"success":false,"http_code":…,"developer_message":…}}`.
pub fn d360(status: StatusCode, developer_message: &str) -> Response {
    let body = json!({
        "meta": {
            "success": false,
            "http_code": status.as_u16(),
            "developer_message": developer_message,
        }
    });
    (status, Json(body)).into_response()
}

/// The invalid/retired key answer, verbatim from 360dialog's docs (its payload says 404
/// although the HTTP status is 401).
pub fn invalid_key() -> Response {
    let body = json!({
        "meta": {
            "httpCode": 404,
            "developerMessage": "Invalid api_key or token expired",
            "success": false,
        }
    });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

fn fbtrace_id() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 23)
}
