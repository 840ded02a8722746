-- Signing in to the web admin: each one-time link the bot sent, and each Mini App's signed
-- data once taken, by the SHA-256 of its secret (the secret itself is never stored). A row
-- with used_at set cannot sign anyone in again; rows are forgotten once expired.
CREATE TABLE sign_ins (
    digest TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
) WITHOUT ROWID;
