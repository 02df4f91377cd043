-- QR-code login's event streams (one watcher per demo process, `demo/src/qr_watch.rs`): when a
-- code's state last moved, in wall-clock Unix milliseconds (0: never moved), stamped by every
-- move. Each watcher asks, every 150 ms, for the codes moved lately — its own instance's moves
-- and those of any other instance sharing the database — through this index.
ALTER TABLE qr_sessions ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;

CREATE INDEX qr_sessions_changed_at ON qr_sessions (changed_at);
