-- Builder drafts saved as the user types, per number, so a half-filled template survives
-- navigation and a restart. `draft` is the builder's TemplateDraft as JSON; `source_*` name the
-- variant an "Add a language" draft was started from (shown beside the new text).
CREATE TABLE template_drafts (
    id              INTEGER PRIMARY KEY,
    number_id       INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    draft           TEXT NOT NULL,
    source_name     TEXT,
    source_language TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX template_drafts_by_number ON template_drafts (number_id, updated_at);
