-- 0005: publication and snapshots. Encrypted snapshots are recorded with the file's
-- hash and the checkpoint they match.

CREATE TABLE snapshots (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name     TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    tree_size     INTEGER NOT NULL,
    root_hash     TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

CREATE INDEX contributions_leaf ON training_contributions (leaf_index);
