-- Sésame demo portal: accounts, sessions, audit log.
-- Portable SQL: valid for SQLite and PostgreSQL alike.

CREATE TABLE accounts (
    portal        TEXT   NOT NULL,
    identifier    TEXT   NOT NULL,
    display_name  TEXT   NOT NULL,
    -- argon2id PHC string; never the password.
    password_hash TEXT   NOT NULL,
    -- Consecutive failed logins, and when the last one happened (Unix seconds).
    failures      BIGINT NOT NULL DEFAULT 0,
    last_failure  BIGINT,
    PRIMARY KEY (portal, identifier)
);

CREATE TABLE sessions (
    -- SHA-256 (hex) of the cookie's random token; the token itself is never stored.
    token_hash       TEXT   NOT NULL PRIMARY KEY,
    portal           TEXT   NOT NULL,
    identifier       TEXT   NOT NULL,
    method           TEXT   NOT NULL,
    authenticated_at BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

CREATE INDEX sessions_account ON sessions (portal, identifier);

CREATE TABLE audit_log (
    at         BIGINT NOT NULL,
    event      TEXT   NOT NULL,
    portal     TEXT   NOT NULL,
    identifier TEXT   NOT NULL,
    ip         TEXT   NOT NULL,
    outcome    TEXT   NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at);
