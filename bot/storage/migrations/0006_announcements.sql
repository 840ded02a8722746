-- Announcements an admin sends to everyone (office closed for Tết, new opening hours), and
-- each person's choice to receive them; their own statuses reach them either way.
ALTER TABLE users ADD COLUMN announcements INTEGER NOT NULL DEFAULT 1;

CREATE TABLE announcements (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    by_user     INTEGER,
    at          TEXT NOT NULL,
    recipients  INTEGER NOT NULL
);
