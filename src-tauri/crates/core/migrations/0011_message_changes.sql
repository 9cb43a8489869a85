-- What later webhooks change on a message: the emoji of the customer's reaction to it (NULL
-- when none or removed), when the customer edited it (its body then holds the edited text) and
-- when they deleted it (revoke).
ALTER TABLE messages ADD COLUMN reaction TEXT;
ALTER TABLE messages ADD COLUMN edited_at TEXT;
ALTER TABLE messages ADD COLUMN deleted_at TEXT;
-- On a reaction: the message it reacts to (a reaction may arrive before that message).
ALTER TABLE messages ADD COLUMN reacts_to TEXT;
CREATE INDEX messages_reacts_to ON messages (reacts_to, id) WHERE reacts_to IS NOT NULL;

-- In a group, each participant's status is its own event: the participant joins the key.
CREATE TABLE status_events_by_participant (
    id             INTEGER PRIMARY KEY,
    wamid          TEXT NOT NULL,
    status         TEXT NOT NULL,
    timestamp      TEXT NOT NULL,
    recipient      TEXT,
    error_code     INTEGER,
    inbox_event_id INTEGER REFERENCES inbox_events (id) ON DELETE SET NULL,
    raw_json       TEXT NOT NULL,
    participant    TEXT NOT NULL DEFAULT '',
    UNIQUE (wamid, status, participant)
) STRICT;
INSERT INTO status_events_by_participant (id, wamid, status, timestamp, recipient, error_code, inbox_event_id, raw_json)
    SELECT id, wamid, status, timestamp, recipient, error_code, inbox_event_id, raw_json FROM status_events;
DROP TABLE status_events;
ALTER TABLE status_events_by_participant RENAME TO status_events;
