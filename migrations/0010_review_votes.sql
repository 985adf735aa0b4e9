-- 0010: several reviewers per row. Every decision is its own vote (who, accept or
-- reject, the text an accept vouches for, the text version decided on, how long it
-- took from lease to decision); the row's review_state is derived from its votes and
-- kept in step, and gains 'adjudication' (accepts disagree on the text: an adjudicator
-- decides). Users and invitations gain the role 'adjudicator'. Existing single
-- decisions become one vote each; rows keep their state.

CREATE TABLE review_votes (
    contribution_id  INTEGER NOT NULL REFERENCES training_contributions(id),
    reviewer         TEXT    NOT NULL,
    text_version     INTEGER NOT NULL,
    decision         TEXT    NOT NULL CHECK (decision IN ('accept', 'reject')),
    text             TEXT,
    adjudication     INTEGER NOT NULL DEFAULT 0,
    seconds          REAL,
    created_at       TEXT    NOT NULL,
    PRIMARY KEY (contribution_id, reviewer, text_version, adjudication)
);
CREATE INDEX review_votes_reviewer ON review_votes (reviewer, contribution_id);

ALTER TABLE review_leases ADD COLUMN leased_at TEXT;
ALTER TABLE training_contributions ADD COLUMN review_votes INTEGER NOT NULL DEFAULT 0;

-- A CHECK cannot be altered: the column is copied into one with the wider check, the
-- old one dropped (with the partial indexes that name it) and the copy renamed.
DROP INDEX review_queue;
DROP INDEX review_queue_modality;
ALTER TABLE training_contributions ADD COLUMN review_state_v2 TEXT NOT NULL DEFAULT 'unreviewed'
    CHECK (review_state_v2 IN ('unreviewed', 'accepted', 'rejected', 'adjudication'));
UPDATE training_contributions SET review_state_v2 = review_state;
ALTER TABLE training_contributions DROP COLUMN review_state;
ALTER TABLE training_contributions RENAME COLUMN review_state_v2 TO review_state;
CREATE INDEX review_queue ON training_contributions (id)
    WHERE deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' AND included_in_training = 1;
CREATE INDEX review_queue_modality ON training_contributions (modality, id)
    WHERE deleted_at IS NULL AND review_state = 'unreviewed' AND status = 'complete' AND included_in_training = 1;

ALTER TABLE users ADD COLUMN role_v2 TEXT NOT NULL DEFAULT 'contributor'
    CHECK (role_v2 IN ('contributor', 'reviewer', 'adjudicator'));
UPDATE users SET role_v2 = role;
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users RENAME COLUMN role_v2 TO role;

ALTER TABLE invitations ADD COLUMN role_v2 TEXT NOT NULL DEFAULT 'contributor'
    CHECK (role_v2 IN ('contributor', 'reviewer', 'adjudicator'));
UPDATE invitations SET role_v2 = role;
ALTER TABLE invitations DROP COLUMN role;
ALTER TABLE invitations RENAME COLUMN role_v2 TO role;

INSERT INTO review_votes (contribution_id, reviewer, text_version, decision, text, created_at)
    SELECT id, reviewed_by, IFNULL(text_version, 0),
           CASE review_state WHEN 'accepted' THEN 'accept' ELSE 'reject' END,
           CASE review_state WHEN 'accepted' THEN extracted_text END,
           IFNULL(reviewed_at, updated_at)
    FROM training_contributions
    WHERE deleted_at IS NULL AND review_state IN ('accepted', 'rejected') AND reviewed_by IS NOT NULL;
UPDATE training_contributions SET review_votes = 1
    WHERE deleted_at IS NULL AND review_state IN ('accepted', 'rejected') AND reviewed_by IS NOT NULL;
