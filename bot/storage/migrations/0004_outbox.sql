-- Messages the bot owes people: alerts to officials' groups, notifications to citizens.
-- A service writes them in its own transaction; a sender delivers them, so nothing is lost
-- to a restart or to Telegram's refusals. The payload holds personal data: never log it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'photo', 'location')),
    payload         TEXT NOT NULL,     -- JSON: text (HTML), buttons, photo, location
    ref             TEXT,              -- what the message is about, e.g. a ticket
    topic           TEXT,              -- forum topic to open for (ref, chat) on first send
    dedupe          TEXT UNIQUE,       -- idempotency key: the same key is stored once
    attempts        INTEGER NOT NULL DEFAULT 0,
    parts_sent      INTEGER NOT NULL DEFAULT 0,  -- a long text goes out in parts
    next_at         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed')),
    last_error      TEXT,
    sent_message_id INTEGER,           -- the first message delivered for this row
    created_at      TEXT NOT NULL,
    done_at         TEXT
);
-- The sender's two questions: which pending rows are due, and is an earlier one waiting
-- in the same chat (a later message never overtakes an earlier one).
CREATE INDEX outbox_due ON outbox (next_at) WHERE state = 'pending';
CREATE INDEX outbox_chat_pending ON outbox (chat_id, id) WHERE state = 'pending';

-- Which ref each delivered message belongs to, so a reply to it can be traced back.
CREATE TABLE outbox_messages (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ref        TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
) WITHOUT ROWID;

-- Where a ref's conversation lives in a chat: its forum topic (if any) and its first message,
-- which later messages reply to when there is no topic.
CREATE TABLE outbox_threads (
    ref              TEXT NOT NULL,
    chat_id          INTEGER NOT NULL,
    thread_id        INTEGER,
    first_message_id INTEGER,
    PRIMARY KEY (ref, chat_id)
) WITHOUT ROWID;
CREATE INDEX outbox_threads_topic ON outbox_threads (chat_id, thread_id)
    WHERE thread_id IS NOT NULL;

-- A citizen who blocked the bot (Telegram answered 403); cleared when a message gets through.
ALTER TABLE users ADD COLUMN blocked_at TEXT;
