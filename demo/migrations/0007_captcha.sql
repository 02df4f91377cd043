-- The captcha's proof of work: each solved challenge is accepted once. A row is the challenge
-- (hex of SHA-256, unique per salt) of a solution that was accepted, kept until the challenge
-- expires (its salt's expiry, Unix seconds) and then purged. One INSERT … ON CONFLICT DO
-- NOTHING decides, so two demo instances sharing the database accept it once between them.
-- Portable SQL: valid for SQLite and PostgreSQL alike.
CREATE TABLE captcha_solutions (
    challenge  TEXT   NOT NULL PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX captcha_solutions_expires_at ON captcha_solutions (expires_at);
