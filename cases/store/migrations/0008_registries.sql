-- Registry snapshots for the depth screening (深度, cases/registry):
-- jiefangctl registry import. Like the statutes, reference data, not
-- case records: not events, not in the log or its hash chain, not in the
-- outbox, not synced (the hub may later send snapshots of its own);
-- verify does not look at them.
--
-- One snapshot a kind: an import replaces the kind's previous snapshot,
-- its row here and all its rows below, in one transaction.
CREATE TABLE IF NOT EXISTS registry_snapshots (
	kind        TEXT PRIMARY KEY,
	source      TEXT NOT NULL,    -- the file's name
	rows        INTEGER NOT NULL, -- rows kept
	rejected    INTEGER NOT NULL, -- rows refused at import
	imported_at INTEGER NOT NULL, -- Unix ms
	CHECK (kind IN ('realestate', 'socialsecurity', 'business', 'household', 'civilaffairs', 'tax', 'enforcement', 'fiscal'))
) STRICT;

-- The rows that passed validation. fields is a JSON object of the row's
-- values by column name, as registry.Parse normalized them (the same
-- object as a line of the kind's JSON-lines format); registry.NewData
-- validates them again on reading. subject is the ID number or credit
-- code the row is about (registry.Kind.SubjectColumn), indexed to find
-- a person's or a company's records.
CREATE TABLE IF NOT EXISTS registry_rows (
	kind    TEXT NOT NULL REFERENCES registry_snapshots (kind) ON DELETE CASCADE,
	line    INTEGER NOT NULL,
	subject TEXT NOT NULL,
	fields  TEXT NOT NULL,
	PRIMARY KEY (kind, line)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS registry_rows_subject ON registry_rows (subject);
