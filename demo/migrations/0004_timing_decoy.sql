-- A row that attempts which count nothing (unknown account, closed gate) write to instead, so
-- that every failed login does the same number of disk writes as a wrong password on a known
-- account: neither the answer nor its timing tells them apart.
CREATE TABLE timing_decoy (
    id     INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    writes BIGINT  NOT NULL DEFAULT 0
);

INSERT INTO timing_decoy (id, writes) VALUES (1, 0);
