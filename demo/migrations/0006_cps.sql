-- CPS card login: the portal's one-time nonces, and which card holder owns which account.
-- Portable SQL: valid for SQLite and PostgreSQL alike.

-- A nonce handed to a browser for the card to sign. Only SHA-256 hashes are stored: of the
-- nonce, and of the browser's CPS cookie token it is bound to. Used once (one conditional
-- UPDATE sets used = 1), within core's CPS_NONCE_LIFE_SECS of created_at.
CREATE TABLE cps_nonces (
    nonce_hash   TEXT   NOT NULL PRIMARY KEY,
    browser_hash TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    used         BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX cps_nonces_created_at ON cps_nonces (created_at);

-- The card holder of an account: the subject's serialNumber of the CPS authentication
-- certificate (the national identifier, "8" + RPPS number for an RPPS holder). One holder may
-- have one account per portal.
CREATE TABLE cps_holders (
    portal      TEXT NOT NULL,
    national_id TEXT NOT NULL,
    identifier  TEXT NOT NULL,
    PRIMARY KEY (portal, national_id),
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);
