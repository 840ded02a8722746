-- A question whose outright answer was wrong: the citizen chose a «↪» choice under it
-- ('other_chosen'). SQLite cannot change a CHECK constraint, so the table is rebuilt with the
-- same columns and rows.
CREATE TABLE search_misses_new (
    id         INTEGER PRIMARY KEY,
    query      TEXT NOT NULL,
    language   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'nothing'
        CHECK (kind IN ('nothing', 'none_fit', 'unsure', 'other_chosen')),
    folded     TEXT,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taught', 'dismissed')),
    handled_by INTEGER,
    handled_at TEXT,
    taught_as  TEXT
);
INSERT INTO search_misses_new
    (id, query, language, created_at, kind, folded, status, handled_by, handled_at, taught_as)
SELECT id, query, language, created_at, kind, folded, status, handled_by, handled_at, taught_as
FROM search_misses;
DROP TABLE search_misses;
ALTER TABLE search_misses_new RENAME TO search_misses;
CREATE INDEX search_misses_created ON search_misses (created_at);
CREATE INDEX search_misses_group ON search_misses (folded, status);
CREATE INDEX search_misses_unfolded ON search_misses (id) WHERE folded IS NULL;
