-- Sync state on the desk. A blob is uploaded once; events the hub
-- refused leave the outbox for this list, which the desk shows (the events
-- stay in the log). Bundles imported from USB wait in relay until the hub
-- has taken them.
ALTER TABLE blobs ADD COLUMN uploaded INTEGER NOT NULL DEFAULT 0;

CREATE TABLE rejected (
	event_id BLOB PRIMARY KEY,
	code     TEXT NOT NULL,
	message  TEXT NOT NULL,
	at       INTEGER NOT NULL
) STRICT;

CREATE TABLE relay (
	sum         TEXT PRIMARY KEY, -- SHA-256 of the bundle file
	device_id   TEXT NOT NULL,    -- the device that wrote it
	events      INTEGER NOT NULL,
	bundle      BLOB NOT NULL,
	imported_at INTEGER NOT NULL
) STRICT;
