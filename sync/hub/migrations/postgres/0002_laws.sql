-- The official text of laws imported with jiefang-hub legal import: the
-- same table as on SQLite.
CREATE TABLE laws (
	code        TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	version     TEXT NOT NULL,
	source      TEXT NOT NULL,
	articles    BIGINT NOT NULL,
	imported_at BIGINT NOT NULL,
	body        BYTEA NOT NULL
);
