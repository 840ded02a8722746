-- Complaints and questions to officials ("tickets"), their history, and where each
-- department's Telegram group is.

CREATE TABLE department_groups (
    department TEXT PRIMARY KEY,
    chat_id    INTEGER NOT NULL,
    is_forum   INTEGER NOT NULL DEFAULT 0,
    linked_by  INTEGER,
    linked_at  TEXT NOT NULL
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL,              -- complaint | question
    user_id           INTEGER NOT NULL,
    chat_id           INTEGER NOT NULL,           -- the citizen's private chat
    category          TEXT NOT NULL,
    department        TEXT NOT NULL,
    status            TEXT NOT NULL,              -- new | accepted | resolved | rejected | closed
    body              TEXT NOT NULL,
    photos            TEXT NOT NULL DEFAULT '[]', -- Telegram file ids, as JSON
    latitude          REAL,
    longitude         REAL,
    address           TEXT,
    phone             TEXT,
    hide_name         INTEGER NOT NULL DEFAULT 0,
    citizen_name      TEXT NOT NULL DEFAULT '',
    language          TEXT NOT NULL,
    procedure_code    TEXT,                       -- a question asked from a procedure's card
    created_at        TEXT NOT NULL,
    acknowledge_due   TEXT NOT NULL,
    resolve_due       TEXT NOT NULL,
    acknowledged_at   TEXT,
    resolved_at       TEXT,
    assignee_id       INTEGER,
    assignee_name     TEXT,
    result            TEXT,
    rating            INTEGER,
    rating_comment    TEXT,
    acknowledge_reminded  INTEGER NOT NULL DEFAULT 0,
    acknowledge_missed    INTEGER NOT NULL DEFAULT 0,
    resolve_reminded      INTEGER NOT NULL DEFAULT 0,
    resolve_missed        INTEGER NOT NULL DEFAULT 0,
    update_id         INTEGER UNIQUE              -- the update that filed it: never filed twice
);
CREATE INDEX tickets_user ON tickets (user_id, created_at);
CREATE INDEX tickets_open ON tickets (status) WHERE status IN ('new', 'accepted');

-- Every action on a ticket, in order: who did what, with what note.
CREATE TABLE ticket_events (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    at        TEXT NOT NULL,
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    note      TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- People an admin has barred from filing.
CREATE TABLE blocklist (
    user_id  INTEGER PRIMARY KEY,
    added_by INTEGER,
    added_at TEXT NOT NULL
);
