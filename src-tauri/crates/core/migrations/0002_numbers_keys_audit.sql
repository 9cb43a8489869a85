-- 0002: WhatsApp numbers, key rotation journal, and the app-wide audit log.
-- API keys are never stored here: only their state, mask and fingerprint.
CREATE TABLE numbers (
    id                INTEGER PRIMARY KEY,
    phone             TEXT NOT NULL UNIQUE,            -- E.164, e.g. +4915123456789
    label             TEXT NOT NULL COLLATE NOCASE UNIQUE,
    environment       TEXT NOT NULL CHECK (environment IN ('production', 'sandbox', 'simulator')),
    base_url          TEXT,                            -- NULL: the environment's base URL
    notes             TEXT NOT NULL DEFAULT '',
    key_state         TEXT NOT NULL DEFAULT 'none'
                      CHECK (key_state IN ('none', 'unverified', 'verified', 'superseded')),
    key_hint          TEXT,
    key_fingerprint   TEXT,
    key_set_at        TEXT,
    key_verified_at   TEXT,
    phone_number_id   TEXT,
    waba_id           TEXT,
    health_json       TEXT,
    health_checked_at TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE INDEX numbers_phone_number_id ON numbers (phone_number_id);

-- A key replacement in progress; a row left behind by a crash is finished or rolled back at
-- the next start.
CREATE TABLE key_rotations (
    number_id       INTEGER PRIMARY KEY REFERENCES numbers (id) ON DELETE CASCADE,
    stage           TEXT NOT NULL CHECK (stage IN ('staging', 'staged', 'promoted')),
    new_fingerprint TEXT NOT NULL,
    new_hint        TEXT NOT NULL,
    verified        INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    started_at      TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    number_id       INTEGER REFERENCES numbers (id) ON DELETE SET NULL,
    number_phone    TEXT,
    action          TEXT NOT NULL,
    actor           TEXT NOT NULL,
    old_fingerprint TEXT,
    new_fingerprint TEXT,
    detail          TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_number ON audit_log (number_id, at);
