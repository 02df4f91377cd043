-- Every login removes expired sessions (`DELETE … WHERE expires_at <= now`): index it, so that
-- clean-up does not scan the whole table on the login path.
CREATE INDEX sessions_expires_at ON sessions (expires_at);
