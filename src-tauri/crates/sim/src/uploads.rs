//! Uploads, as documented: Meta's Resumable Upload API through 360dialog (`POST /uploads` opens
//! a session, `POST /upload:{session}` with a `file_offset` header sends bytes and answers the
//! file handle `h` once the whole file is in, `GET /upload:{session}` tells the offset reached
//! so an interrupted transfer resumes) and `POST /media` (multipart; answers a media id).
//!
//! Limits are Meta's supported media types and sizes (reference §2.8 and Meta's "supported
//! media types" table); the resumable upload takes the types Meta lists for it (`application/pdf`,
//! `image/jpeg`, `image/jpg`, `image/png`, `video/mp4`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::{errors, Sim};

const MB: u64 = 1024 * 1024;

/// An open resumable-upload session.
#[derive(Debug, Clone)]
pub struct UploadSession {
    /// The number (its index) whose key opened it.
    pub number: usize,
    pub sig: String,
    pub file_name: String,
    pub file_type: String,
    pub file_length: u64,
    pub received: Vec<u8>,
    /// Set once the whole file is in.
    pub handle: Option<String>,
}

/// A file uploaded with `POST /media`.
#[derive(Debug, Clone)]
pub struct MediaFile {
    pub number: usize,
    pub id: String,
    pub mime_type: String,
    pub size: u64,
}

/// Meta's size limit for a media type sent in messages, or `None` for a type it does not take.
pub fn media_limit(mime: &str) -> Option<u64> {
    Some(match mime {
        "image/jpeg" | "image/png" => 5 * MB,
        "image/webp" => 500 * 1024,
        "video/mp4" | "video/3gpp" => 16 * MB,
        "audio/aac" | "audio/amr" | "audio/mpeg" | "audio/mp4" | "audio/ogg" => 16 * MB,
        "text/plain"
        | "application/pdf"
        | "application/vnd.ms-powerpoint"
        | "application/msword"
        | "application/vnd.ms-excel"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => 100 * MB,
        _ => return None,
    })
}

/// The limit for a template sample sent through the resumable upload.
fn sample_limit(mime: &str) -> Option<u64> {
    Some(match mime {
        "image/jpeg" | "image/jpg" | "image/png" => 5 * MB,
        "video/mp4" => 16 * MB,
        "application/pdf" => 100 * MB,
        _ => return None,
    })
}

fn invalid(details: &str) -> Response {
    errors::meta(StatusCode::BAD_REQUEST, 100, "Invalid parameter", details)
}

fn key_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("d360-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[allow(clippy::result_large_err)]
fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<usize, Response> {
    let Some(key) = key_of(headers) else {
        return Err(errors::d360(
            StatusCode::UNAUTHORIZED,
            "Requests sent without an API key will be rejected.",
        ));
    };
    sim.lock()
        .number_by_key(&key)
        .ok_or_else(errors::invalid_key)
}

macro_rules! auth {
    ($sim:expr, $headers:expr) => {
        match authenticate(&$sim, &$headers) {
            Ok(i) => i,
            Err(resp) => return resp,
        }
    };
}

/// `POST /uploads?file_name=&file_length=&file_type=` → `{"id": "upload:…"}`.
pub async fn start(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let number = auth!(sim, headers);
    let Some(file_type) = q.get("file_type").filter(|t| !t.is_empty()) else {
        return invalid("The parameter file_type is required.");
    };
    let Some(file_length) = q.get("file_length") else {
        return invalid("The parameter file_length is required.");
    };
    let Ok(file_length) = file_length.trim().parse::<u64>() else {
        return invalid("file_length must be a whole number of bytes.");
    };
    let Some(limit) = sample_limit(file_type) else {
        return invalid(&format!(
            "file_type {file_type} is not supported; use application/pdf, image/jpeg, image/jpg, image/png or video/mp4."
        ));
    };
    if file_length == 0 || file_length > limit {
        return invalid(&format!(
            "file_length {file_length} is outside the limit for {file_type} (1 to {limit} bytes)."
        ));
    }
    let mut inner = sim.lock();
    let id = inner.new_key();
    let sig = inner.new_key();
    inner.uploads.insert(
        id.clone(),
        UploadSession {
            number,
            sig: sig.clone(),
            file_name: q.get("file_name").cloned().unwrap_or_default(),
            file_type: file_type.clone(),
            file_length,
            received: Vec::new(),
            handle: None,
        },
    );
    Json(json!({"id": format!("upload:{id}?sig={sig}")})).into_response()
}

/// The session a path segment `upload:{id}` and its `sig` name, for the number of the key.
fn session_id(segment: &str) -> Option<&str> {
    segment.strip_prefix("upload:").filter(|s| !s.is_empty())
}

#[allow(clippy::result_large_err)]
fn find(
    sim: &Sim,
    number: usize,
    segment: &str,
    q: &HashMap<String, String>,
) -> Result<String, Response> {
    let not_found = || {
        errors::meta(
            StatusCode::BAD_REQUEST,
            100,
            "Invalid parameter",
            "The upload session does not exist or has expired.",
        )
    };
    let id = session_id(segment).ok_or_else(not_found)?;
    let inner = sim.lock();
    let s = inner.uploads.get(id).ok_or_else(not_found)?;
    if s.number != number || q.get("sig") != Some(&s.sig) {
        return Err(not_found());
    }
    Ok(id.to_string())
}

/// `GET /upload:{session}` → `{"id": "upload:…", "file_offset": N}`.
pub async fn status(
    sim: Arc<Sim>,
    headers: HeaderMap,
    segment: String,
    q: HashMap<String, String>,
) -> Response {
    let number = auth!(sim, headers);
    let id = match find(&sim, number, &segment, &q) {
        Ok(id) => id,
        Err(resp) => return resp,
    };
    let inner = sim.lock();
    let s = &inner.uploads[&id];
    Json(json!({
        "id": format!("upload:{id}"),
        "file_offset": s.received.len() as u64,
    }))
    .into_response()
}

/// `POST /upload:{session}` with `file_offset` and bytes → `{"h": "4::…"}` once complete; a
/// transfer that ends short of the file's length answers where the session stands.
pub async fn transfer(
    sim: Arc<Sim>,
    headers: HeaderMap,
    segment: String,
    q: HashMap<String, String>,
    body: Bytes,
) -> Response {
    let number = auth!(sim, headers);
    let id = match find(&sim, number, &segment, &q) {
        Ok(id) => id,
        Err(resp) => return resp,
    };
    let Some(offset) = headers
        .get("file_offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return invalid("The header file_offset is required (the byte the data starts at).");
    };
    let mut inner = sim.lock();
    let s = inner.uploads.get_mut(&id).expect("found above");
    if let Some(h) = &s.handle {
        return Json(json!({"h": h})).into_response();
    }
    let have = s.received.len() as u64;
    if offset != have {
        return invalid(&format!(
            "file_offset {offset} does not match the {have} bytes this session holds; resume from {have}."
        ));
    }
    if have + body.len() as u64 > s.file_length {
        return invalid(&format!(
            "The data runs past file_length ({} bytes).",
            s.file_length
        ));
    }
    s.received.extend_from_slice(&body);
    if (s.received.len() as u64) < s.file_length {
        return Json(json!({
            "id": format!("upload:{id}"),
            "file_offset": s.received.len() as u64,
        }))
        .into_response();
    }
    let mime_tag = s.file_type.replace('/', "_");
    let (file_name, file_length) = (s.file_name.clone(), s.file_length);
    let handle = format!("4::{mime_tag}:{}", inner.new_key());
    inner.uploads.get_mut(&id).expect("found above").handle = Some(handle.clone());
    tracing::debug!(file = %file_name, bytes = file_length, "upload complete");
    Json(json!({"h": handle})).into_response()
}

/// One path segment at the top level: `GET|POST /upload:{session}`; anything else is unknown.
pub async fn segment_get(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Path(segment): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if segment.starts_with("upload:") {
        return status(sim, headers, segment, q).await;
    }
    let number = auth!(sim, headers);
    let inner = sim.lock();
    match inner
        .media
        .iter()
        .find(|m| m.id == segment && m.number == number)
    {
        Some(m) => Json(json!({
            "messaging_product": "whatsapp",
            "id": m.id,
            "mime_type": m.mime_type,
            "file_size": m.size,
            "url": format!("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid={}", m.id),
        }))
        .into_response(),
        None => errors::meta(
            StatusCode::NOT_FOUND,
            100,
            "Invalid parameter",
            "Unsupported get request: the media id does not exist.",
        ),
    }
}

pub async fn segment_post(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Path(segment): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    if segment.starts_with("upload:") {
        return transfer(sim, headers, segment, q, body).await;
    }
    errors::meta(
        StatusCode::NOT_FOUND,
        100,
        "Invalid parameter",
        "Unknown path.",
    )
}

/// A media message (`image`, `video`, `audio`, `document`, `sticker`) names its file by `id`
/// (one this number uploaded) or `link`; a caption only on image, video and document (≤ 1024).
pub fn check_media_message(
    sim: &Sim,
    number: usize,
    msg_type: &str,
    body: &serde_json::Value,
) -> Option<Response> {
    if !["image", "video", "audio", "document", "sticker"].contains(&msg_type) {
        return None;
    }
    let media = body.get(msg_type);
    let id = media.and_then(|m| m.get("id")).and_then(|v| v.as_str());
    let link = media.and_then(|m| m.get("link")).and_then(|v| v.as_str());
    match (id, link) {
        (Some(id), None) => {
            let known = sim
                .lock()
                .media
                .iter()
                .any(|m| m.id == id && m.number == number);
            if !known {
                return Some(errors::meta(
                    StatusCode::BAD_REQUEST,
                    131053,
                    "Media upload error",
                    &format!("The media id {id} was not uploaded by this number."),
                ));
            }
        }
        (None, Some(link)) if link.starts_with("https://") || link.starts_with("http://") => {}
        _ => {
            return Some(invalid(&format!(
            "{msg_type} needs exactly one of id (an uploaded media id) or link (an http(s) URL)."
        )))
        }
    }
    if let Some(caption) = media
        .and_then(|m| m.get("caption"))
        .and_then(|v| v.as_str())
    {
        if matches!(msg_type, "audio" | "sticker") {
            return Some(invalid(&format!("{msg_type} messages take no caption.")));
        }
        if caption.chars().count() > 1024 {
            return Some(invalid("caption is limited to 1024 characters."));
        }
    }
    None
}

/// `POST /media` (multipart: `messaging_product=whatsapp`, `file` with its type) → `{"id"}`.
pub async fn upload_media(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let number = auth!(sim, headers);
    let mut product = None;
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("messaging_product") => product = field.text().await.ok(),
            Some("file") => {
                let Some(mime) = field.content_type().map(str::to_string) else {
                    return invalid("file needs a content type");
                };
                let len = field.bytes().await.ok().map(|b| b.len() as u64);
                file = Some((mime, len));
            }
            _ => {}
        }
    }
    if product.as_deref() != Some("whatsapp") {
        return invalid("messaging_product must be \"whatsapp\"");
    }
    let Some((mime, Some(size))) = file else {
        return invalid("file is required (at most 100 MB)");
    };
    let Some(limit) = media_limit(&mime) else {
        return invalid(&format!(
            "Param file must be a file with one of the supported media types; {mime} is not one."
        ));
    };
    if size == 0 || size > limit {
        return errors::meta(
            StatusCode::BAD_REQUEST,
            131053,
            "Media upload error",
            &format!("The {mime} file is {size} bytes; the limit is {limit} bytes."),
        );
    }
    let mut inner = sim.lock();
    let id = inner.new_numeric_id(16);
    inner.media.push(MediaFile {
        number,
        id: id.clone(),
        mime_type: mime,
        size,
    });
    Json(json!({"id": id})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_metas_table() {
        assert_eq!(media_limit("image/jpeg"), Some(5 * MB));
        assert_eq!(media_limit("video/3gpp"), Some(16 * MB));
        assert_eq!(media_limit("application/pdf"), Some(100 * MB));
        assert_eq!(media_limit("image/gif"), None);
        assert_eq!(sample_limit("image/jpg"), Some(5 * MB));
        assert_eq!(sample_limit("audio/ogg"), None);
    }
}
