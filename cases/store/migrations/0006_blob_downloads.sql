-- Evidence files of pulled cases that this desk asked the hub for and did
-- not get: the hub did not have them yet, or what came did not match the
-- evidence record. They wait behind the files not asked for yet, in the
-- order of their last miss (seq: a counter, not a clock, which may jump);
-- the row goes when the file is stored.
CREATE TABLE blob_misses (
	sha256 TEXT PRIMARY KEY,
	seq    INTEGER NOT NULL,
	tries  INTEGER NOT NULL,
	reason TEXT NOT NULL
) STRICT;
-- Finding the evidence files missing here reads this index, not the
-- evidence rows; keeping a downloaded file finds its record by it.
CREATE INDEX evidence_sha256 ON evidence (sha256, size);
