-- 0004: the webhook inbox (raw events, persisted before they are answered) and message history.
CREATE TABLE inbox_events (
    id              INTEGER PRIMARY KEY,
    received_at     TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('receiver', 'import')),
    -- A retried delivery carries the same body: it is counted, not stored twice.
    body_sha256     TEXT NOT NULL UNIQUE,
    body            TEXT NOT NULL,
    duplicates      INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'applied', 'unknown_number', 'malformed', 'unsupported')),
    number_id       INTEGER REFERENCES numbers (id) ON DELETE SET NULL,
    phone_number_id TEXT,
    kinds           TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX inbox_events_pending ON inbox_events (id) WHERE state = 'pending';
CREATE INDEX inbox_events_number ON inbox_events (number_id, id);

CREATE TABLE inbox_rejections (
    id          INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    reason      TEXT NOT NULL,
    bytes       INTEGER NOT NULL
) STRICT;

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    number_id         INTEGER REFERENCES numbers (id) ON DELETE SET NULL,
    phone_number_id   TEXT,
    direction         TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    wamid             TEXT UNIQUE,
    -- wa_id, or the business-scoped user_id when the phone number is withheld
    contact           TEXT NOT NULL,
    contact_name      TEXT,
    type              TEXT NOT NULL,
    template_name     TEXT,
    template_language TEXT,
    body              TEXT,
    status            TEXT NOT NULL,
    status_rank       INTEGER NOT NULL,
    sent_at           TEXT,
    delivered_at      TEXT,
    read_at           TEXT,
    failed_at         TEXT,
    error_code        INTEGER,
    error_title       TEXT,
    error_details     TEXT,
    pricing_json      TEXT,
    conversation_json TEXT,
    request_json      TEXT,
    response_json     TEXT,
    event_json        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE INDEX messages_number_created ON messages (number_id, created_at);
CREATE INDEX messages_contact_created ON messages (contact, created_at);

-- Every status event, append-only; (wamid, status) makes retries idempotent.
CREATE TABLE status_events (
    id             INTEGER PRIMARY KEY,
    wamid          TEXT NOT NULL,
    status         TEXT NOT NULL,
    timestamp      TEXT NOT NULL,
    recipient      TEXT,
    error_code     INTEGER,
    inbox_event_id INTEGER REFERENCES inbox_events (id) ON DELETE SET NULL,
    raw_json       TEXT NOT NULL,
    UNIQUE (wamid, status)
) STRICT;

-- The 24-hour customer-service window: when each contact last wrote to each number.
CREATE TABLE contact_windows (
    number_key     TEXT NOT NULL,
    contact        TEXT NOT NULL,
    last_inbound_at TEXT NOT NULL,
    PRIMARY KEY (number_key, contact)
) STRICT;
