-- An evidence item's document date can be set or cleared by hand after
-- the item is added (evidence.dated): a mutable field with its version,
-- like a fact card's status.
ALTER TABLE evidence ADD COLUMN date_ver INTEGER NOT NULL DEFAULT 0;
