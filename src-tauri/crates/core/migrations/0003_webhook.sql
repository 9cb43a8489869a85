-- 0003: webhook URL history per number, and the URL the app last set or accepted.
ALTER TABLE numbers ADD COLUMN webhook_url_known TEXT;
ALTER TABLE numbers ADD COLUMN webhook_checked_at TEXT;

CREATE TABLE webhook_changes (
    id        INTEGER PRIMARY KEY,
    number_id INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    old_url   TEXT,
    new_url   TEXT,
    -- 'app': set through WABA Desk; 'outside': seen changed when read from the API
    source    TEXT NOT NULL CHECK (source IN ('app', 'outside')),
    actor     TEXT NOT NULL
) STRICT;

CREATE INDEX webhook_changes_number ON webhook_changes (number_id, at);
