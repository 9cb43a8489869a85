-- 0023: the receiver stores a body without looking for an earlier copy; the applier does.
--
-- Looking up every new body's hash in the unique index while the sender waits wrote one page
-- of that index (a random one: hashes have no order) per stored event, most of what storing
-- an event cost. The receiver now stores its bodies under a placeholder key that sorts after
-- every hash ('~' and the row id: the index grows at its end) with the hash here; before
-- applying the event, the applier gives it its hash, or finds it is a copy of an event
-- stored before and merges it into that one (counted as a duplicate there, as before).
-- Imports and the team relay still look up the hash as they store.
ALTER TABLE inbox_events ADD COLUMN pending_sha256 TEXT;
