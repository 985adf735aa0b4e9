-- 0006: witness cosignatures (C2SP tlog-witness). One row per witness and tree size:
-- the signature line it returned for the checkpoint of that size, verified before
-- it was stored; /checkpoint serves the lines of the latest checkpoint.

CREATE TABLE witness_cosignatures (
    witness       TEXT    NOT NULL,
    tree_size     INTEGER NOT NULL,
    signed_at     INTEGER NOT NULL,
    line          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (witness, tree_size)
);
