-- Statute articles pinned to a case for its legal guide, in pin order
-- (seq: the event that pinned it). Taking one off deletes its row.
CREATE TABLE case_articles (
	case_id TEXT NOT NULL,
	article TEXT NOT NULL,
	title   TEXT NOT NULL,
	seq     INTEGER NOT NULL,
	PRIMARY KEY (case_id, article)
) STRICT, WITHOUT ROWID;
