//! Where WABA Desk keeps its data. The GUI and the CLI resolve it the same way.

use std::path::{Path, PathBuf};

use crate::{Error, Result, APP_IDENTIFIER};

/// Environment variable that overrides the data directory (for the GUI and the CLI).
pub const DATA_DIR_ENV: &str = "WABADESK_DATA_DIR";

/// File name of the SQLite database inside the data directory.
pub const DB_FILE: &str = "wabadesk.sqlite3";

/// The OS app-data directory for the app identifier (`~/.local/share/com.wabadesk.desk` on
/// Linux), the same directory Tauri's `app_data_dir()` gives for that identifier.
pub fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::Internal(format!(
                "the OS has no per-user data directory; set {DATA_DIR_ENV} or pass --data-dir"
            ))
        })
}

/// Resolution order: an explicit directory (`--data-dir`), then `WABADESK_DATA_DIR`, then the
/// OS default.
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    match std::env::var_os(DATA_DIR_ENV) {
        Some(v) if !v.is_empty() => Ok(PathBuf::from(v)),
        _ => default_data_dir(),
    }
}

/// The name a running app holds for its data directory, so that a second start on the same
/// profile hands its arguments (a `wabadesk://` link) to the running window instead of opening
/// the database and a receiver of its own. The OS default directory gets the app identifier;
/// any other directory (`WABADESK_DATA_DIR`) its own name, so separate profiles run side by
/// side. A valid D-Bus name (letters, digits, `_`, no element starting with a digit).
pub fn instance_id(data_dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let absolute = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    if default_data_dir().is_ok_and(|d| d == absolute) {
        return APP_IDENTIFIER.to_string();
    }
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{APP_IDENTIFIER}.profile_{hex}")
}

/// Creates the data directory (and parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))
}

/// A new export file: the downloads folder of the core's settings, else the user's Downloads
/// folder (or `<data dir>/exports`), named `wabadesk-<what>-<time>.<extension>`.
pub fn export_path(data_dir: &Path, what: &str, extension: &str) -> Result<PathBuf> {
    let dir = export_dir(data_dir);
    ensure_dir(&dir)?;
    let stamp = crate::util::now().replace([':', '.'], "-");
    Ok(dir.join(format!("wabadesk-{what}-{stamp}.{extension}")))
}

/// Where exports go: the folder set in Settings, else Downloads, else `exports` in the data dir.
pub fn export_dir(data_dir: &Path) -> PathBuf {
    crate::prefs::Settings::load(data_dir)
        .export_dir()
        .or_else(dirs::download_dir)
        .unwrap_or_else(|| data_dir.join("exports"))
}

/// An export to show in the file manager: `path` must be an existing file the app wrote
/// (`wabadesk-…`) in the export folder; anything else is refused, so the window cannot have
/// any other file or folder opened. Returns the file's canonical path.
pub fn exported_file(data_dir: &Path, path: &Path) -> Result<PathBuf> {
    let refuse = || {
        Error::Validation(format!(
            "{} is not an export of WABA Desk in the export folder",
            path.display()
        ))
    };
    let file = path.canonicalize().map_err(|_| refuse())?;
    let dir = export_dir(data_dir).canonicalize().map_err(|_| refuse())?;
    let ours = file.parent() == Some(dir.as_path())
        && file.is_file()
        && file
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("wabadesk-"));
    if ours {
        Ok(file)
    } else {
        Err(refuse())
    }
}

/// Whether files can be created in `dir` (tried, since permissions alone do not tell: a
/// read-only mount, or root on a directory without write bits).
pub fn dir_is_writable(dir: &Path) -> bool {
    match tempfile::Builder::new()
        .prefix(".wabadesk-probe")
        .tempfile_in(dir)
    {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        ),
    }
}

/// Largest template file (`templates lint`, `templates create`): a template is a few KB.
pub const TEMPLATE_FILE_MAX_BYTES: u64 = 1024 * 1024;

/// Reads a text file the user gives: at most `max_bytes`, UTF-8 (a leading byte-order mark is
/// dropped). A file that is too big or not UTF-8 is invalid input (exit 2), not a failure.
pub fn read_text_file(path: &Path, max_bytes: u64) -> Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(Error::io(path))?;
    let too_big = || {
        Error::Validation(format!(
            "{} is larger than the limit of {} MB for this file",
            path.display(),
            max_bytes / (1024 * 1024)
        ))
    };
    if file.metadata().map_err(Error::io(path))?.len() > max_bytes {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(Error::io(path))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(Error::Validation(format!(
            "{} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            path.display(),
            e.valid_up_to() + (bytes.len() - body.len())
        ))),
    }
}

/// Writes a file in one step: `write` fills a unique temporary file created beside `path`
/// (so nothing else's `<name>.partial` is touched), which is synced and renamed over `path`
/// only when everything was written. On any error the temporary file is removed and `path` is
/// left as it was. An existing `path` must be a regular file: a symbolic link, a device
/// (`/dev/null`, `/dev/full`, `/dev/stdout`), a FIFO or a directory is refused, since
/// replacing it with a regular file is never what was meant.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<T>,
) -> Result<T> {
    use std::io::Write;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(Error::Validation(format!(
                "{} is a symbolic link; refusing to replace it (give the real path)",
                path.display()
            )))
        }
        Ok(m) if !m.is_file() => {
            return Err(Error::Validation(format!(
                "{} is not a regular file (a device, FIFO or directory); refusing to write to it \
                 (use -o - for standard output)",
                path.display()
            )))
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Validation(format!("{} is not a file name", path.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(Error::io(dir))?;
    let mut out = std::io::BufWriter::new(tmp);
    let value = write(&mut out)?;
    out.flush().map_err(Error::io(path))?;
    let tmp = out.into_inner().map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.into_error(),
    })?;
    tmp.as_file().sync_all().map_err(Error::io(path))?;
    tmp.persist(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_profile_has_its_own_instance_name_and_the_default_one_the_identifier() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let id_a = instance_id(a.path());
        assert_eq!(
            id_a,
            instance_id(a.path()),
            "the same directory, the same name"
        );
        assert_ne!(
            id_a,
            instance_id(b.path()),
            "another profile runs beside it"
        );
        assert!(id_a.starts_with("com.wabadesk.desk.profile_"), "{id_a}");
        // A D-Bus name: elements of letters, digits and `_`, none starting with a digit.
        for element in id_a.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
            assert!(element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'));
        }
        if let Ok(default) = default_data_dir() {
            assert_eq!(instance_id(&default), APP_IDENTIFIER);
        }
    }

    #[test]
    fn only_an_export_in_the_export_folder_is_shown() {
        let data = tempfile::tempdir().unwrap();
        let downloads = tempfile::tempdir().unwrap();
        std::fs::write(
            data.path().join(crate::prefs::SETTINGS_FILE),
            serde_json::json!({ "downloads_dir": downloads.path() }).to_string(),
        )
        .unwrap();
        let report = export_path(data.path(), "qa-1", "html").unwrap();
        assert_eq!(report.parent(), Some(downloads.path()));
        // Not written yet: nothing to show.
        assert!(exported_file(data.path(), &report).is_err());
        std::fs::write(&report, "x").unwrap();
        assert_eq!(
            exported_file(data.path(), &report).unwrap(),
            report.canonicalize().unwrap()
        );
        let other = downloads.path().join("notes.txt");
        std::fs::write(&other, "x").unwrap();
        let sneaky = downloads.path().join("sub/../../etc/passwd");
        for refused in [
            other.as_path(),
            downloads.path(),
            data.path(),
            sneaky.as_path(),
        ] {
            let e = exported_file(data.path(), refused).unwrap_err();
            assert!(e.to_string().contains("not an export"), "{e}");
        }
    }

    fn put(w: &mut dyn std::io::Write, bytes: &[u8]) -> Result<()> {
        w.write_all(bytes).map_err(Error::io("test"))
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".partial"))
            .collect()
    }

    #[test]
    fn text_files_are_limited_utf8_with_an_optional_bom() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.json");
        std::fs::write(&file, b"\xEF\xBB\xBF{\"name\": \"k\xC3\xB6ln\"}").unwrap();
        assert_eq!(read_text_file(&file, 100).unwrap(), "{\"name\": \"köln\"}");
        std::fs::write(&file, b"{\"name\": \"\xFF\"}").unwrap();
        let err = read_text_file(&file, 100).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert!(
            err.to_string().contains("not UTF-8") && err.to_string().contains("offset 10"),
            "{err}"
        );
        std::fs::write(&file, vec![b'x'; 101]).unwrap();
        let err = read_text_file(&file, 100).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert!(err.to_string().contains("larger than the limit"), "{err}");
        assert_eq!(read_text_file(&file, 101).unwrap().len(), 101);
        let missing = read_text_file(&dir.path().join("none"), 100).unwrap_err();
        assert_eq!(missing.exit_code(), 1);
    }

    #[test]
    fn atomic_write_replaces_only_a_regular_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        // An unrelated file with the old fixed temporary name is not touched.
        let unrelated = dir.path().join("out.partial");
        std::fs::write(&unrelated, "keep me").unwrap();
        write_atomically(&target, |w| put(w, b"one")).unwrap();
        write_atomically(&target, |w| put(w, b"two")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(&unrelated).unwrap(), "keep me");

        // An error while writing leaves the old file and no temporary file.
        let err = write_atomically(&target, |w| {
            put(w, b"half")?;
            Err::<(), _>(Error::Internal("disk full".into()))
        })
        .unwrap_err();
        assert!(err.to_string().contains("disk full"));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two");
        assert_eq!(leftovers(dir.path()), ["out.partial"]);

        // Special files and symbolic links are refused as invalid input.
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        for special in [
            Path::new("/dev/null"),
            Path::new("/dev/full"),
            Path::new("/dev/stdout"),
            &fifo,
            &link,
            dir.path(),
        ] {
            let err = write_atomically(special, |w| put(w, b"x")).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{special:?}: {err}");
            assert!(err.to_string().contains("refusing"), "{special:?}: {err}");
        }
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two");
        assert_eq!(leftovers(dir.path()), ["out.partial"]);
    }

    #[test]
    fn exports_go_to_the_downloads_folder_of_the_settings() {
        let data = tempfile::tempdir().unwrap();
        let out = data.path().join("my exports");
        std::fs::write(
            crate::prefs::Settings::path(data.path()),
            serde_json::json!({"downloads_dir": out}).to_string(),
        )
        .unwrap();
        let path = export_path(data.path(), "audit", "csv").unwrap();
        assert_eq!(path.parent(), Some(out.as_path()));
        assert!(out.is_dir(), "created");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.starts_with("wabadesk-audit-") && name.ends_with(".csv"),
            "{name}"
        );
    }

    #[test]
    fn explicit_dir_wins() {
        let dir = resolve_data_dir(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn default_dir_ends_with_identifier() {
        let dir = default_data_dir().unwrap();
        assert!(dir.ends_with(APP_IDENTIFIER), "{}", dir.display());
    }
}
