//! `media`: upload a file (a template sample's handle with `--sample`, otherwise a media id
//! kept in the number's library) and list the library.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use wabadesk_core::audit::Actor;
use wabadesk_core::media::{limits::human_size, MediaFile, UploadFile, UploadProgress};
use wabadesk_core::Error;

use crate::common::{open, Output};

#[derive(Subcommand, Debug)]
pub enum MediaCmd {
    /// Upload a file: prints its media id (kept in the number's library for 30 days), or with
    /// --sample its template sample handle (4::…).
    Upload {
        /// Phone or label of the number.
        number: String,
        file: PathBuf,
        /// A template header sample (or profile photo), through Meta's resumable upload.
        #[arg(long)]
        sample: bool,
        /// With --sample: the header format it is for (IMAGE, VIDEO or DOCUMENT).
        #[arg(long = "header-format", requires = "sample")]
        header_format: Option<String>,
    },
    /// The number's media library: file, type, size, media id, uploaded, expiry.
    List { number: String },
}

pub async fn run(data_dir: &Path, cmd: MediaCmd) -> Result<Output, Error> {
    let core = open(data_dir)?;
    match cmd {
        MediaCmd::Upload {
            number,
            file,
            sample,
            header_format,
        } => {
            let n = core.resolve_number(&number)?;
            let file = UploadFile::read(&file)?;
            if sample {
                let progress = Arc::new(|p: UploadProgress| {
                    let pct = (p.sent * 100).checked_div(p.total).unwrap_or(100);
                    let resumed = if p.resumes > 0 {
                        format!(" (resumed {}×)", p.resumes)
                    } else {
                        String::new()
                    };
                    let mut err = std::io::stderr();
                    let _ = write!(err, "\ruploading: {pct:>3}%{resumed}");
                    if p.sent >= p.total {
                        let _ = writeln!(err);
                    }
                });
                let up = core
                    .upload_sample(
                        n.id,
                        file,
                        header_format.as_deref(),
                        Actor::Cli,
                        Some(progress),
                    )
                    .await?;
                let text = up.handle.clone();
                Output::ok(&up, text)
            } else {
                let f = core.upload_media_file(n.id, file, Actor::Cli).await?;
                let text = f.media_id.clone();
                Output::ok(&f, text)
            }
        }
        MediaCmd::List { number } => {
            let n = core.resolve_number(&number)?;
            let files = core.media_library(n.id)?;
            Output::ok(&files, table(&files))
        }
    }
}

fn table(files: &[MediaFile]) -> String {
    if files.is_empty() {
        return "no media uploaded for this number".to_string();
    }
    let mut out = vec![format!(
        "{:<24} {:<16} {:>8}  {:<18} {:<10} {}",
        "FILE", "TYPE", "SIZE", "MEDIA ID", "UPLOADED", "EXPIRES"
    )];
    for f in files {
        out.push(format!(
            "{:<24} {:<16} {:>8}  {:<18} {:<10} {}{}",
            f.file_name,
            f.mime_type,
            human_size(f.size),
            f.media_id,
            f.uploaded_at.get(..10).unwrap_or(&f.uploaded_at),
            f.expires_at.get(..10).unwrap_or(&f.expires_at),
            if f.expired { " (expired)" } else { "" }
        ));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_lists_each_file_with_its_expiry() {
        let f = MediaFile {
            id: 1,
            number_id: 1,
            file_name: "photo.png".into(),
            mime_type: "image/png".into(),
            kind: None,
            size: 50_000,
            media_id: "1234567890123456".into(),
            uploaded_at: "2026-12-01T10:00:00.000Z".into(),
            expires_at: "2026-12-31T10:00:00.000Z".into(),
            expired: true,
        };
        let text = table(&[f]);
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("photo.png"), "{row}");
        assert!(
            row.contains("49 KB") && row.contains("1234567890123456"),
            "{row}"
        );
        assert!(row.ends_with("2026-12-31 (expired)"), "{row}");
        assert_eq!(table(&[]), "no media uploaded for this number");
    }
}
