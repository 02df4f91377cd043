-- Account journeys (issue 14): accounts without a password yet, e-mailed links, the terms of use
-- accepted, and the sessions waiting for them. Portable SQL: valid for SQLite and PostgreSQL alike.

-- What an account may do: 'active' (logs in), 'invited' (created without a password: logs in
-- with one once it is set through its first-login link) or 'pending' (signed up, not confirmed:
-- cannot log in). An account without a password keeps password_hash NOT NULL with the marker
-- '!', which is no PHC string: the login never verifies it (an account that is not active is
-- checked against the dummy hash, as an unknown one), and would never match if it did.
ALTER TABLE accounts ADD COLUMN account_status TEXT NOT NULL DEFAULT 'active';

-- A link e-mailed to an account: only the SHA-256 of its random token is stored. Single use
-- (used_at, set by one conditional UPDATE; also set when the link is spent: replaced by a newer
-- link of the same account and purpose, or by too many wrong codes), bound to one account of
-- one portal and one purpose ('first_login', 'reset', 'signup').
-- A sign-up link also carries its SMS code: the SHA-256 of the token and the code, its expiry,
-- the codes sent and the codes checked (each counted before it is checked).
CREATE TABLE account_links (
    token_hash      TEXT   NOT NULL PRIMARY KEY,
    portal          TEXT   NOT NULL,
    identifier      TEXT   NOT NULL,
    purpose         TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT,
    code_hash       TEXT,
    code_expires_at BIGINT,
    sends           BIGINT NOT NULL DEFAULT 0,
    last_send_at    BIGINT,
    wrong_codes     BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

CREATE INDEX account_links_account ON account_links (portal, identifier, purpose);

-- The terms of use an account accepted: one row per version, with when.
CREATE TABLE terms_acceptances (
    portal      TEXT   NOT NULL,
    identifier  TEXT   NOT NULL,
    version     TEXT   NOT NULL,
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (portal, identifier, version),
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

-- A session opened for an account that had not accepted its portal's current terms: the
-- version it was opened with (NULL: the session is ready). While set, the session is pending:
-- only GET /session, POST /logout and POST /session/terms accept it.
ALTER TABLE sessions ADD COLUMN terms_version TEXT;
