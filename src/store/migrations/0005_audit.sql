-- 0005: the audit log. Every change to a record, from the web, the API or the command
-- line, is written here in the same transaction as the change (store/records.c): who,
-- when, through what, which record, and the fields before and after.
CREATE TABLE audit (
  id @ID@,
  at TEXT NOT NULL,                 -- UTC, ISO 8601 to the second
  actor TEXT NOT NULL,              -- a login, or the operating-system user for the CLI
  via TEXT NOT NULL CHECK (via IN ('web', 'api', 'cli')),
  entity TEXT NOT NULL,             -- "city", "cooperation", ...
  record_key TEXT NOT NULL,         -- its slug
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  changes TEXT NOT NULL             -- JSON: {"field": {"before": ..., "after": ...}, ...}
);
CREATE INDEX audit_record ON audit (entity, record_key);
CREATE INDEX audit_actor ON audit (actor);
CREATE INDEX audit_at ON audit (at);
