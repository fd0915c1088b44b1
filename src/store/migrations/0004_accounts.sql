-- 0004: accounts, the cities a coordinator keeps, sign-in sessions, API tokens and the
-- record of failed sign-ins that throttling counts. Times are integer Unix seconds (UTC).
-- Secrets are never stored: sessions and tokens are kept as BLAKE2b hashes of the value
-- the client holds, passwords as Argon2id strings (core/password.c). Accounts are
-- disabled, never deleted, so that the audit log's logins keep naming someone.

CREATE TABLE users (
  id @ID@,
  login @KEY@ NOT NULL UNIQUE,      -- lower case: a-z 0-9 . _ - (core/login.c)
  email TEXT,
  role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'member')),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at BIGINT NOT NULL
);

CREATE TABLE user_cities (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  city_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, city_id)
);
CREATE INDEX user_cities_city ON user_cities (city_id);

CREATE TABLE sessions (
  id @ID@,
  token_hash @KEY@ NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  expires_at BIGINT NOT NULL        -- the absolute limit; the idle one is the server's setting
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id @ID@,
  token_hash @KEY@ NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT,                -- NULL: does not expire
  revoked_at BIGINT                 -- NULL: not revoked
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- One row per failed sign-in, under two keys: "login:NAME" and "addr:ADDRESS". Kept in
-- the database so that several servers throttle together; old rows are pruned as new
-- ones arrive.
CREATE TABLE login_attempts (
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);
CREATE INDEX login_attempts_at ON login_attempts (at);
