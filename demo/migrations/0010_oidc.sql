-- Pro Santé Connect and the regional SSO (OpenID Connect): logins under way, the identities
-- linked to accounts, and what a session keeps of such a login.
-- Portable SQL: valid for SQLite and PostgreSQL alike.

-- A login sent to the provider and not back yet. Only the SHA-256 of the state and of the
-- browser's OIDC cookie token are stored; the nonce and the PKCE verifier are needed in clear
-- to check the return, and live at most core's oidc::REQUEST_LIFE_SECS. A return deletes its
-- row (single use).
CREATE TABLE oidc_requests (
    state_hash    TEXT   NOT NULL PRIMARY KEY,
    browser_hash  TEXT   NOT NULL,
    method        TEXT   NOT NULL,
    portal        TEXT   NOT NULL,
    nonce         TEXT   NOT NULL,
    pkce_verifier TEXT   NOT NULL,
    return_to     TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE INDEX oidc_requests_created_at ON oidc_requests (created_at);

-- Which account of a portal an identity at a provider opens: for Pro Santé Connect the
-- subject is the national identifier (SubjectNameID, "8" + RPPS), for the SSO its `sub`.
CREATE TABLE oidc_accounts (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    portal     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    PRIMARY KEY (provider, subject, portal),
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

-- A session's assurance when it is not its method's (an acr the portal takes as weak), how a
-- PSC login was made (card, e-CPS), the establishment chosen or those to choose from (JSON),
-- and the ID token to end the provider's session with at logout (id_token_hint).
ALTER TABLE sessions ADD COLUMN assurance TEXT;
ALTER TABLE sessions ADD COLUMN means TEXT;
ALTER TABLE sessions ADD COLUMN establishment TEXT;
ALTER TABLE sessions ADD COLUMN establishments TEXT;
ALTER TABLE sessions ADD COLUMN id_token TEXT;
