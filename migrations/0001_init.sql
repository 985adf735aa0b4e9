-- 0001: the seed's tables. Released migrations are never edited; add a new file instead.

-- Contributors and their API tokens (only a SHA-256 of each token is kept).
CREATE TABLE users (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL
);

-- Content-addressed media bytes, shared by every row that contributed the same bytes.
CREATE TABLE blobs (
    sha256      TEXT    PRIMARY KEY,
    mime        TEXT    NOT NULL,
    byte_size   INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    created_at  TEXT    NOT NULL
);

-- One row per contribution, whatever its modality.
CREATE TABLE training_contributions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                INTEGER REFERENCES users(id),
    modality               TEXT    NOT NULL CHECK (modality IN ('voice', 'screenshot', 'drawing', 'text')),
    status                 TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'complete', 'failed')),
    mime                   TEXT    NOT NULL,
    byte_size              INTEGER NOT NULL,
    content_hash           TEXT    NOT NULL,
    blob_sha256            TEXT    REFERENCES blobs(sha256),
    extracted_text         TEXT,
    strokes                TEXT,
    metadata               TEXT    NOT NULL DEFAULT '{}',
    extraction_engine      TEXT,
    extraction_model       TEXT,
    extraction_confidence  REAL,
    last_error             TEXT,
    qr_verification_code   TEXT    UNIQUE,
    user_can_export        INTEGER NOT NULL DEFAULT 1,
    user_can_delete        INTEGER NOT NULL DEFAULT 1,
    included_in_training   INTEGER NOT NULL DEFAULT 1,
    snapshot_hash          TEXT,
    github_published       INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    deleted_at             TEXT
);
-- The same user sending the same content again finds the existing row.
CREATE UNIQUE INDEX contributions_owner_content
    ON training_contributions (IFNULL(user_id, 0), content_hash) WHERE deleted_at IS NULL;
CREATE INDEX contributions_user ON training_contributions (user_id, id);
CREATE INDEX contributions_modality ON training_contributions (modality, id);
CREATE INDEX contributions_status ON training_contributions (status, id);

-- Extraction work for the native worker (at-least-once, leased).
CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT    NOT NULL CHECK (kind IN ('transcribe', 'ocr')),
    contribution_id   INTEGER NOT NULL REFERENCES training_contributions(id),
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'dead', 'cancelled')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL DEFAULT 5,
    lease_owner       TEXT,
    lease_token       TEXT,
    lease_expires_at  TEXT,
    not_before        TEXT,
    last_error        TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, kind, id);
CREATE INDEX jobs_contribution ON jobs (contribution_id);

-- Tamper-evident activity log: each proof_hash chains to the previous row's.
CREATE TABLE activity_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    log_type     TEXT    NOT NULL,
    user_id      INTEGER,
    action_data  TEXT    NOT NULL DEFAULT '{}',
    ip_address   TEXT,
    user_agent   TEXT,
    created_at   TEXT    NOT NULL,
    proof_hash   TEXT    NOT NULL
);
CREATE INDEX activity_type ON activity_log (log_type, id);

-- A user's generated lore profile.
CREATE TABLE user_lore (
    user_id       INTEGER PRIMARY KEY REFERENCES users(id),
    color         TEXT NOT NULL,
    archetype     TEXT NOT NULL,
    origin_story  TEXT NOT NULL,
    powers        TEXT NOT NULL,
    weaknesses    TEXT NOT NULL,
    theme_css     TEXT NOT NULL,
    generator     TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- The append-only Merkle log: one leaf per contribution, no personal data.
CREATE TABLE log_leaves (
    leaf_index       INTEGER PRIMARY KEY,
    contribution_id  INTEGER REFERENCES training_contributions(id),
    leaf_data        BLOB NOT NULL,
    leaf_hash        BLOB NOT NULL,
    created_at       TEXT NOT NULL
);

-- Signed tree heads.
CREATE TABLE checkpoints (
    tree_size    INTEGER PRIMARY KEY,
    root_hash    BLOB NOT NULL,
    signed_note  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
