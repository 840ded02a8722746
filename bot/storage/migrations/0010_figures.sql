-- What the leadership's figures (/thongke, the weekly and monthly reports) read.

-- Questions typed to the bot, counted by the local day and how each was answered; nothing
-- of the question itself is kept here.
CREATE TABLE question_counts (
    day      TEXT NOT NULL,       -- YYYY-MM-DD, the unit's calendar
    kind     TEXT NOT NULL,       -- card | faq | choices | elsewhere | nothing
    language TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (day, kind, language)
) WITHOUT ROWID;

CREATE INDEX tickets_created ON tickets (created_at);
CREATE INDEX ticket_events_action ON ticket_events (action, at);
CREATE INDEX dossiers_received ON dossiers (received_on);
CREATE INDEX dossier_events_at ON dossier_events (at);
CREATE INDEX outbox_done ON outbox (done_at) WHERE state = 'sent';

-- The weekly and monthly reports sent to the leadership: each once, whatever restarts.
CREATE TABLE reports_sent (
    key     TEXT PRIMARY KEY,     -- week:YYYY-MM-DD or month:YYYY-MM-DD (the period's first day)
    sent_at TEXT NOT NULL
) WITHOUT ROWID;
