-- 0001: programmes, cities, cooperations and the taxonomies they refer to.
-- Written once for both backends (store/migrate.c): @ID@ becomes the dialect's identity
-- primary key; @KEY@ is text that sorts byte by byte on both (lists are ordered and paged
-- by these columns, and an export must list records in the same order on either backend). Child tables of list fields have (owner_id, position) as their key.
-- Tables with searchable names keep search_key, the folded text the q filter matches.

CREATE TABLE topics (
  id @ID@,
  slug @KEY@ NOT NULL UNIQUE,
  name @KEY@ NOT NULL UNIQUE,
  search_key TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sdgs (
  id @ID@,
  number INTEGER NOT NULL UNIQUE CHECK (number BETWEEN 1 AND 17),
  slug @KEY@ NOT NULL UNIQUE,
  title TEXT NOT NULL,
  search_key TEXT NOT NULL DEFAULT ''
);

CREATE TABLE urban_agenda (
  id @ID@,
  slug @KEY@ NOT NULL UNIQUE,
  name @KEY@ NOT NULL UNIQUE,
  search_key TEXT NOT NULL DEFAULT ''
);

CREATE TABLE programmes (
  id @ID@,
  slug @KEY@ NOT NULL UNIQUE,
  name TEXT NOT NULL,
  short_name TEXT,
  world_region TEXT,
  description TEXT,
  url TEXT,
  search_key TEXT NOT NULL DEFAULT ''
);

CREATE TABLE programme_rounds (
  owner_id BIGINT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  year INTEGER,
  PRIMARY KEY (owner_id, position)
);

CREATE TABLE cities (
  id @ID@,
  slug @KEY@ NOT NULL UNIQUE,
  name TEXT NOT NULL,
  country TEXT CHECK (length(country) = 2),
  region TEXT,
  world_region TEXT,
  population BIGINT CHECK (population >= 0),
  area_km2 DOUBLE PRECISION CHECK (area_km2 >= 0),
  leader TEXT,
  leader_title TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  description TEXT,
  source TEXT,
  search_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cities_country ON cities (country);

CREATE TABLE city_names (
  owner_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  lang TEXT,
  PRIMARY KEY (owner_id, position)
);

-- Every name of a city, folded (case and accents removed), to recognise it on import.
CREATE TABLE city_keys (
  owner_id BIGINT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  PRIMARY KEY (owner_id, key)
);
CREATE INDEX city_keys_key ON city_keys (key);

CREATE TABLE cooperations (
  id @ID@,
  slug @KEY@ NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('pairing', 'cluster')),
  name TEXT NOT NULL,
  programme_id BIGINT REFERENCES programmes(id),
  round TEXT,
  description TEXT,
  start_date TEXT,
  end_date TEXT,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'completed', 'dormant', 'ended')),
  end_reason TEXT,
  source TEXT,
  search_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cooperations_programme ON cooperations (programme_id);

CREATE TABLE cooperation_members (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  city_id BIGINT NOT NULL REFERENCES cities(id),
  PRIMARY KEY (owner_id, position),
  UNIQUE (owner_id, city_id)
);
CREATE INDEX cooperation_members_city ON cooperation_members (city_id);

CREATE TABLE cooperation_roles (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  city_id BIGINT NOT NULL REFERENCES cities(id),
  role TEXT NOT NULL,
  PRIMARY KEY (owner_id, position)
);

CREATE TABLE cooperation_topics (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  topic_id BIGINT NOT NULL REFERENCES topics(id),
  PRIMARY KEY (owner_id, position),
  UNIQUE (owner_id, topic_id)
);
CREATE INDEX cooperation_topics_topic ON cooperation_topics (topic_id);

CREATE TABLE cooperation_sdgs (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  sdg INTEGER NOT NULL REFERENCES sdgs(number),
  PRIMARY KEY (owner_id, position),
  UNIQUE (owner_id, sdg)
);

CREATE TABLE cooperation_urban_agenda (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  partnership_id BIGINT NOT NULL REFERENCES urban_agenda(id),
  PRIMARY KEY (owner_id, position),
  UNIQUE (owner_id, partnership_id)
);

CREATE TABLE cooperation_interests (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (owner_id, position)
);

CREATE TABLE cooperation_history (
  owner_id BIGINT NOT NULL REFERENCES cooperations(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  date TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (owner_id, position)
);
