-- 0005: history at scale: indexes for each filter (paged by id), full-text search, and a mark
-- for synthetic demo/benchmark data.
ALTER TABLE messages ADD COLUMN synthetic INTEGER NOT NULL DEFAULT 0;

CREATE INDEX messages_number_id ON messages (number_id, id);
CREATE INDEX messages_status_id ON messages (status, id);
CREATE INDEX messages_contact_id ON messages (contact, id);
CREATE INDEX messages_template_id ON messages (template_name, id) WHERE template_name IS NOT NULL;
CREATE INDEX messages_created ON messages (created_at);
CREATE INDEX status_events_wamid ON status_events (wamid);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body, template_name, contact, contact_name,
    content = 'messages', content_rowid = 'id', tokenize = 'unicode61'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body, template_name, contact, contact_name)
    VALUES (new.id, new.body, new.template_name, new.contact, new.contact_name);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body, template_name, contact, contact_name)
    VALUES ('delete', old.id, old.body, old.template_name, old.contact, old.contact_name);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, template_name, contact, contact_name ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body, template_name, contact, contact_name)
    VALUES ('delete', old.id, old.body, old.template_name, old.contact, old.contact_name);
    INSERT INTO messages_fts (rowid, body, template_name, contact, contact_name)
    VALUES (new.id, new.body, new.template_name, new.contact, new.contact_name);
END;

INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
