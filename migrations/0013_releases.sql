-- 0013: numbered dataset releases. A release freezes, at a signed checkpoint, which
-- rows it holds and, per row, the exact text version and the state its export reads
-- (review, extraction, the personal data found that counts), so its files can be
-- rebuilt byte for byte from the stored text versions and media. Its manifest (one
-- line per row: leaf index, commitment, row and media SHA-256) is hashed, signed as a
-- note and appended to the log as a release leaf. Rows erased later are withdrawn:
-- left out of every later download and listed, append-only, in the deletions list.

CREATE TABLE releases (
    number           INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE,
    notes            TEXT    NOT NULL,
    -- The export query (filters and pii policy) it was cut with, as given.
    selection        TEXT    NOT NULL,
    pii_policy       TEXT    NOT NULL CHECK (pii_policy IN ('mask', 'drop')),
    -- JSON list of the formats frozen, e.g. ["jsonl","hf"].
    formats          TEXT    NOT NULL,
    -- The signed checkpoint the rows were chosen at: every row's leaf is below it.
    checkpoint_size  INTEGER NOT NULL,
    checkpoint_note  TEXT    NOT NULL,
    row_count        INTEGER NOT NULL,
    -- 'building' while rows are hashed, 'published' once its leaf is in the log.
    state            TEXT    NOT NULL CHECK (state IN ('building', 'published')),
    manifest_sha256  TEXT,
    -- The signed note naming the release, its checkpoint and manifest hash.
    statement        TEXT,
    leaf_index       INTEGER,
    -- JSON object: format -> {"sha256", "bytes"} of each file as first built.
    files            TEXT    NOT NULL DEFAULT '{}',
    created_by       TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    published_at     TEXT
);

CREATE TABLE release_rows (
    release               INTEGER NOT NULL REFERENCES releases(number),
    contribution_id       INTEGER NOT NULL,
    leaf_index            INTEGER NOT NULL,
    commitment            TEXT    NOT NULL,
    text_version          INTEGER NOT NULL,
    text_source           TEXT,
    extraction_engine     TEXT,
    extraction_model      TEXT,
    extraction_confidence REAL,
    review_state          TEXT    NOT NULL,
    review_votes          INTEGER NOT NULL,
    pii_count             INTEGER,
    -- SHA-256 of the row's jsonl line as the release exports it, and of its media as
    -- the hf files carry it (NULL: none); NULL until the build reaches the row.
    row_sha256            TEXT,
    media_sha256          TEXT,
    PRIMARY KEY (release, contribution_id)
);
CREATE INDEX release_rows_contribution ON release_rows (contribution_id);

-- The personal data that counted in each frozen text version (not dismissed at the
-- time), so later reviews do not change a release's masking.
CREATE TABLE release_pii (
    release          INTEGER NOT NULL REFERENCES releases(number),
    contribution_id  INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    start_char       INTEGER NOT NULL,
    end_char         INTEGER NOT NULL,
    confidence       REAL    NOT NULL
);
CREATE INDEX release_pii_row ON release_pii (release, contribution_id);

-- The public deletions list: a row of a release that was erased, by leaf and
-- commitment only. Append-only.
CREATE TABLE release_withdrawals (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    release          INTEGER NOT NULL REFERENCES releases(number),
    leaf_index       INTEGER NOT NULL,
    commitment       TEXT    NOT NULL,
    withdrawn_at     TEXT    NOT NULL
);
