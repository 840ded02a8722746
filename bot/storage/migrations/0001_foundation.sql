-- People who talk to the bot. Names stay here, never in logs.
CREATE TABLE users (
    user_id      INTEGER PRIMARY KEY,
    first_name   TEXT NOT NULL DEFAULT '',
    language     TEXT,             -- chosen with /language; NULL = not chosen
    tg_language  TEXT,             -- Telegram's language_code, last seen
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

-- Where a person is in a multi-step conversation, written on every step so a restart
-- (even a crash) resumes it.
CREATE TABLE conversations (
    chat_id    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    step       TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

-- Admin-editable documents (the unit's profile now; flows and word lists later), every
-- version kept so an earlier one can be restored.
CREATE TABLE documents (
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    content    TEXT NOT NULL,
    author_id  INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, version)
);
