-- 0014: what a QA run sent and who signed it. Each result keeps the message as sent (the
-- rendered text, the values filled in, the template's components at the time) and the number it
-- went from; a sign-off names its signer, and every sign-off, the first and each change, is kept
-- in `qa_sign_offs` (the result holds the one in force).
ALTER TABLE qa_runs ADD COLUMN sender_phone TEXT;
ALTER TABLE qa_runs ADD COLUMN sender_label TEXT;

ALTER TABLE qa_results ADD COLUMN rendered TEXT;
ALTER TABLE qa_results ADD COLUMN values_json TEXT;
ALTER TABLE qa_results ADD COLUMN components_json TEXT;
ALTER TABLE qa_results ADD COLUMN signer TEXT;

CREATE TABLE qa_sign_offs (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER NOT NULL,
    language  TEXT NOT NULL,
    verdict   TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
    note      TEXT NOT NULL DEFAULT '',
    signer    TEXT,
    signed_at TEXT NOT NULL,
    FOREIGN KEY (run_id, language) REFERENCES qa_results (run_id, language) ON DELETE CASCADE
) STRICT;

CREATE INDEX qa_sign_offs_by_result ON qa_sign_offs (run_id, language, id);

-- Sign-offs made before: each becomes the first entry of its result.
INSERT INTO qa_sign_offs (run_id, language, verdict, note, signer, signed_at)
    SELECT run_id, language, verdict, note, NULL, COALESCE(signed_at, '')
    FROM qa_results WHERE verdict IS NOT NULL;
