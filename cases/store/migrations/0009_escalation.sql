-- The latest automatic escalation of a case by a screening rule
-- (case.escalated, cases.Escalation). The level it raised the case to is
-- also the case's mediation_level, changed with level_ver like any level
-- change; these columns keep the escalation itself, which stays recorded
-- even when the level change became a conflict. A case never escalated
-- has escalation_rule '' (every escalation names its rule).
ALTER TABLE cases ADD COLUMN escalated_at INTEGER NOT NULL DEFAULT 0;          -- Unix ms
ALTER TABLE cases ADD COLUMN escalation_level TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN escalation_rule TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN escalation_triggers TEXT NOT NULL DEFAULT '';     -- case ids, space-separated, in the event's order
ALTER TABLE cases ADD COLUMN escalation_reason TEXT NOT NULL DEFAULT '';
