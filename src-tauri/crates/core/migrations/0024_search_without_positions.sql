-- 0024: the full-text index keeps which messages hold a word, not where in them.
--
-- Every History search and filter reads this index as lists of messages (migration 0020's
-- facet words, migration 0022's prefixes) and checks each row exactly (history/query.rs); none
-- asks where a word stands (no phrase of several words, no column filter, no snippet). The
-- positions the index kept by default made each list several times longer to read: a search
-- with a filter that no message matches reads both lists to their end, and at 1,000,000
-- messages that took 21-27 ms with positions and 2-3 times less without them. A search word
-- is one token of the index's own tokenizer (history/facets.rs), as a list without positions
-- can only answer single words.
-- Facets, the text, the prefixes and the triggers are those of migrations 0020 and 0022; only
-- the index is rebuilt (converting a database re-indexes every message once).
DROP TABLE IF EXISTS messages_fts;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body, template_name, contact, contact_name, facets,
    content = '', tokenize = 'unicode61', prefix = '4', detail = 'none'
);

INSERT INTO messages_fts (rowid, body, template_name, contact, contact_name, facets)
SELECT m.id, m.body, m.template_name, m.contact, m.contact_name,
        concat_ws(' ',
        char(57344) || 'd' || hex(m.direction),
        char(57344) || 's' || hex(CASE WHEN m.status IN ('accepted', 'sent', 'delivered') THEN 'in flight' ELSE m.status END),
        char(57344) || 'c' || hex(m.contact),
        CASE WHEN m.number_id IS NOT NULL THEN char(57344) || 'n' || hex(m.number_id) END,
        CASE WHEN m.template_name IS NOT NULL THEN char(57344) || 't' || hex(m.template_name) END,
        CASE WHEN m.template_language IS NOT NULL THEN char(57344) || 'l' || hex(m.template_language) END,
        CASE WHEN m.error_code IS NOT NULL THEN char(57344) || 'e' || hex(m.error_code) END,
        char(57344) || 'y' || hex(substr(m.created_at, 1, 4)),
        char(57344) || 'm' || hex(substr(m.created_at, 1, 7)),
        char(57344) || 'a' || hex(substr(m.created_at, 1, 10)),
        char(57344) || 'h' || hex(substr(m.created_at, 1, 13)))
FROM messages m;
