-- 0003: data rights and export. A per-database secret for pseudonymous user ids in
-- exports, and an index for the export's oldest-first walk over training rows.

CREATE TABLE app_secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
);

CREATE INDEX contributions_training ON training_contributions (included_in_training, status, id);
