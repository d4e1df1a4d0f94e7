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

-- A bundle is kept by its id (the SHA-256 of its signed content, so a
-- copy of the same bundle is recognised), without its evidence files,
-- which wait in blobs like the desk's own. Once the hub has taken it the
-- bundle bytes are dropped and the row stays as a receipt: importing the
-- same bundle again changes nothing.
CREATE TABLE relay (
	id          TEXT PRIMARY KEY,  -- the bundle's id
	device_id   TEXT NOT NULL,     -- the device that wrote it
	device_code TEXT NOT NULL,
	events      INTEGER NOT NULL,
	blobs       INTEGER NOT NULL,
	enrollment  INTEGER NOT NULL,  -- 1: it carries a one-time enrollment code
	bundle      BLOB,              -- the bundle without evidence files; NULL once relayed
	imported_at INTEGER NOT NULL,
	relayed_at  INTEGER,           -- when the hub took it
	rejected    INTEGER NOT NULL DEFAULT 0, -- its events the hub refused (they are in the hub's quarantine)
	error       TEXT NOT NULL DEFAULT '',   -- the hub's last refusal of the whole bundle, Chinese
	CHECK ((bundle IS NULL) = (relayed_at IS NOT NULL))
) STRICT;
CREATE INDEX relay_waiting ON relay (imported_at) WHERE relayed_at IS NULL;
