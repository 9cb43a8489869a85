-- 0015: what the onboarding checklist last learnt about a number from 360dialog (the business
-- profile and the conversational components live there; this keeps the Numbers page's
-- progress readable without a call per number), and the last endpoint test of its webhook.
CREATE TABLE onboarding_state (
    number_id              INTEGER PRIMARY KEY REFERENCES numbers (id) ON DELETE CASCADE,
    profile_complete       INTEGER CHECK (profile_complete IN (0, 1)),
    profile_missing        TEXT NOT NULL DEFAULT '',
    profile_checked_at     TEXT,
    components_set         INTEGER CHECK (components_set IN (0, 1)),
    components_checked_at  TEXT,
    endpoint_test_ok       INTEGER CHECK (endpoint_test_ok IN (0, 1)),
    endpoint_test_url      TEXT,
    endpoint_tested_at     TEXT
) STRICT;
