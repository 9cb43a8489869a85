-- The team relay this profile subscribes to (at most one): its URL, the token's name the relay
-- answered with, and the cursor up to which its feed has been stored here. The token itself is
-- in the keyring.
CREATE TABLE relay_subscription (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    url          TEXT NOT NULL,
    token_name   TEXT NOT NULL,
    cursor       INTEGER NOT NULL DEFAULT 0,
    connected_at TEXT NOT NULL,
    last_sync_at TEXT,
    last_error   TEXT
);
