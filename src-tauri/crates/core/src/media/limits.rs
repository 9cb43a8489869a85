//! Meta's media types and size limits, checked before anything is uploaded: for media sent in
//! messages (`POST /media`) and for template samples and profile photos (the resumable upload,
//! which takes `application/pdf`, `image/jpeg`, `image/jpg`, `image/png` and `video/mp4`).
//! A file's type comes from its name; its first bytes must agree where the type has a known
//! signature, so a renamed file is refused here rather than by Meta.

use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

const KB: u64 = 1024;
const MB: u64 = 1024 * 1024;

/// The kinds of media WhatsApp sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    Document,
    Sticker,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
        }
    }
}

/// One media type Meta accepts, with its limit and the file name endings that mean it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MediaType {
    pub mime: &'static str,
    pub kind: MediaKind,
    #[ts(type = "number")]
    pub max_bytes: u64,
    pub extensions: &'static [&'static str],
    /// Also takes a resumable upload (template samples, profile photos).
    pub sample: bool,
}

const fn t(
    mime: &'static str,
    kind: MediaKind,
    max_bytes: u64,
    extensions: &'static [&'static str],
    sample: bool,
) -> MediaType {
    MediaType {
        mime,
        kind,
        max_bytes,
        extensions,
        sample,
    }
}

/// Meta's supported media types (Cloud API "supported media types").
pub const MEDIA_TYPES: &[MediaType] = &[
    t(
        "image/jpeg",
        MediaKind::Image,
        5 * MB,
        &["jpg", "jpeg"],
        true,
    ),
    t("image/png", MediaKind::Image, 5 * MB, &["png"], true),
    t("video/mp4", MediaKind::Video, 16 * MB, &["mp4"], true),
    t("video/3gpp", MediaKind::Video, 16 * MB, &["3gp"], false),
    t("audio/aac", MediaKind::Audio, 16 * MB, &["aac"], false),
    t("audio/amr", MediaKind::Audio, 16 * MB, &["amr"], false),
    t("audio/mpeg", MediaKind::Audio, 16 * MB, &["mp3"], false),
    t("audio/mp4", MediaKind::Audio, 16 * MB, &["m4a"], false),
    t(
        "audio/ogg",
        MediaKind::Audio,
        16 * MB,
        &["ogg", "opus"],
        false,
    ),
    t("image/webp", MediaKind::Sticker, 500 * KB, &["webp"], false),
    t(
        "application/pdf",
        MediaKind::Document,
        100 * MB,
        &["pdf"],
        true,
    ),
    t("text/plain", MediaKind::Document, 100 * MB, &["txt"], false),
    t(
        "application/msword",
        MediaKind::Document,
        100 * MB,
        &["doc"],
        false,
    ),
    t(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        MediaKind::Document,
        100 * MB,
        &["docx"],
        false,
    ),
    t(
        "application/vnd.ms-excel",
        MediaKind::Document,
        100 * MB,
        &["xls"],
        false,
    ),
    t(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        MediaKind::Document,
        100 * MB,
        &["xlsx"],
        false,
    ),
    t(
        "application/vnd.ms-powerpoint",
        MediaKind::Document,
        100 * MB,
        &["ppt"],
        false,
    ),
    t(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        MediaKind::Document,
        100 * MB,
        &["pptx"],
        false,
    ),
];

/// The largest file any upload takes.
pub const MAX_UPLOAD_BYTES: u64 = 100 * MB;

/// The type a file name means, by its ending.
pub fn type_of_name(file_name: &str) -> Option<&'static MediaType> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    MEDIA_TYPES
        .iter()
        .find(|t| t.extensions.contains(&ext.as_str()))
}

/// "5 MB", "500 KB", "1.2 MB": a size in plain words.
pub fn human_size(bytes: u64) -> String {
    if bytes >= MB {
        let mb = bytes as f64 / MB as f64;
        if bytes % MB == 0 {
            format!("{} MB", bytes / MB)
        } else {
            format!("{mb:.1} MB")
        }
    } else if bytes >= KB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        format!("{bytes} bytes")
    }
}

fn field(message: String) -> Error {
    Error::InvalidField {
        field: "file",
        message,
    }
}

/// Whether the first bytes fit the type, where the type has a known signature.
fn signature_fits(mime: &str, head: &[u8]) -> bool {
    match mime {
        "image/jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => head.starts_with(&[0x89, b'P', b'N', b'G']),
        "application/pdf" => head.starts_with(b"%PDF"),
        "image/webp" => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
        "video/mp4" | "video/3gpp" | "audio/mp4" => head.len() >= 8 && &head[4..8] == b"ftyp",
        _ => true,
    }
}

/// Checks a file for a media message: a type Meta takes, within its size, contents that fit
/// the name. Errors are at the `file` field, in plain words.
pub fn check_media(file_name: &str, bytes: &[u8]) -> Result<&'static MediaType> {
    let Some(t) = type_of_name(file_name) else {
        return Err(field(format!(
            "WhatsApp does not take this kind of file ({file_name}): use an image (JPEG, PNG), a video (MP4, 3GPP), audio (AAC, AMR, MP3, M4A, OGG), a sticker (WEBP) or a document (PDF, TXT, Word, Excel, PowerPoint)"
        )));
    };
    check_size_and_contents(t, file_name, bytes)?;
    Ok(t)
}

fn check_size_and_contents(t: &MediaType, file_name: &str, bytes: &[u8]) -> Result<()> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(field(format!("{file_name} is empty")));
    }
    if size > t.max_bytes {
        return Err(field(format!(
            "{file_name} is {}; WhatsApp takes {} files of at most {}",
            human_size(size),
            t.mime,
            human_size(t.max_bytes)
        )));
    }
    if !signature_fits(t.mime, &bytes[..bytes.len().min(16)]) {
        return Err(field(format!(
            "{file_name} does not look like a {} file inside: its name and its contents disagree (was it renamed?)",
            t.mime
        )));
    }
    Ok(())
}

/// Checks a file for a resumable upload. `header_format` (IMAGE, VIDEO, DOCUMENT) narrows it to
/// what a template header of that format takes: JPEG or PNG images up to 5 MB, MP4 videos up to
/// 16 MB, PDF documents up to 100 MB. Without one, any type the resumable upload takes.
pub fn check_sample(
    file_name: &str,
    bytes: &[u8],
    header_format: Option<&str>,
) -> Result<&'static MediaType> {
    let wanted = header_format.map(|f| f.trim().to_ascii_uppercase());
    let (kind, words) = match wanted.as_deref() {
        None => (None, "a JPEG or PNG image, an MP4 video or a PDF document"),
        Some("IMAGE") => (Some(MediaKind::Image), "a JPEG or PNG image"),
        Some("VIDEO") => (Some(MediaKind::Video), "an MP4 video"),
        Some("DOCUMENT") => (Some(MediaKind::Document), "a PDF document"),
        Some(other) => {
            return Err(Error::Validation(format!(
                "a {other} header has no sample file; only image, video and document headers do"
            )))
        }
    };
    let t = type_of_name(file_name)
        .filter(|t| t.sample && kind.is_none_or(|k| k == t.kind))
        .ok_or_else(|| {
            field(format!(
                "{file_name} cannot be used here: pick {words}{}",
                match kind {
                    Some(MediaKind::Image) => " (up to 5 MB)",
                    Some(MediaKind::Video) => " (up to 16 MB)",
                    Some(MediaKind::Document) => " (up to 100 MB)",
                    _ => "",
                }
            ))
        })?;
    check_size_and_contents(t, file_name, bytes)?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A];

    #[rstest]
    #[case::jpeg("a.JPG", JPEG, "image/jpeg")]
    #[case::png("b.png", PNG, "image/png")]
    #[case::pdf("c.pdf", b"%PDF-1.7", "application/pdf")]
    #[case::text("notes.txt", b"hello", "text/plain")]
    #[case::mp4("v.mp4", &[0, 0, 0, 0x18, b'f', b't', b'y', b'p', b'm', b'p', b'4', b'2'], "video/mp4")]
    fn files_meta_takes_pass(#[case] name: &str, #[case] bytes: &[u8], #[case] mime: &str) {
        assert_eq!(check_media(name, bytes).unwrap().mime, mime);
    }

    #[test]
    fn a_gif_an_empty_file_and_a_renamed_file_are_refused_at_the_file_field() {
        for (name, bytes, words) in [
            ("a.gif", JPEG, "does not take"),
            ("a.jpg", &[][..], "empty"),
            ("a.jpg", PNG, "renamed"),
        ] {
            match check_media(name, bytes) {
                Err(Error::InvalidField { field, message }) => {
                    assert_eq!(field, "file");
                    assert!(message.contains(words), "{message}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn sizes_follow_metas_limits() {
        let mut big = JPEG.to_vec();
        big.resize(5 * 1024 * 1024 + 1, 0);
        let err = check_media("big.jpg", &big).unwrap_err().to_string();
        assert_eq!(
            err,
            "big.jpg is 5.0 MB; WhatsApp takes image/jpeg files of at most 5 MB"
        );
        big.truncate(5 * 1024 * 1024);
        assert!(check_media("big.jpg", &big).is_ok());
        let mut sticker = b"RIFF\0\0\0\0WEBPVP8 ".to_vec();
        sticker.resize(501 * 1024, 0);
        assert!(check_media("s.webp", &sticker).is_err());
    }

    #[test]
    fn a_header_sample_must_fit_its_format() {
        assert_eq!(
            check_sample("a.png", PNG, Some("IMAGE")).unwrap().mime,
            "image/png"
        );
        assert_eq!(
            check_sample("c.pdf", b"%PDF-1.4", Some("document"))
                .unwrap()
                .mime,
            "application/pdf"
        );
        let err = check_sample("c.pdf", b"%PDF-1.4", Some("IMAGE"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.pdf cannot be used here: pick a JPEG or PNG image (up to 5 MB)"
        );
        // 3GPP videos go in messages but not in the resumable upload.
        assert!(check_sample("v.3gp", b"\0\0\0\0ftyp3gp4", Some("VIDEO")).is_err());
        assert!(check_sample("a.png", PNG, Some("LOCATION")).is_err());
        assert!(check_sample("a.png", PNG, None).is_ok());
    }

    #[test]
    fn sizes_read_in_plain_words() {
        assert_eq!(human_size(5 * MB), "5 MB");
        assert_eq!(human_size(500 * KB), "500 KB");
        assert_eq!(human_size(1_300_000), "1.2 MB");
        assert_eq!(human_size(12), "12 bytes");
    }
}
