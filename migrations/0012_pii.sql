-- 0012: personal data found in the texts. Every text version is scanned when it is
-- written (crates/pii); older rows by the quality scan. A finding keeps its kind, its
-- span in characters of that version's text, a keyed hash of the matched text (never
-- the text), the detector's confidence, and what reviewers decided about it.

CREATE TABLE pii_findings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    contribution_id INTEGER NOT NULL REFERENCES training_contributions(id),
    version         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('secret', 'url_credentials', 'email', 'iban', 'card', 'ip', 'phone', 'name')),
    start_char      INTEGER NOT NULL CHECK (start_char >= 0),
    end_char        INTEGER NOT NULL CHECK (end_char > start_char),
    value_hash      TEXT    NOT NULL,
    confidence      REAL    NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    -- 'detector' or 'reviewer' (a finding the detector missed, added by hand).
    origin          TEXT    NOT NULL CHECK (origin IN ('detector', 'reviewer')),
    -- NULL until a reviewer confirms it or dismisses it as a false positive.
    decision        TEXT    CHECK (decision IN ('confirmed', 'dismissed')),
    decided_by      TEXT,
    decided_at      TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX pii_findings_row ON pii_findings (contribution_id, version);

-- The number of findings on the row's current text that no reviewer dismissed; NULL
-- while the row has not been scanned. Exports, the review queue and metrics read it.
ALTER TABLE training_contributions ADD COLUMN pii_count INTEGER;
CREATE INDEX review_queue_pii ON training_contributions (id)
    WHERE deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' AND included_in_training = 1
    AND pii_count > 0;
