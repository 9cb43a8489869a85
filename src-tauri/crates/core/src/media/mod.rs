//! Uploads: template samples and profile photos through Meta's Resumable Upload API (a file
//! handle, `4::…`), and media for messages through `POST /media` (a media id, kept in the
//! number's media library until it expires). Meta's type and size limits are checked first
//! (`limits`); a resumable transfer that is cut off resumes from the offset 360dialog reports.

pub mod limits;
mod store;

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::api::{self, ApiErrorKind, BytesFn};
use crate::audit::{self, Actor, AuditAction, NewAudit};
use crate::events::Topic;
use crate::service::Core;
use crate::{Error, Result};

pub use limits::{check_media, check_sample, MediaKind, MediaType, MAX_UPLOAD_BYTES, MEDIA_TYPES};

/// How long Meta keeps an uploaded media file (its id stops working after this).
pub const MEDIA_LIFETIME_DAYS: i64 = 30;

/// Times a cut-off resumable transfer is resumed before the upload gives up.
pub const MAX_RESUMES: u32 = 5;

/// Where an upload stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UploadProgress {
    /// Bytes sent so far, of the whole file.
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// Transfers resumed after an interruption so far.
    pub resumes: u32,
}

/// Told of an upload's progress as it goes.
pub type UploadProgressFn = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// A file to upload: its name (which gives its type) and its bytes.
#[derive(Debug, Clone)]
pub struct UploadFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl UploadFile {
    /// Reads a file from disk, refusing one over the largest size any upload takes before
    /// reading it.
    pub fn read(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(Error::io(path))?;
        if meta.len() > MAX_UPLOAD_BYTES {
            return Err(Error::InvalidField {
                field: "file",
                message: format!(
                    "{} is {}; no upload takes more than {}",
                    path.display(),
                    limits::human_size(meta.len()),
                    limits::human_size(MAX_UPLOAD_BYTES)
                ),
            });
        }
        let bytes = std::fs::read(path).map_err(Error::io(path))?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_string());
        Ok(Self { file_name, bytes })
    }
}

/// A finished resumable upload: the handle to put in `example.header_handle` (or
/// `profile_picture_handle`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SampleUpload {
    pub handle: String,
    pub file_name: String,
    pub mime_type: String,
    #[ts(type = "number")]
    pub size: u64,
    /// Transfers resumed after an interruption.
    pub resumes: u32,
}

/// A file in a number's media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MediaFile {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub number_id: i64,
    pub file_name: String,
    pub mime_type: String,
    /// image, video, audio, document or sticker (none for a type this build does not know).
    pub kind: Option<MediaKind>,
    #[ts(type = "number")]
    pub size: u64,
    /// The id to send it by (`{"image": {"id": …}}`).
    pub media_id: String,
    pub uploaded_at: String,
    /// When Meta stops keeping it (30 days after the upload).
    pub expires_at: String,
    pub expired: bool,
}

/// Whether a failed transfer may have left part of the file in the session: no answer (the
/// connection was cut or timed out), or an answer that is not the handle.
fn interrupted(e: &api::Error) -> bool {
    match e {
        api::Error::Api(e) => {
            matches!(e.kind, ApiErrorKind::Network | ApiErrorKind::OutcomeUnknown)
                || (e.kind == ApiErrorKind::Upstream && e.http_status.is_none())
        }
        _ => false,
    }
}

/// The whole resumable upload on one client: open a session, send, and after an interruption
/// ask where the session stands and send the rest from there.
async fn resumable(
    client: &api::Client,
    file_name: &str,
    mime: &str,
    bytes: Vec<u8>,
    progress: Option<UploadProgressFn>,
) -> api::Result<(String, u32)> {
    let total = bytes.len() as u64;
    let session = client.start_upload(file_name, total, mime).await?;
    let file = Arc::new(bytes);
    let mut offset = 0u64;
    let mut resumes = 0u32;
    loop {
        let sent: Option<BytesFn> = progress.clone().map(|p| {
            Arc::new(move |sent| {
                p(UploadProgress {
                    sent,
                    total,
                    resumes,
                })
            }) as BytesFn
        });
        match client
            .upload_from(&session, file.clone(), offset, sent)
            .await
        {
            Ok(handle) => {
                if let Some(p) = &progress {
                    p(UploadProgress {
                        sent: total,
                        total,
                        resumes,
                    });
                }
                return Ok((handle, resumes));
            }
            Err(e) if interrupted(&e) && resumes < MAX_RESUMES => {
                let at = client.upload_status(&session).await?;
                tracing::info!(
                    offset = at.file_offset,
                    total,
                    "upload interrupted; resuming"
                );
                offset = at.file_offset.min(total);
                resumes += 1;
                if let Some(p) = &progress {
                    p(UploadProgress {
                        sent: offset,
                        total,
                        resumes,
                    });
                }
            }
            Err(e) => return Err(e),
        }
    }
}

impl Core {
    /// Uploads a template sample (or a business profile photo) with Meta's Resumable Upload
    /// API and returns its handle. `header_format` (IMAGE, VIDEO, DOCUMENT) checks the file
    /// against what that header takes; a profile photo passes `Some("IMAGE")`. Meta's limits
    /// are checked before anything is sent; a transfer that is cut off resumes where 360dialog
    /// says it stopped (at most [`MAX_RESUMES`] times).
    pub async fn upload_sample(
        &self,
        number_id: i64,
        file: UploadFile,
        header_format: Option<&str>,
        actor: Actor,
        progress: Option<UploadProgressFn>,
    ) -> Result<SampleUpload> {
        let t = check_sample(&file.file_name, &file.bytes, header_format)?;
        let size = file.bytes.len() as u64;
        let file_name = file.file_name.clone();
        let mime = t.mime;
        let (handle, resumes) = self
            .call(number_id, actor, |c| async move {
                resumable(&c, &file.file_name, mime, file.bytes, progress).await
            })
            .await?;
        self.write(&[Topic::Audit], Some(number_id), |tx| {
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!(
                        "sample {file_name} ({mime}, {}) uploaded for a template or profile photo",
                        limits::human_size(size)
                    ),
                    ..NewAudit::of(AuditAction::MediaUploaded)
                },
            )
        })?;
        Ok(SampleUpload {
            handle,
            file_name,
            mime_type: mime.to_string(),
            size,
            resumes,
        })
    }

    /// Uploads media for messages with `POST /media` and keeps it in the number's media
    /// library (name, type, size, id, when uploaded, when it expires).
    pub async fn upload_media_file(
        &self,
        number_id: i64,
        file: UploadFile,
        actor: Actor,
    ) -> Result<MediaFile> {
        let t = check_media(&file.file_name, &file.bytes)?;
        let size = file.bytes.len() as u64;
        let file_name = file.file_name.clone();
        let media_id = self
            .call(number_id, actor, |c| async move {
                c.upload_media(file.bytes, t.mime, &file.file_name).await
            })
            .await?;
        let uploaded = time::OffsetDateTime::now_utc();
        let uploaded_at = crate::util::format_time(uploaded);
        let expires_at =
            crate::util::format_time(uploaded + time::Duration::days(MEDIA_LIFETIME_DAYS));
        let id = self.write(&[Topic::Media, Topic::Audit], Some(number_id), |tx| {
            let id = store::insert(
                tx,
                &store::NewFile {
                    number_id,
                    file_name: &file_name,
                    mime_type: t.mime,
                    size,
                    media_id: &media_id,
                    uploaded_at: &uploaded_at,
                    expires_at: &expires_at,
                },
            )?;
            audit::record(
                tx,
                actor,
                NewAudit {
                    number_id: Some(number_id),
                    detail: &format!(
                        "{file_name} ({}, {}) → media id {media_id}",
                        t.mime,
                        limits::human_size(size)
                    ),
                    ..NewAudit::of(AuditAction::MediaUploaded)
                },
            )?;
            Ok(id)
        })?;
        Ok(MediaFile {
            id,
            number_id,
            file_name,
            mime_type: t.mime.to_string(),
            kind: Some(t.kind),
            size,
            media_id,
            uploaded_at,
            expires_at,
            expired: false,
        })
    }

    /// A number's media library, newest first, each with its expiry.
    pub fn media_library(&self, number_id: i64) -> Result<Vec<MediaFile>> {
        self.number(number_id)?;
        let now = crate::util::now();
        self.db.with_conn(|c| store::list(c, number_id, &now))
    }

    /// Takes a file out of the library (the file stays at Meta until it expires).
    pub fn forget_media(&self, number_id: i64, id: i64) -> Result<()> {
        let removed = self.write(&[Topic::Media], Some(number_id), |tx| {
            store::remove(tx, number_id, id)
        })?;
        if removed == 0 {
            return Err(Error::NotFound(format!("media library entry {id}")));
        }
        Ok(())
    }
}
