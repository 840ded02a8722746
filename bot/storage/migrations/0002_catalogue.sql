-- The procedure catalogue: one row per procedure, the cleaned record as JSON.
CREATE TABLE procedures (
    code       TEXT PRIMARY KEY,
    field      TEXT NOT NULL,
    name       TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- How often each procedure's card was opened: browsing shows the most used first.
CREATE TABLE procedure_views (
    code  TEXT PRIMARY KEY,
    views INTEGER NOT NULL DEFAULT 0
);

-- Questions that found nothing, for admins to extend the word lists.
CREATE TABLE search_misses (
    id         INTEGER PRIMARY KEY,
    query      TEXT NOT NULL,
    language   TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX search_misses_created ON search_misses (created_at);
