-- QR-code login (issue 9): codes shown to browsers, enrolled phones, enrolment codes.
-- Everything is in the database, so a code survives a restart and several demo instances
-- sharing the database agree on it. Portable SQL: valid for SQLite and PostgreSQL alike.

-- A code shown to a browser. Only SHA-256 hashes of the browser's handle (id), of the session
-- key the QR code carries and of the browser's QR cookie are stored. State and times follow
-- core's qr::phase: pending → approved → consumed (the session claimed), or → declined; each
-- move is one conditional UPDATE from the state read, so a replay finds it changed.
CREATE TABLE qr_sessions (
    id_hash      TEXT   NOT NULL PRIMARY KEY,
    key_hash     TEXT   NOT NULL UNIQUE,
    browser_hash TEXT   NOT NULL,
    -- The challenge signed with the key (not a secret: it is in the QR code).
    challenge    TEXT   NOT NULL,
    portal       TEXT   NOT NULL,
    -- The requesting page's origin (signed by the phone).
    origin       TEXT   NOT NULL,
    -- What the phone shows: the requesting User-Agent (cut at 512 characters) and address.
    user_agent   TEXT   NOT NULL,
    ip           TEXT   NOT NULL,
    -- The client's rate-limit bucket (IPv4 address, IPv6 /64).
    client       TEXT   NOT NULL,
    -- The two digits the page shows, and the three pairs the phone offers ("12,47,83").
    digits       TEXT   NOT NULL,
    choices      TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    life_secs    BIGINT NOT NULL,
    -- When a phone first opened the request (for the grace), and when it decided.
    seen_at      BIGINT,
    decided_at   BIGINT,
    state        TEXT   NOT NULL DEFAULT 'pending',
    -- The approving device and its account, once approved.
    device_id    TEXT,
    identifier   TEXT,
    -- Poll pacing: the second of the last counted poll and how many in it.
    last_poll    BIGINT,
    polls        BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX qr_sessions_created_at ON qr_sessions (created_at);
CREATE INDEX qr_sessions_client ON qr_sessions (client, created_at);

-- An enrolled phone: its public key for one account of one portal, and its app PIN's
-- argon2id hash with the consecutive wrong PINs (locked at core's MAX_PIN_FAILURES).
CREATE TABLE qr_devices (
    device_id    TEXT   NOT NULL PRIMARY KEY,
    portal       TEXT   NOT NULL,
    identifier   TEXT   NOT NULL,
    -- JOSE name: ES256 or EdDSA.
    algorithm    TEXT   NOT NULL,
    -- Raw public key, base64url (ES256: 65-byte uncompressed point; EdDSA: 32 bytes).
    public_key   TEXT   NOT NULL,
    pin_hash     TEXT   NOT NULL,
    pin_failures BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

CREATE INDEX qr_devices_account ON qr_devices (portal, identifier);

-- A one-time enrolment code shown after a login: the SHA-256 of its token, for the account.
CREATE TABLE qr_enrolments (
    token_hash TEXT   NOT NULL PRIMARY KEY,
    portal     TEXT   NOT NULL,
    identifier TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    used       BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (portal, identifier) REFERENCES accounts (portal, identifier) ON DELETE CASCADE
);

CREATE INDEX qr_enrolments_created_at ON qr_enrolments (created_at);
