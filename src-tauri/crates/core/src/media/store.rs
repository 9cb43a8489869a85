//! The `media_files` table: every SQL statement that reads or writes it lives here.

use rusqlite::{params, Connection, Row};

use super::MediaFile;
use crate::{Error, Result};

const COLUMNS: &str =
    "id, number_id, file_name, mime_type, size, media_id, uploaded_at, expires_at";

fn row(r: &Row<'_>, now: &str) -> rusqlite::Result<MediaFile> {
    let mime_type: String = r.get(3)?;
    let expires_at: String = r.get(7)?;
    Ok(MediaFile {
        id: r.get(0)?,
        number_id: r.get(1)?,
        file_name: r.get(2)?,
        kind: super::limits::MEDIA_TYPES
            .iter()
            .find(|t| t.mime == mime_type)
            .map(|t| t.kind),
        mime_type,
        size: r.get::<_, i64>(4)?.max(0) as u64,
        media_id: r.get(5)?,
        uploaded_at: r.get(6)?,
        expired: expires_at.as_str() <= now,
        expires_at,
    })
}

pub(crate) struct NewFile<'a> {
    pub number_id: i64,
    pub file_name: &'a str,
    pub mime_type: &'a str,
    pub size: u64,
    pub media_id: &'a str,
    pub uploaded_at: &'a str,
    pub expires_at: &'a str,
}

pub(crate) fn insert(c: &Connection, f: &NewFile<'_>) -> Result<i64> {
    c.execute(
        "INSERT INTO media_files (number_id, file_name, mime_type, size, media_id, uploaded_at, \
         expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            f.number_id,
            f.file_name,
            f.mime_type,
            i64::try_from(f.size).unwrap_or(i64::MAX),
            f.media_id,
            f.uploaded_at,
            f.expires_at
        ],
    )
    .map_err(Error::db("recording an uploaded file"))?;
    Ok(c.last_insert_rowid())
}

/// A number's files, newest first; `now` decides which have expired.
pub(crate) fn list(c: &Connection, number_id: i64, now: &str) -> Result<Vec<MediaFile>> {
    let mut stmt = c
        .prepare(&format!(
            "SELECT {COLUMNS} FROM media_files WHERE number_id = ?1 \
             ORDER BY uploaded_at DESC, id DESC"
        ))
        .map_err(Error::db("listing the media library"))?;
    let rows = stmt
        .query_map([number_id], |r| row(r, now))
        .map_err(Error::db("listing the media library"))?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::db("reading the media library"))
}

pub(crate) fn remove(c: &Connection, number_id: i64, id: i64) -> Result<usize> {
    c.execute(
        "DELETE FROM media_files WHERE number_id = ?1 AND id = ?2",
        params![number_id, id],
    )
    .map_err(Error::db("removing a media library entry"))
}
