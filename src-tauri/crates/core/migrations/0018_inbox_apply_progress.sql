-- A large event is applied to history in chunks, one transaction each, so that storing (and
-- answering) new webhooks never waits for a whole event: how many of its items (statuses,
-- messages, other fields' updates) are applied so far, and the problems those chunks found
-- (JSON: {"kept": [...], "more": n}). A restart goes on from there.
ALTER TABLE inbox_events ADD COLUMN applied_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_events ADD COLUMN apply_problems TEXT;
