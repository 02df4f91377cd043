-- Trusted devices (device cookies): a browser that logged in to an account keeps its own
-- failure counter, so failures from other browsers cannot lock its owner out.
CREATE TABLE trusted_devices (
    -- SHA-256 (hex) of the device cookie's random token.
    token_hash   TEXT   NOT NULL PRIMARY KEY,
    portal       TEXT   NOT NULL,
    identifier   TEXT   NOT NULL,
    failures     BIGINT NOT NULL DEFAULT 0,
    last_failure BIGINT,
    expires_at   BIGINT NOT NULL,
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

CREATE INDEX trusted_devices_account ON trusted_devices (portal, identifier);

-- Idle timeout: when the session last answered a request (sessions from before have 0, and
-- end at once).
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
