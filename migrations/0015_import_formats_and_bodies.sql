-- 0015: an import's record names what its body was: JSONL, a JSON array, a zip or tar
-- of files, or this service's hf export (0014 knew JSONL only). SQLite changes a CHECK
-- by rebuilding the table; the ids stay, so import_lines still point at their import.

CREATE TABLE imports_0015 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Who imported: a user, or NULL for the admin.
    user_id       INTEGER REFERENCES users(id),
    format        TEXT    NOT NULL CHECK (format IN ('jsonl', 'json', 'zip', 'tar', 'hf')),
    sha256        TEXT    NOT NULL,
    lines         INTEGER NOT NULL,
    created       INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    state         TEXT    NOT NULL CHECK (state IN ('running', 'finished')),
    created_at    TEXT    NOT NULL,
    finished_at   TEXT
);
INSERT INTO imports_0015 (id, user_id, format, sha256, lines, created, duplicates, rejected, state, created_at, finished_at)
    SELECT id, user_id, format, sha256, lines, created, duplicates, rejected, state, created_at, finished_at FROM imports;
DROP TABLE imports;
ALTER TABLE imports_0015 RENAME TO imports;

-- A large import's body, kept while the import runs so that later requests (the
-- importer's, or the worker's) go on where the last one stopped; removed when the
-- import finishes, or when its importer's account is closed.
CREATE TABLE import_bodies (
    import_id     INTEGER PRIMARY KEY REFERENCES imports(id),
    content_type  TEXT    NOT NULL,
    body          BLOB    NOT NULL
);
