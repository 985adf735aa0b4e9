-- 0002: proofs. Salted commitments and owner encodings on each contribution, and the
-- stored perfect subtrees of the Merkle log (so proofs read O(log n) nodes).

ALTER TABLE training_contributions ADD COLUMN commitment TEXT;
ALTER TABLE training_contributions ADD COLUMN commitment_salt BLOB;
ALTER TABLE training_contributions ADD COLUMN ethereum_checksum TEXT;
ALTER TABLE training_contributions ADD COLUMN leaf_index INTEGER;

-- Node (level, idx) is the hash of leaves [idx << level, (idx + 1) << level).
CREATE TABLE merkle_nodes (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hash   BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
