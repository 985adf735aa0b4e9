-- 0004: data-quality scans, the activity log's privacy-preserving IP digest, daily
-- login tracking, and indexes for per-day metrics.

CREATE TABLE quality_scans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at   TEXT    NOT NULL,
    modality     TEXT,
    total        INTEGER NOT NULL,
    score        REAL    NOT NULL,
    summary      TEXT    NOT NULL,
    details      TEXT    NOT NULL
);

-- The chain covers a keyed digest of the IP, so the address itself can be truncated
-- after the retention period without breaking verification.
ALTER TABLE activity_log ADD COLUMN ip_digest TEXT;
ALTER TABLE activity_log ADD COLUMN ip_truncated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX activity_retention ON activity_log (ip_truncated, created_at);
CREATE INDEX activity_day ON activity_log (created_at);
CREATE INDEX activity_user ON activity_log (user_id, id);

ALTER TABLE users ADD COLUMN last_login_day TEXT;

CREATE INDEX contributions_created ON training_contributions (created_at);
