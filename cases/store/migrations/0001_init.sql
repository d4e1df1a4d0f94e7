-- The event log, its outbox, the projections read by the desk, and the
-- search index. Times are UTC milliseconds since the Unix epoch; 0 means
-- "not set". IDs are UUID text.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- Append-only. seq is the local order of application; (device_id,
-- device_seq) with prev_hash/hash forms each device's hash chain (its head
-- is kept in meta, written in the same transaction; verify checks that the
-- chain has no gaps or forks).
CREATE TABLE events (
	seq          INTEGER PRIMARY KEY,
	id           BLOB NOT NULL UNIQUE, -- 16-byte UUID, compact in both indexes
	case_id      BLOB NOT NULL,
	type         TEXT NOT NULL,
	payload      TEXT NOT NULL,
	actor        TEXT NOT NULL,
	device_id    TEXT NOT NULL,
	device_seq   INTEGER NOT NULL,
	base_version INTEGER NOT NULL,
	at           INTEGER NOT NULL,
	prev_hash    TEXT NOT NULL,
	hash         TEXT NOT NULL
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

-- This device's events not yet acknowledged by the hub, as ranges of
-- events.seq: each append writes one row for the events it added; an
-- acknowledgement removes or splits rows.
CREATE TABLE outbox (
	first_seq INTEGER PRIMARY KEY,
	last_seq  INTEGER NOT NULL,
	CHECK (last_seq >= first_seq)
) STRICT;

CREATE TABLE cases (
	n                  INTEGER PRIMARY KEY,
	id                 TEXT NOT NULL UNIQUE,
	provisional_number TEXT NOT NULL,
	official_number    TEXT NOT NULL DEFAULT '',
	channel            TEXT NOT NULL,
	category           TEXT NOT NULL,
	summary            TEXT NOT NULL,
	signers            INTEGER NOT NULL,
	status             TEXT NOT NULL,
	status_ver         INTEGER NOT NULL DEFAULT 0,
	mediation_level    TEXT NOT NULL,
	level_ver          INTEGER NOT NULL DEFAULT 0,
	assignee           TEXT NOT NULL DEFAULT '',
	assignee_ver       INTEGER NOT NULL DEFAULT 0,
	category_ver       INTEGER NOT NULL DEFAULT 0,
	intensity          INTEGER NOT NULL DEFAULT 0,
	intensity_level    TEXT NOT NULL DEFAULT 'green',
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	events             INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_updated ON cases (updated_at DESC, id);

-- The records of a case are clustered by case: each table's key is
-- (case_id, id), and seq (the event that added the record) keeps their
-- order.

CREATE TABLE parties (
	case_id       TEXT NOT NULL,
	id            TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	role          TEXT NOT NULL,
	name          TEXT NOT NULL,
	id_number     TEXT NOT NULL,
	phone         TEXT NOT NULL,
	address       TEXT NOT NULL,
	village       TEXT NOT NULL,
	added_at      INTEGER NOT NULL,
	superseded_by TEXT NOT NULL DEFAULT '',
	withdrawn     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (case_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE facts (
	case_id       TEXT NOT NULL,
	id            TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	text          TEXT NOT NULL,
	status        TEXT NOT NULL,
	status_ver    INTEGER NOT NULL DEFAULT 0,
	ord           REAL NOT NULL,
	ord_ver       INTEGER NOT NULL DEFAULT 0,
	supersedes    TEXT NOT NULL DEFAULT '', -- space-separated fact ids
	superseded_by TEXT NOT NULL DEFAULT '',
	added_at      INTEGER NOT NULL,
	PRIMARY KEY (case_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE evidence (
	case_id       TEXT NOT NULL,
	id            TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	sha256        TEXT NOT NULL,
	file_name     TEXT NOT NULL,
	media_type    TEXT NOT NULL,
	size          INTEGER NOT NULL,
	document_date TEXT NOT NULL,
	added_at      INTEGER NOT NULL,
	PRIMARY KEY (case_id, id)
) STRICT, WITHOUT ROWID;

-- (seq, pos) orders a case's links as they were made: pos is the place
-- in the list of an evidence.added event; a link made again after an
-- unlink goes last.
CREATE TABLE evidence_facts (
	case_id     TEXT NOT NULL,
	evidence_id TEXT NOT NULL,
	fact_id     TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	pos         INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (case_id, evidence_id, fact_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE followups (
	case_id      TEXT NOT NULL,
	id           TEXT NOT NULL,
	seq          INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	due          INTEGER NOT NULL,
	done_at      INTEGER NOT NULL DEFAULT 0,
	outcome      TEXT NOT NULL DEFAULT '',
	satisfaction TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (case_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX followups_open ON followups (due) WHERE done_at = 0;

CREATE TABLE notes (
	case_id TEXT NOT NULL,
	id      TEXT NOT NULL,
	seq     INTEGER NOT NULL,
	text    TEXT NOT NULL,
	actor   TEXT NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (case_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE steps (
	case_id TEXT NOT NULL,
	step    INTEGER NOT NULL,
	done    INTEGER NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (case_id, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE conflicts (
	n         INTEGER PRIMARY KEY,
	case_id   TEXT NOT NULL,
	field     TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	kept      TEXT NOT NULL,
	other     TEXT NOT NULL,
	event_id  TEXT NOT NULL,
	resolved  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX conflicts_case ON conflicts (case_id, field, entity_id);

-- Evidence files kept under the blob directory, named by SHA-256.
CREATE TABLE blobs (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	media_type TEXT NOT NULL,
	stored_at  INTEGER NOT NULL
) STRICT;

-- Case text as character bigrams (see search.go). One row per case per
-- append: rowid = events.seq of the first event in that append that
-- carried text for the case, body = the texts of its events.
CREATE VIRTUAL TABLE search USING fts5 (body, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 0');
