-- One-time codes, the second login step: where codes are sent, authenticator apps, pending
-- login attempts, the outbox. Portable SQL: valid for SQLite and PostgreSQL alike.

-- Where the account's codes go (demo accounts are seeded with both).
ALTER TABLE accounts ADD COLUMN phone TEXT;
ALTER TABLE accounts ADD COLUMN email TEXT;
-- The account's one-time-code failure counter (core's lockout schedule, like passwords), kept
-- apart from the password's: a right password resets that one, and must not reset this one.
ALTER TABLE accounts ADD COLUMN otp_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN otp_last_failure BIGINT;

-- Authenticator apps (TOTP, RFC 6238): the secret sealed with the server's OTP key
-- (ChaCha20-Poly1305, hex of nonce and ciphertext), never in clear. Pending (confirmed = 0)
-- until a first valid code; last_step is the last time step accepted (RFC 6238 §5.2: that
-- step and earlier ones are refused).
CREATE TABLE totp_secrets (
    portal        TEXT   NOT NULL,
    identifier    TEXT   NOT NULL,
    secret_sealed TEXT   NOT NULL,
    confirmed     BIGINT NOT NULL DEFAULT 0,
    last_step     BIGINT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (portal, identifier),
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

-- A login whose password step passed and whose code step remains, bound to the attempt
-- cookie (only the SHA-256 of its token is stored). The sent code is stored as the SHA-256
-- of the attempt token and the code, so the database alone cannot test the million codes.
CREATE TABLE login_attempts (
    token_hash      TEXT   NOT NULL PRIMARY KEY,
    portal          TEXT   NOT NULL,
    identifier      TEXT   NOT NULL,
    method          TEXT   NOT NULL,
    -- The steps done, comma-separated (core's Step::as_str).
    steps_done      TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    channel         TEXT,
    code_hash       TEXT,
    code_expires_at BIGINT,
    last_send_at    BIGINT,
    sends           BIGINT NOT NULL DEFAULT 0,
    wrong_codes     BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

CREATE INDEX login_attempts_expires_at ON login_attempts (expires_at);

-- What was "sent" by SMS (always, until a gateway is plugged in) and by e-mail (without an
-- SMTP relay): the demo's outbox. seq orders it (assigned as MAX + 1 by the insert).
CREATE TABLE outbox (
    seq         BIGINT NOT NULL PRIMARY KEY,
    sent_at     BIGINT NOT NULL,
    channel     TEXT   NOT NULL,
    destination TEXT   NOT NULL,
    subject     TEXT   NOT NULL,
    body        TEXT   NOT NULL
);
