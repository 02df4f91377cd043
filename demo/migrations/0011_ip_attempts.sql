-- The per-address limiter (demo/src/rate_limit.rs), shared by every instance using the
-- database: an attacker spreading attempts across instances gets no more than through one.
-- Portable SQL: valid for SQLite and PostgreSQL alike.

-- One row per attempt counted for an address bucket (IPv4 address, IPv6 /64): inserted when
-- the attempt starts, deleted when it succeeds (or was never checked), ignored once older
-- than the window and purged by the next reservation.
CREATE TABLE ip_attempts (
    -- Random, so a success gives back its own attempt and no other.
    id     TEXT   NOT NULL PRIMARY KEY,
    bucket TEXT   NOT NULL,
    at     BIGINT NOT NULL
);

CREATE INDEX ip_attempts_bucket ON ip_attempts (bucket, at);
CREATE INDEX ip_attempts_at ON ip_attempts (at);

-- One row per bucket, written first by every reservation: on PostgreSQL its row lock (on
-- SQLite the database's write lock) makes the reservations of one bucket take turns, so the
-- count they check cannot be passed by attempts sent in parallel, to one instance or several.
CREATE TABLE ip_buckets (
    bucket       TEXT   NOT NULL PRIMARY KEY,
    reservations BIGINT NOT NULL DEFAULT 0
);
