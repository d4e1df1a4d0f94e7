-- The hub's SQLite schema. Every pushed event that was stored has one
-- row in events, in hub sequence order; what was refused but could be
-- read waits in quarantine. Times are UTC milliseconds.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
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
