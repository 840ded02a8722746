-- What the bot could not answer well, as the admins' queue (/misses): questions that found
-- nothing, lists where the citizen pressed "none of these", and answers it was not sure of.
-- Repeats are grouped by the folded text (marks, case and spacing removed); the service folds
-- rows that have none (those from before, or written the old way) when it next reads them.
-- query holds personal data: never log it.
ALTER TABLE search_misses ADD COLUMN kind TEXT NOT NULL DEFAULT 'nothing'
    CHECK (kind IN ('nothing', 'none_fit', 'unsure'));
ALTER TABLE search_misses ADD COLUMN folded TEXT;
ALTER TABLE search_misses ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'taught', 'dismissed'));
-- Who taught or dismissed it, when, and what it was taught to mean ('p:<code>', 'faq:<id>').
ALTER TABLE search_misses ADD COLUMN handled_by INTEGER;
ALTER TABLE search_misses ADD COLUMN handled_at TEXT;
ALTER TABLE search_misses ADD COLUMN taught_as TEXT;
CREATE INDEX search_misses_group ON search_misses (folded, status);
CREATE INDEX search_misses_unfolded ON search_misses (id) WHERE folded IS NULL;

-- The weekly list of the most-asked unanswered questions: one row per week it went out, so a
-- restart never sends a week's list twice.
CREATE TABLE miss_summaries (
    week    TEXT PRIMARY KEY,   -- the ISO week it was for: 2026-W49
    sent_at TEXT NOT NULL
);
