-- 0003: a counter that every write moves forward, so that servers can tell, with one
-- cheap read, whether anything changed since they rendered a response (web/cache.c).
-- It lives in the database, not in a server, so several servers on one database and a
-- `c2c import` run beside them all see the same value.
CREATE TABLE data_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
