-- 0019: insights over the history, kept up to date by triggers in the same transaction as
-- every write to `messages` (send, statuses, incoming, merge, retention, seed): nothing reads
-- the million rows of `messages` to draw a chart.

-- 1 when an outbound message went out inside the contact's 24-hour window (an inbound
-- message from the same contact to the same number in the 24 hours before it), else NULL (so
-- a send outside the window, the common case for a campaign, is not written twice). Set when
-- the message is recorded.
ALTER TABLE messages ADD COLUMN in_window INTEGER;
-- Inbound messages by contact and time: the window test and nothing else.
CREATE INDEX messages_inbound_contact ON messages (contact, created_at) WHERE direction = 'in';

UPDATE messages SET in_window = 1
WHERE direction = 'out' AND EXISTS (
    SELECT 1 FROM messages i
    WHERE i.direction = 'in' AND i.contact = messages.contact AND i.number_id IS messages.number_id
      AND i.created_at <= messages.created_at
      AND i.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', messages.created_at, '-24 hours'));

-- Messages per hour (UTC, `YYYY-MM-DDTHH` of `created_at`) and per everything Insights
-- filters or groups on. `number_id` 0: a number WABA Desk does not know; '' / 0: none;
-- `in_window` 1 inside the window, 0 not (or inbound).
CREATE TABLE insights_hourly (
    hour              TEXT NOT NULL,
    number_id         INTEGER NOT NULL,
    direction         TEXT NOT NULL,
    status            TEXT NOT NULL,
    template_name     TEXT NOT NULL,
    template_language TEXT NOT NULL,
    error_code        INTEGER NOT NULL,
    -- The pricing category of the latest status webhook (else the conversation's origin).
    category          TEXT NOT NULL,
    in_window         INTEGER NOT NULL,
    n                 INTEGER NOT NULL,
    PRIMARY KEY (hour, number_id, direction, status, template_name, template_language, error_code, category, in_window)
) STRICT, WITHOUT ROWID;

INSERT INTO insights_hourly
SELECT substr(created_at, 1, 13), COALESCE(number_id, 0), direction, status,
       COALESCE(template_name, ''), COALESCE(template_language, ''), COALESCE(error_code, 0),
       COALESCE(CAST(CASE WHEN json_valid(pricing_json) THEN json_extract(pricing_json, '$.category') END AS TEXT),
                CAST(CASE WHEN json_valid(conversation_json) THEN json_extract(conversation_json, '$.origin.type') END AS TEXT), ''),
       COALESCE(in_window, 0), count(*)
FROM messages GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

-- Customers waiting for an answer: the first inbound message since the last outbound one,
-- per number and contact.
CREATE TABLE insights_waits (
    number_id INTEGER NOT NULL,
    contact   TEXT NOT NULL,
    since     TEXT NOT NULL,
    PRIMARY KEY (number_id, contact)
) STRICT, WITHOUT ROWID;

-- Time to first reply, by the hour the customer wrote: `bucket` 0 under 1 min, 1 under 5 min,
-- 2 under 15 min, 3 under 1 h, 4 under 4 h, 5 under 24 h, 6 a day or more; `seconds` the sum.
CREATE TABLE insights_replies (
    hour      TEXT NOT NULL,
    number_id INTEGER NOT NULL,
    bucket    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    seconds   INTEGER NOT NULL,
    PRIMARY KEY (hour, number_id, bucket)
) STRICT, WITHOUT ROWID;

-- The history so far: each row with the number of outbound messages before it (per number
-- and contact); the inbound messages after the k-th outbound one wait for the (k+1)-th.
CREATE TEMP TABLE insights_seq AS
SELECT COALESCE(number_id, 0) AS number_id, contact, direction, created_at,
       SUM(direction = 'out') OVER (PARTITION BY COALESCE(number_id, 0), contact ORDER BY created_at, id
                                    ROWS UNBOUNDED PRECEDING) - (direction = 'out') AS seg
FROM messages;
CREATE TEMP TABLE insights_seq_waits AS
SELECT number_id, contact, seg, MIN(created_at) AS since FROM temp.insights_seq
WHERE direction = 'in' GROUP BY number_id, contact, seg;
CREATE TEMP TABLE insights_seq_replies AS
SELECT w.number_id, w.since,
       MAX(0, CAST(round((julianday(o.created_at) - julianday(w.since)) * 86400) AS INTEGER)) AS secs
FROM temp.insights_seq_waits w
JOIN temp.insights_seq o ON o.direction = 'out' AND o.number_id = w.number_id AND o.contact = w.contact AND o.seg = w.seg;
INSERT INTO insights_replies
SELECT substr(since, 1, 13), number_id,
       CASE WHEN secs < 60 THEN 0 WHEN secs < 300 THEN 1 WHEN secs < 900 THEN 2 WHEN secs < 3600 THEN 3
            WHEN secs < 14400 THEN 4 WHEN secs < 86400 THEN 5 ELSE 6 END,
       count(*), sum(secs)
FROM temp.insights_seq_replies GROUP BY 1, 2, 3;
INSERT INTO insights_waits
SELECT w.number_id, w.contact, w.since FROM temp.insights_seq_waits w
WHERE w.seg = (SELECT MAX(s.seg) FROM temp.insights_seq_waits s WHERE s.number_id = w.number_id AND s.contact = w.contact)
  AND NOT EXISTS (SELECT 1 FROM temp.insights_seq o WHERE o.direction = 'out' AND o.number_id = w.number_id
                  AND o.contact = w.contact AND o.seg = w.seg);
DROP TABLE temp.insights_seq_replies;
DROP TABLE temp.insights_seq_waits;
DROP TABLE temp.insights_seq;

-- Each trigger adds or takes one from a key by an upsert, so the counts are right whatever
-- order SQLite runs the triggers of one statement in (a key may briefly go to -1).
CREATE TRIGGER insights_message_insert AFTER INSERT ON messages BEGIN
    INSERT INTO insights_hourly VALUES (
        substr(new.created_at, 1, 13), COALESCE(new.number_id, 0), new.direction, new.status,
        COALESCE(new.template_name, ''), COALESCE(new.template_language, ''), COALESCE(new.error_code, 0),
        COALESCE(CAST(CASE WHEN json_valid(new.pricing_json) THEN json_extract(new.pricing_json, '$.category') END AS TEXT),
                 CAST(CASE WHEN json_valid(new.conversation_json) THEN json_extract(new.conversation_json, '$.origin.type') END AS TEXT), ''),
        COALESCE(new.in_window, 0), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER insights_message_delete AFTER DELETE ON messages BEGIN
    INSERT INTO insights_hourly VALUES (
        substr(old.created_at, 1, 13), COALESCE(old.number_id, 0), old.direction, old.status,
        COALESCE(old.template_name, ''), COALESCE(old.template_language, ''), COALESCE(old.error_code, 0),
        COALESCE(CAST(CASE WHEN json_valid(old.pricing_json) THEN json_extract(old.pricing_json, '$.category') END AS TEXT),
                 CAST(CASE WHEN json_valid(old.conversation_json) THEN json_extract(old.conversation_json, '$.origin.type') END AS TEXT), ''),
        COALESCE(old.in_window, 0), -1)
    ON CONFLICT DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER insights_message_update
AFTER UPDATE OF created_at, number_id, direction, status, template_name, template_language, error_code,
                pricing_json, conversation_json, in_window ON messages
WHEN old.created_at IS NOT new.created_at OR old.number_id IS NOT new.number_id
  OR old.direction IS NOT new.direction OR old.status IS NOT new.status
  OR old.template_name IS NOT new.template_name OR old.template_language IS NOT new.template_language
  OR old.error_code IS NOT new.error_code OR old.pricing_json IS NOT new.pricing_json
  OR old.conversation_json IS NOT new.conversation_json OR old.in_window IS NOT new.in_window
BEGIN
    -- One statement for both keys: the old one loses the message, the new one gains it.
    INSERT INTO insights_hourly VALUES
        (substr(old.created_at, 1, 13), COALESCE(old.number_id, 0), old.direction, old.status,
         COALESCE(old.template_name, ''), COALESCE(old.template_language, ''), COALESCE(old.error_code, 0),
         COALESCE(CAST(CASE WHEN json_valid(old.pricing_json) THEN json_extract(old.pricing_json, '$.category') END AS TEXT),
                  CAST(CASE WHEN json_valid(old.conversation_json) THEN json_extract(old.conversation_json, '$.origin.type') END AS TEXT), ''),
         COALESCE(old.in_window, 0), -1),
        (substr(new.created_at, 1, 13), COALESCE(new.number_id, 0), new.direction, new.status,
         COALESCE(new.template_name, ''), COALESCE(new.template_language, ''), COALESCE(new.error_code, 0),
         COALESCE(CAST(CASE WHEN json_valid(new.pricing_json) THEN json_extract(new.pricing_json, '$.category') END AS TEXT),
                  CAST(CASE WHEN json_valid(new.conversation_json) THEN json_extract(new.conversation_json, '$.origin.type') END AS TEXT), ''),
         COALESCE(new.in_window, 0), 1)
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- A new outbound message: inside the window or not, and the answer to a waiting customer.
CREATE TRIGGER insights_outbound_insert AFTER INSERT ON messages WHEN new.direction = 'out' BEGIN
    UPDATE messages SET in_window = 1
    WHERE id = new.id AND EXISTS (
        SELECT 1 FROM messages i
        WHERE i.direction = 'in' AND i.contact = new.contact AND i.number_id IS new.number_id
          AND i.created_at <= new.created_at
          AND i.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', new.created_at, '-24 hours'));
    INSERT INTO insights_replies
    SELECT substr(since, 1, 13), number_id,
           CASE WHEN secs < 60 THEN 0 WHEN secs < 300 THEN 1 WHEN secs < 900 THEN 2 WHEN secs < 3600 THEN 3
                WHEN secs < 14400 THEN 4 WHEN secs < 86400 THEN 5 ELSE 6 END,
           1, secs
    FROM (SELECT number_id, since,
                 MAX(0, CAST(round((julianday(new.created_at) - julianday(since)) * 86400) AS INTEGER)) AS secs
          FROM insights_waits
          WHERE number_id = COALESCE(new.number_id, 0) AND contact = new.contact AND since <= new.created_at)
    WHERE true
    ON CONFLICT DO UPDATE SET n = n + 1, seconds = seconds + excluded.seconds;
    DELETE FROM insights_waits
    WHERE number_id = COALESCE(new.number_id, 0) AND contact = new.contact AND since <= new.created_at;
END;

-- An outbound message first known from its statuses gets its number or contact from the
-- send's record: the same questions again.
CREATE TRIGGER insights_outbound_update AFTER UPDATE OF contact, number_id ON messages
WHEN new.direction = 'out' AND (old.contact IS NOT new.contact OR old.number_id IS NOT new.number_id) BEGIN
    UPDATE messages SET in_window = CASE WHEN EXISTS (
        SELECT 1 FROM messages i
        WHERE i.direction = 'in' AND i.contact = new.contact AND i.number_id IS new.number_id
          AND i.created_at <= new.created_at
          AND i.created_at > strftime('%Y-%m-%dT%H:%M:%fZ', new.created_at, '-24 hours')) THEN 1 END
    WHERE id = new.id;
    INSERT INTO insights_replies
    SELECT substr(since, 1, 13), number_id,
           CASE WHEN secs < 60 THEN 0 WHEN secs < 300 THEN 1 WHEN secs < 900 THEN 2 WHEN secs < 3600 THEN 3
                WHEN secs < 14400 THEN 4 WHEN secs < 86400 THEN 5 ELSE 6 END,
           1, secs
    FROM (SELECT number_id, since,
                 MAX(0, CAST(round((julianday(new.created_at) - julianday(since)) * 86400) AS INTEGER)) AS secs
          FROM insights_waits
          WHERE number_id = COALESCE(new.number_id, 0) AND contact = new.contact AND since <= new.created_at)
    WHERE true
    ON CONFLICT DO UPDATE SET n = n + 1, seconds = seconds + excluded.seconds;
    DELETE FROM insights_waits
    WHERE number_id = COALESCE(new.number_id, 0) AND contact = new.contact AND since <= new.created_at;
END;

-- A new inbound message: the customer waits from their first unanswered message.
CREATE TRIGGER insights_inbound_insert AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
    INSERT INTO insights_waits VALUES (COALESCE(new.number_id, 0), new.contact, new.created_at)
    ON CONFLICT DO NOTHING;
END;
