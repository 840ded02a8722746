-- The health check writes here to prove the database takes writes (a full disk, a read-only
-- mount or a lost lock answer /healthz with 503). One row, overwritten.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
