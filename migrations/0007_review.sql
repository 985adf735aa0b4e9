-- 0007: people in the loop. A row's text becomes a history of versions (the machine's,
-- the contributor's own, each human correction); the row keeps the current one in
-- extracted_text with its version number and source. Reviewers (a user role) accept
-- or reject rows they lease one at a time; the decision, who made it and the word
-- error rate between the machine text and the accepted text stay on the row.

ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'contributor'
    CHECK (role IN ('contributor', 'reviewer'));

ALTER TABLE training_contributions ADD COLUMN text_version INTEGER;
ALTER TABLE training_contributions ADD COLUMN text_source TEXT
    CHECK (text_source IN ('machine', 'contributor', 'human'));
ALTER TABLE training_contributions ADD COLUMN review_state TEXT NOT NULL DEFAULT 'unreviewed'
    CHECK (review_state IN ('unreviewed', 'accepted', 'rejected'));
ALTER TABLE training_contributions ADD COLUMN reviewed_by TEXT;
ALTER TABLE training_contributions ADD COLUMN reviewed_at TEXT;
ALTER TABLE training_contributions ADD COLUMN review_wer REAL;

-- Every version of every row's text, oldest first; never rewritten, erased with the row.
CREATE TABLE text_versions (
    contribution_id  INTEGER NOT NULL REFERENCES training_contributions(id),
    version          INTEGER NOT NULL,
    text             TEXT    NOT NULL,
    source           TEXT    NOT NULL CHECK (source IN ('machine', 'contributor', 'human')),
    author           TEXT,
    engine           TEXT,
    model            TEXT,
    confidence       REAL,
    created_at       TEXT    NOT NULL,
    PRIMARY KEY (contribution_id, version)
);

-- Who is reviewing which row until when: at most one reviewer per row.
CREATE TABLE review_leases (
    contribution_id  INTEGER PRIMARY KEY REFERENCES training_contributions(id),
    reviewer         TEXT    NOT NULL,
    expires_at       TEXT    NOT NULL
);
CREATE INDEX review_leases_reviewer ON review_leases (reviewer);

-- The review queue: partial indexes holding only the rows waiting for a reviewer, so
-- leasing the next one and counting what remains never walk reviewed rows.
CREATE INDEX review_queue ON training_contributions (id)
    WHERE deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' AND included_in_training = 1;
CREATE INDEX review_queue_modality ON training_contributions (modality, id)
    WHERE deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' AND included_in_training = 1;

-- Rows that already have text start their history with it.
INSERT INTO text_versions (contribution_id, version, text, source, author, engine, model, confidence, created_at)
    SELECT id, 1, extracted_text,
           CASE WHEN modality = 'text' THEN 'contributor' ELSE 'machine' END,
           CASE WHEN modality = 'text' AND user_id IS NOT NULL THEN 'user:' || user_id END,
           extraction_engine, extraction_model, extraction_confidence, updated_at
    FROM training_contributions
    WHERE deleted_at IS NULL AND status = 'complete' AND extracted_text IS NOT NULL;
UPDATE training_contributions
    SET text_version = 1, text_source = CASE WHEN modality = 'text' THEN 'contributor' ELSE 'machine' END
    WHERE deleted_at IS NULL AND status = 'complete' AND extracted_text IS NOT NULL;
