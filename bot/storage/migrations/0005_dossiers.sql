-- Dossiers (hồ sơ) received at the one-stop office, and who follows them. No personal data:
-- a dossier is known by its receipt's code; following needs the check value printed beside it.
CREATE TABLE dossiers (
    code           TEXT PRIMARY KEY,        -- as printed on the receipt
    check_value    TEXT NOT NULL,           -- printed on the receipt; proves the follower holds it
    procedure_code TEXT,
    received_on    TEXT NOT NULL,           -- YYYY-MM-DD, the office's calendar
    due_on         TEXT,                    -- YYYY-MM-DD, the promised date (moved when late)
    status         TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'need_more',
                                                   'result_ready', 'returned', 'withdrawn')),
    note           TEXT,                    -- the official's note for the citizen
    updated_at     TEXT NOT NULL
);

-- Every change, from whichever source, in order.
CREATE TABLE dossier_events (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL REFERENCES dossiers (code),
    at      TEXT NOT NULL,
    status  TEXT NOT NULL,
    due_on  TEXT,
    note    TEXT,
    source  TEXT NOT NULL,                  -- official | csv | http
    actor   TEXT                            -- an official's id, a file's name, a token's label
);
CREATE INDEX dossier_events_code ON dossier_events (code, id);

CREATE TABLE dossier_followers (
    code     TEXT NOT NULL REFERENCES dossiers (code),
    user_id  INTEGER NOT NULL,
    since    TEXT NOT NULL,
    PRIMARY KEY (code, user_id)
);
CREATE INDEX dossier_followers_user ON dossier_followers (user_id);
