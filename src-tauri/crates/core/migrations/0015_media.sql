-- A number's media library: files uploaded with POST /media, kept so a test send can reuse
-- their media ids until they expire (Meta keeps uploaded media for 30 days).
CREATE TABLE media_files (
    id          INTEGER PRIMARY KEY,
    number_id   INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    file_name   TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    media_id    TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE INDEX media_files_by_number ON media_files (number_id, uploaded_at);
