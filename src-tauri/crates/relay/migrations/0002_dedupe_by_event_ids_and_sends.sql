-- A retry is recognised by the events it carries, not only by its bytes: a body re-serialised
-- differently (keys in another order, other whitespace) with the same message and status ids is
-- the same delivery. `dedupe_key` is the SHA-256 of "ids:" and its sorted, distinct event ids
-- (the body's SHA-256 when it has none, e.g. a template status update); the relay computes the
-- same key for new bodies. Rows stored twice before this (a re-serialised retry) keep their
-- body hash as their key, so the constraint can be added.
-- Sends a desktop reports (`POST /v1/sends`) are stored here too, with source 'desktop' and the
-- key of their wamid, so colleagues' desktops see them in the same feed.
ALTER TABLE events ADD COLUMN dedupe_key BYTEA;

UPDATE events e SET dedupe_key = k.key
FROM (
    SELECT seq,
           CASE WHEN row_number() OVER (PARTITION BY key ORDER BY seq) = 1 THEN key ELSE body_sha256 END AS key
    FROM (
        SELECT seq, body_sha256,
               CASE WHEN event_ids = '' THEN body_sha256
                    ELSE sha256(convert_to('ids:' || (
                        SELECT string_agg(DISTINCT x COLLATE "C", ',' ORDER BY x COLLATE "C")
                        FROM unnest(string_to_array(events.event_ids, ',')) AS x
                    ), 'UTF8'))
               END AS key
        FROM events
    ) s
) k
WHERE e.seq = k.seq;

ALTER TABLE events ALTER COLUMN dedupe_key SET NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_dedupe_key UNIQUE (dedupe_key);
ALTER TABLE events ADD CONSTRAINT events_source CHECK (source IN ('webhook', 'desktop'));
