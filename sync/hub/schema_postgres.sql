-- The hub's schema on PostgreSQL: the same tables as on SQLite. Pushes
-- are serialized by an advisory lock held to commit, so hub sequence
-- numbers become visible in order and a pull never skips a row.
--
-- This is schema version 1, as first released: leave it as it is. Later
-- changes are steps in migrations/postgres/ (see migrate.go).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE units (
	id     BIGINT PRIMARY KEY,
	name   TEXT NOT NULL UNIQUE,
	parent BIGINT REFERENCES units (id),
	level  TEXT NOT NULL,
	path   TEXT NOT NULL UNIQUE
);

CREATE TABLE devices (
	id          TEXT PRIMARY KEY,
	unit        BIGINT NOT NULL REFERENCES units (id),
	code        TEXT NOT NULL,
	public_key  BYTEA NOT NULL,
	enrolled_at BIGINT NOT NULL,
	last_seen   BIGINT NOT NULL,
	revoked_at  BIGINT
);

CREATE TABLE enrollments (
	secret_hash TEXT PRIMARY KEY,
	unit        BIGINT NOT NULL REFERENCES units (id),
	created_at  BIGINT NOT NULL,
	used_at     BIGINT,
	device_id   TEXT
);

CREATE TABLE cases (
	case_id   BYTEA PRIMARY KEY,
	unit_path TEXT NOT NULL,
	conflict  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
	seq          BIGINT PRIMARY KEY,
	id           BYTEA NOT NULL UNIQUE,
	case_id      BYTEA NOT NULL,
	type         TEXT NOT NULL,
	payload      TEXT NOT NULL,
	actor        TEXT NOT NULL,
	device_id    TEXT NOT NULL,
	device_seq   BIGINT NOT NULL,
	base_version BIGINT NOT NULL,
	at           BIGINT NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL,
	outcome      TEXT NOT NULL,
	unit_path    TEXT NOT NULL,
	received_at  BIGINT NOT NULL
);
CREATE INDEX events_case ON events (case_id, seq);
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'events are append-only';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
	FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TABLE quarantine (
	n           BIGSERIAL PRIMARY KEY,
	id          BYTEA NOT NULL,
	device_id   TEXT NOT NULL,
	code        TEXT NOT NULL,
	event       TEXT NOT NULL,
	received_at BIGINT NOT NULL
);

CREATE TABLE blob_cases (
	sha     TEXT NOT NULL,
	case_id BYTEA NOT NULL,
	PRIMARY KEY (sha, case_id)
);
