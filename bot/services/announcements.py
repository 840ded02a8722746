"""Announcements from the office to everyone who has written to the bot (office closed for Tết,
new opening hours), except those who said no; held back at night like other news that can wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.domain.quiet import QuietHours
from bot.services.views import View
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing

MAX_CHARS = 3000


class AnnouncementService:
    def __init__(
        self,
        db: Database,
        outbox: OutboxRepository,
        view: Callable[[str, str], View],  # (the admin's text, a recipient's language)
        language_of: Callable[[int], str],
        tz: dt.tzinfo,
        quiet: QuietHours | None,
    ) -> None:
        self._db = db
        self._outbox = outbox
        self._view = view
        self._language_of = language_of
        self._tz = tz
        self._quiet = quiet
        self._clock = db.clock

    def preview(self, text: str, language: str) -> View:
        """The announcement as a recipient speaking ``language`` will read it."""
        return self._view(text, language)

    async def audience(self) -> int:
        row = await self._db.fetchone(f"SELECT COUNT(*) FROM users WHERE {_WANTING}")
        return int(row[0]) if row else 0

    async def send(self, text: str, by: int) -> int:
        """Write one message per recipient into the outbox; returns how many."""
        now = self._clock.now()
        hold = self._quiet.wait_until(now, self._tz) if self._quiet else None
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "INSERT INTO announcements (text, by_user, at, recipients) VALUES (?, ?, ?, 0) "
                "RETURNING id",
                (text, by, now.isoformat()),
            )
            number = int(next(iter(rows))[0])
            rows = await conn.execute_fetchall(
                f"SELECT user_id FROM users WHERE {_WANTING} ORDER BY user_id"
            )
            people = [int(r[0]) for r in rows]
            items = []
            for user_id in people:
                view = self._view(text, self._language_of(user_id))
                items.append(
                    Outgoing(
                        user_id,
                        view.text,
                        buttons=view.buttons,
                        dedupe=f"a:{number}:{user_id}",
                        not_before=hold,
                    )
                )
            await self._outbox.enqueue(conn, items)
            await conn.execute(
                "UPDATE announcements SET recipients = ? WHERE id = ?", (len(items), number)
            )
        return len(items)

    async def set_wanted(self, user_id: int, wanted: bool) -> None:
        await self._db.write(
            "INSERT INTO users (user_id, announcements, created_at, last_seen_at) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET announcements = excluded.announcements",
            (user_id, int(wanted), *[self._clock.stamp()] * 2),
        )


# Citizens (private chats) who have written to the bot, want announcements and have not
# blocked it.
_WANTING = "user_id > 0 AND announcements = 1 AND blocked_at IS NULL"
