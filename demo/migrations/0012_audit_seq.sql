-- The audit log's order of arrival, on SQLite and PostgreSQL alike (SQLite's rowid has no
-- PostgreSQL counterpart): each insert takes MAX(seq) + 1 through this index. Two rows
-- written at once by two connections may share a number; rows from before are NULL.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;

CREATE INDEX audit_log_seq ON audit_log (seq);
