-- The official text of laws imported on this desk (jiefangctl legal
-- import): reference data, not case records. They are not events, are
-- not in the log or its hash chain, and are not synced; each desk imports
-- its own. One row a law, by its code (xfgztl); only the newest version
-- imported is kept. body is the law as legal.Marshal writes it; the other
-- columns repeat what it says, to list the laws without reading it.
-- (IF NOT EXISTS: a test may set the schema version back below 7 and
-- reopen, replaying this migration over the table.)
CREATE TABLE IF NOT EXISTS statutes (
	code        TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	version     TEXT NOT NULL,  -- the text's date, YYYY-MM-DD, or '' when unknown
	source      TEXT NOT NULL,  -- the file it was imported from
	articles    INTEGER NOT NULL,
	imported_at INTEGER NOT NULL, -- Unix ms
	body        BLOB NOT NULL,
	CHECK (version = '' OR version GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
) STRICT;
