-- Sends made here are reported to the team relay, so colleagues see them in History too; and
-- the sends colleagues made arrive through the relay's feed.
-- The sends not reported yet (the relay away, or this computer offline): reported in order on
-- reconnect, each removed once the relay has committed it.
CREATE TABLE relay_outbox (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    queued_at  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
) STRICT;

-- A colleague's send, from the relay: the name of the desktop (its relay token) that sent it.
ALTER TABLE messages ADD COLUMN sent_by TEXT;

-- An event that came through the relay: its sequence number there. The inbox lists such an
-- event with source `relay`. (`source` itself keeps its closed list `receiver`/`import`: a
-- CHECK constraint cannot change without rebuilding the table, which history rows reference;
-- relay events are stored as `import` with this column set.)
ALTER TABLE inbox_events ADD COLUMN relay_seq INTEGER;
