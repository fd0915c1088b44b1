-- 0006: Urban Cooperation Action Plans (U-CAPs), kept as living documents.
-- A plan is a chain of immutable revisions, each holding the whole content as JSON
-- (core/plan.h describes it). The plan row keeps what lists and permissions need, copied
-- from the current revision on every save; plan_cities does the same for the cities the
-- current revision names, so that a city a plan names cannot be deleted from under it.

CREATE TABLE plans (
  id @ID@,
  slug @KEY@ NOT NULL UNIQUE,
  title TEXT NOT NULL,
  city_id BIGINT REFERENCES cities(id),
  cooperation_id BIGINT REFERENCES cooperations(id),
  current_revision INTEGER NOT NULL CHECK (current_revision >= 1)
);
CREATE INDEX plans_city ON plans (city_id);
CREATE INDEX plans_cooperation ON plans (cooperation_id);

CREATE TABLE plan_revisions (
  plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  number INTEGER NOT NULL CHECK (number >= 1),
  saved_at TEXT NOT NULL,           -- UTC, ISO 8601 to the second
  author TEXT NOT NULL,             -- a login, or the operating-system user for the CLI
  via TEXT NOT NULL CHECK (via IN ('web', 'api', 'cli')),
  message TEXT NOT NULL,
  content TEXT NOT NULL,            -- JSON, normalised (core/plan.c plan_validate)
  PRIMARY KEY (plan_id, number)
);

-- The plan's own city (role 'city') and its counterparts, in the order the plan gives.
CREATE TABLE plan_cities (
  plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  city_id BIGINT NOT NULL REFERENCES cities(id),
  role TEXT NOT NULL CHECK (role IN ('city', 'counterpart')),
  PRIMARY KEY (plan_id, position)
);
CREATE INDEX plan_cities_city ON plan_cities (city_id);
