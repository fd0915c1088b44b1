-- 0007: each failed sign-in gets an id. A sign-in now records its attempt before the
-- password is checked (so that parallel requests cannot all pass the throttle between
-- the count and the record), and a successful one removes exactly its own row again.
-- The rows are at most minutes old, so starting the table afresh loses nothing of value.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
  id @ID@,
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);
CREATE INDEX login_attempts_at ON login_attempts (at);
