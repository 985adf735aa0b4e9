-- 0009: open collection campaigns. Anyone with a campaign's link may take part: the
-- first contribution makes an anonymous participant (a user row flagged anonymous, tied
-- to its campaign), with every right a contributor has. Rows carry their campaign.
-- `client_events` holds the recent joins and contributions of each client address (as a
-- SHA-256, kept an hour) that the per-address limits count.

CREATE TABLE campaigns (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    slug               TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL,
    modalities         TEXT    NOT NULL,              -- comma-separated modality names
    prompts            TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    max_contributions  INTEGER CHECK (max_contributions >= 1),
    daily_cap          INTEGER CHECK (daily_cap >= 1),
    contributions      INTEGER NOT NULL DEFAULT 0
                       CHECK (max_contributions IS NULL OR contributions <= max_contributions),
    ends_at            TEXT,
    closed_at          TEXT,
    created_at         TEXT    NOT NULL
);

ALTER TABLE users ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);
ALTER TABLE training_contributions ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id);
CREATE INDEX contributions_campaign ON training_contributions (campaign_id, user_id, created_at)
    WHERE campaign_id IS NOT NULL;

CREATE TABLE client_events (
    bucket  TEXT NOT NULL CHECK (bucket IN ('join', 'contribute')),
    client  TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX client_events_by_client ON client_events (bucket, client, at);
