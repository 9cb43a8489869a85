-- The template library: each number's templates as last synced from the API, so the app works
-- offline and can compare language variants. Status is kept verbatim (any case, unknown values).
CREATE TABLE templates (
    number_id        INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    language         TEXT NOT NULL,
    template_id      TEXT,
    category         TEXT NOT NULL,
    status           TEXT NOT NULL,
    quality          TEXT,
    rejected_reason  TEXT,
    parameter_format TEXT,
    components       TEXT NOT NULL,
    body_text        TEXT NOT NULL DEFAULT '',
    synced_at        TEXT NOT NULL,
    PRIMARY KEY (number_id, name, language)
) STRICT, WITHOUT ROWID;

CREATE TABLE template_syncs (
    number_id INTEGER PRIMARY KEY REFERENCES numbers (id) ON DELETE CASCADE,
    synced_at TEXT NOT NULL,
    total     INTEGER NOT NULL
) STRICT;

-- The last test-send inputs per template and language, reused next time.
CREATE TABLE test_inputs (
    number_id  INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    language   TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    values_json TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (number_id, name, language)
) STRICT, WITHOUT ROWID;

-- QA runs: one template sent in every approved language, each variant signed off.
CREATE TABLE qa_runs (
    id         INTEGER PRIMARY KEY,
    number_id  INTEGER NOT NULL REFERENCES numbers (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    started_at TEXT NOT NULL
) STRICT;

CREATE INDEX qa_runs_by_template ON qa_runs (number_id, name, id);

CREATE TABLE qa_results (
    run_id    INTEGER NOT NULL REFERENCES qa_runs (id) ON DELETE CASCADE,
    language  TEXT NOT NULL,
    wamid     TEXT,
    error     TEXT,
    request   TEXT NOT NULL,
    verdict   TEXT CHECK (verdict IN ('pass', 'fail')),
    note      TEXT NOT NULL DEFAULT '',
    signed_at TEXT,
    PRIMARY KEY (run_id, language)
) STRICT;
