-- The relay's whole state: numbers and their shared secrets (hashed), the events received,
-- the feed counter that orders them, and the desktops' access tokens (hashed).
CREATE TABLE numbers (
    phone_number_id TEXT PRIMARY KEY,
    secret_sha256 BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row: the last sequence number handed out. A storing transaction takes it first, so
-- transactions commit in the order of their sequence numbers and a reader that sees an event
-- sees every event before it (the feed's cursor never skips one still being written).
CREATE TABLE feed_counter (
    id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    last_seq BIGINT NOT NULL
);
INSERT INTO feed_counter (id, last_seq) VALUES (TRUE, 0);

CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    body_sha256 BYTEA NOT NULL UNIQUE,
    phone_number_id TEXT,
    event_ids TEXT NOT NULL DEFAULT '',
    body BYTEA NOT NULL,
    source TEXT NOT NULL DEFAULT 'webhook',
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    duplicates INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_number ON events (phone_number_id, seq);

CREATE TABLE tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_sha256 BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ,
    last_cursor BIGINT NOT NULL DEFAULT 0,
    last_seen_at TIMESTAMPTZ
);
