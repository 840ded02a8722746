"""Announcements from the office to everyone who has written to the bot (office closed for Tết,
new opening hours), except those who said no; held back at night like other news that can wait.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.domain.quiet import QuietHours
from bot.services.views import View
from bot.storage.announcements import AnnouncementRepository
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing

MAX_CHARS = 3000


class AnnouncementService:
    def __init__(
        self,
        db: Database,
        repository: AnnouncementRepository,
        outbox: OutboxRepository,
        view: Callable[[str, str], View],  # (the admin's text, a recipient's language)
        language_of: Callable[[int], str],
        tz: dt.tzinfo,
        quiet: QuietHours | None,
    ) -> None:
        self._db = db
        self._repository = repository
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
        return await self._repository.audience()

    async def send(self, text: str, by: int) -> int:
        """Write one message per recipient into the outbox; returns how many."""
        now = self._clock.now()
        hold = self._quiet.wait_until(now, self._tz) if self._quiet else None
        async with self._db.transaction() as conn:
            number, people = await self._repository.record(conn, text, by, now)
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
            await self._repository.sent_to(conn, number, len(items))
        return len(items)

    async def set_wanted(self, user_id: int, wanted: bool) -> None:
        await self._repository.set_wanted(user_id, wanted)
