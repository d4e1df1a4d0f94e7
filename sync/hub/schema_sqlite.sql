-- The hub's schema on SQLite. Every stored event has one row in events,
-- in hub sequence order; what was refused but could be read waits in
-- quarantine. Times are UTC milliseconds. A unit's path is the ids from
-- the root down, "/1/4/9/", so a subtree is a path prefix.
--
-- This is schema version 1, as first released: leave it as it is. Later
-- changes are steps in migrations/sqlite/ (see migrate.go).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE units (
	id     INTEGER PRIMARY KEY,
	name   TEXT NOT NULL UNIQUE,
	parent INTEGER REFERENCES units (id),
	level  TEXT NOT NULL,
	path   TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE devices (
	id          TEXT PRIMARY KEY,
	unit        INTEGER NOT NULL REFERENCES units (id),
	code        TEXT NOT NULL,
	public_key  BLOB NOT NULL,
	enrolled_at INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	revoked_at  INTEGER
) STRICT;

CREATE TABLE enrollments (
	secret_hash TEXT PRIMARY KEY,
	unit        INTEGER NOT NULL REFERENCES units (id),
	created_at  INTEGER NOT NULL,
	used_at     INTEGER,
	device_id   TEXT
) STRICT;

CREATE TABLE cases (
	case_id   BLOB PRIMARY KEY,
	unit_path TEXT NOT NULL,
	conflict  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE events (
	seq          INTEGER PRIMARY KEY,
	id           BLOB NOT NULL UNIQUE,
	case_id      BLOB NOT NULL,
	type         TEXT NOT NULL,
	payload      TEXT NOT NULL,
	actor        TEXT NOT NULL,
	device_id    TEXT NOT NULL,
	device_seq   INTEGER NOT NULL,
	base_version INTEGER NOT NULL,
	at           INTEGER NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL,
	outcome      TEXT NOT NULL, -- applied or conflict, answered again for a duplicate
	unit_path    TEXT NOT NULL, -- the case's unit: what pull scopes by
	received_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX events_case ON events (case_id, seq);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE quarantine (
	n           INTEGER PRIMARY KEY,
	id          BLOB NOT NULL,
	device_id   TEXT NOT NULL, -- the device that pushed it
	code        TEXT NOT NULL,
	event       TEXT NOT NULL, -- the event as received, JSON
	received_at INTEGER NOT NULL
) STRICT;

CREATE TABLE blob_cases (
	sha     TEXT NOT NULL,
	case_id BLOB NOT NULL,
	PRIMARY KEY (sha, case_id)
) STRICT, WITHOUT ROWID;
