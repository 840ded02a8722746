"""Announcements sent, and who is to receive them."""

from __future__ import annotations

import datetime as dt

import aiosqlite

from bot.storage.db import Database

# Who hears news: people (not groups) who have not said no and have not blocked the bot.
_WANTING = "user_id > 0 AND announcements = 1 AND blocked_at IS NULL"


class AnnouncementRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def audience(self) -> int:
        row = await self._db.fetchone(f"SELECT COUNT(*) AS n FROM users WHERE {_WANTING}")
        return int(row["n"]) if row else 0

    async def record(
        self, conn: aiosqlite.Connection, text: str, by: int, at: dt.datetime
    ) -> tuple[int, list[int]]:
        """The new announcement's number, and everyone it goes to, in the caller's transaction."""
        rows = await conn.execute_fetchall(
            "INSERT INTO announcements (text, by_user, at, recipients) VALUES (?, ?, ?, 0) "
            "RETURNING id",
            (text, by, at.isoformat()),
        )
        number = int(next(iter(rows))["id"])
        rows = await conn.execute_fetchall(
            f"SELECT user_id FROM users WHERE {_WANTING} ORDER BY user_id"
        )
        return number, [int(r["user_id"]) for r in rows]

    async def sent_to(self, conn: aiosqlite.Connection, number: int, recipients: int) -> None:
        await conn.execute(
            "UPDATE announcements SET recipients = ? WHERE id = ?", (recipients, number)
        )

    async def set_wanted(self, user_id: int, wanted: bool) -> None:
        stamp = self._db.clock.stamp()
        await self._db.write(
            "INSERT INTO users (user_id, announcements, created_at, last_seen_at) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET announcements = excluded.announcements",
            (user_id, int(wanted), stamp, stamp),
        )
