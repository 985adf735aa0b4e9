-- 0008: people join by a link. The admin makes an invitation (a role, an expiry, a
-- number of uses, a note); only the SHA-256 of its code is stored, the code itself
-- travels in the link's fragment. Redeeming takes one use atomically and creates the
-- user, who remembers the invitation it came from.

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash   TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('contributor', 'reviewer')),
    note        TEXT    NOT NULL DEFAULT '',
    max_uses    INTEGER NOT NULL CHECK (max_uses >= 1),
    uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses <= max_uses),
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT,
    created_at  TEXT    NOT NULL
);

ALTER TABLE users ADD COLUMN invitation_id INTEGER REFERENCES invitations(id);
