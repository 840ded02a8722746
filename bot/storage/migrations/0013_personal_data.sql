-- Personal data under Decree 13/2023/NĐ-CP.

-- The version of the privacy notice a person agreed to before their first complaint, and when;
-- erasing their data (/xoadulieu) deletes the row, so the next complaint asks again.
ALTER TABLE users ADD COLUMN consent_version INTEGER;
ALTER TABLE users ADD COLUMN consent_at TEXT;

-- Tickets that still hold a phone, photos or a place, by filing time: the hourly purge looks
-- only at those filed before its cut-off, and a purged ticket leaves the index.
CREATE INDEX tickets_personal ON tickets (created_at)
    WHERE phone IS NOT NULL OR photos != '[]' OR latitude IS NOT NULL OR address IS NOT NULL;

-- Erasing looks up a person's conversations by user (the key starts with the chat).
CREATE INDEX conversations_user ON conversations (user_id);
