-- 0006: indexes made redundant by 0005 (each write paid for them, no query used them):
-- UNIQUE (wamid, status) already serves lookups by wamid, and history pages by id.
DROP INDEX status_events_wamid;
DROP INDEX messages_number_created;
DROP INDEX messages_contact_created;
