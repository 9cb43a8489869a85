-- 0008: a rotation journal row stays (stage 'recorded') after the database describes the new
-- key, until the pending keyring entry is gone; and the webhook headers WABA Desk last set or
-- accepted, so a webhook a new key cleared can be re-applied as it was.
CREATE TABLE key_rotations_new (
    number_id       INTEGER PRIMARY KEY REFERENCES numbers (id) ON DELETE CASCADE,
    stage           TEXT NOT NULL CHECK (stage IN ('staging', 'staged', 'promoted', 'recorded')),
    new_fingerprint TEXT NOT NULL,
    new_hint        TEXT NOT NULL,
    verified        INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    started_at      TEXT NOT NULL
) STRICT;
INSERT INTO key_rotations_new SELECT * FROM key_rotations;
DROP TABLE key_rotations;
ALTER TABLE key_rotations_new RENAME TO key_rotations;

-- JSON object of header names and values, without the shared-secret header's value (that
-- stays in the keyring); NULL when unknown.
ALTER TABLE numbers ADD COLUMN webhook_headers_known TEXT;
