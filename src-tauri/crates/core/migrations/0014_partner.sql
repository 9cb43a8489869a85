-- 0018: partner mode. The partner account (id, environment; its API key and webhook secret
-- stay in the keyring), the channels imported as numbers (channel and client ids kept with the
-- number), the partner events received, and key rotations that start from a key minted through
-- the Partner API (stage 'minting' before the mint answers; source says where the key came from).

CREATE TABLE partner_account (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    partner_id        TEXT NOT NULL,
    environment       TEXT NOT NULL,
    base_url_override TEXT,
    key_hint          TEXT,
    key_fingerprint   TEXT,
    key_verified_at   TEXT,
    webhook_url       TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE TABLE partner_channels (
    number_id     INTEGER PRIMARY KEY REFERENCES numbers (id) ON DELETE CASCADE,
    channel_id    TEXT NOT NULL UNIQUE,
    client_id     TEXT NOT NULL,
    waba_id       TEXT,
    status        TEXT,
    account_mode  TEXT,
    imported_at   TEXT NOT NULL
) STRICT;

CREATE TABLE partner_events (
    id            INTEGER PRIMARY KEY,
    received_at   TEXT NOT NULL,
    event         TEXT NOT NULL,
    channel_id    TEXT,
    number_id     INTEGER REFERENCES numbers (id) ON DELETE SET NULL,
    summary       TEXT NOT NULL,
    body          TEXT NOT NULL
) STRICT;
CREATE INDEX partner_events_number ON partner_events (number_id, id);

CREATE TABLE key_rotations_new (
    number_id       INTEGER PRIMARY KEY REFERENCES numbers (id) ON DELETE CASCADE,
    stage           TEXT NOT NULL CHECK (stage IN ('minting', 'staging', 'staged', 'promoted', 'recorded')),
    new_fingerprint TEXT NOT NULL,
    new_hint        TEXT NOT NULL,
    verified        INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT 'pasted' CHECK (source IN ('pasted', 'minted'))
) STRICT;
INSERT INTO key_rotations_new (number_id, stage, new_fingerprint, new_hint, verified, actor, started_at)
    SELECT number_id, stage, new_fingerprint, new_hint, verified, actor, started_at FROM key_rotations;
DROP TABLE key_rotations;
ALTER TABLE key_rotations_new RENAME TO key_rotations;
