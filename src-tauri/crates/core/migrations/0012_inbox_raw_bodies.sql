-- A body that is not UTF-8 is kept byte for byte (its hash is of these bytes); `body` then
-- holds its text with the invalid sequences replaced, for display. NULL for UTF-8 bodies.
ALTER TABLE inbox_events ADD COLUMN body_raw BLOB;
