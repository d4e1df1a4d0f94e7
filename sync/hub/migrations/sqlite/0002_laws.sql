-- The official text of laws imported with jiefang-hub legal import, one
-- row a law: the newest version imported (legal.Newer). body is
-- legal.Marshal of the law; the other columns are for listing without
-- reading it. version is YYYY-MM-DD, or '' when the text is undated.
-- meta 'laws_generation' counts the imports that changed this table, so
-- that a serving hub sees an import made by another process.
CREATE TABLE laws (
	code        TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	version     TEXT NOT NULL,
	source      TEXT NOT NULL, -- the file's name
	articles    INTEGER NOT NULL,
	imported_at INTEGER NOT NULL, -- UTC milliseconds
	body        BLOB NOT NULL
) STRICT;
