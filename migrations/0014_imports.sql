-- 0014: bulk imports. An import is a record of one body read (its SHA-256, who sent it,
-- its counts) and, per line, what became of it: created (the new row), duplicate (the
-- owner's existing row with the same content) or rejected (the problem's detail, as a
-- single contribution would get it). Rows are written in batches, one transaction each,
-- with the lines' outcomes, so an interrupted import shows how far it got and a re-run
-- reports the rows already there as duplicates.

CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Who imported: a user, or NULL for the admin.
    user_id       INTEGER REFERENCES users(id),
    format        TEXT    NOT NULL CHECK (format IN ('jsonl')),
    sha256        TEXT    NOT NULL,
    lines         INTEGER NOT NULL,
    created       INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    state         TEXT    NOT NULL CHECK (state IN ('running', 'finished')),
    created_at    TEXT    NOT NULL,
    finished_at   TEXT
);

-- A rowid table, as every table but merkle_nodes: snapshots page tables by rowid.
CREATE TABLE import_lines (
    import_id        INTEGER NOT NULL REFERENCES imports(id),
    line             INTEGER NOT NULL,
    outcome          TEXT    NOT NULL CHECK (outcome IN ('created', 'duplicate', 'rejected')),
    contribution_id  INTEGER,
    source_id        TEXT,
    -- The problem's status and detail of a rejected line.
    status           INTEGER,
    detail           TEXT,
    PRIMARY KEY (import_id, line)
);
