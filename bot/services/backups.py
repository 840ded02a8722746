"""The daily copy of the database, made by the running bot at a set local time.

Asked every minute, it makes today's copy once the time has passed and none exists for today
(so a bot that was down at the set time makes it when it comes up), named by the local date
(``bot-2026-12-01.sqlite3``), then deletes the oldest daily copies beyond ``keep``; copies
under other names (``python -m bot backup``) are never deleted. A copy that fails (disk full,
folder not writable) is tried again every :data:`RETRY_AFTER` and logged once a day: the
minute's other work (deadlines, reminders) must go on, and a log full of the same line helps
nobody.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from pathlib import Path

from bot.clock import Clock
from bot.storage.backup import BackupError, take_in_thread

log = logging.getLogger(__name__)

DAILY = re.compile(r"bot-(\d{4}-\d{2}-\d{2})\.sqlite3")
LEFTOVER = re.compile(r"bot-(\d{4}-\d{2}-\d{2})\.sqlite3\..+\.partial")  # a copy cut short
RETRY_AFTER = dt.timedelta(minutes=15)


def daily_name(day: dt.date) -> str:
    return f"bot-{day.isoformat()}.sqlite3"


class DailyBackup:
    """Today's copy of ``database`` in ``folder`` after ``at`` (local), the newest ``keep``
    kept; ``keep`` 0 turns it off."""

    def __init__(
        self,
        database: Path,
        folder: Path,
        keep: int,
        at: dt.time,
        tz: dt.tzinfo,
        clock: Clock,
    ) -> None:
        self.database = database
        self.folder = folder
        self.keep = keep
        self.at = at
        self.tz = tz
        self.clock = clock
        self._done_on: dt.date | None = None  # today's copy exists: no need to look again
        self._warned_on: dt.date | None = None
        self._retry_at: dt.datetime | None = None

    async def run(self) -> Path | None:
        """Make today's copy if it is due; returns the file made. Never raises: a failure is
        logged (once a day, without personal data) and tried again later."""
        if self.keep <= 0:
            return None
        now = self.clock.now()
        local = now.astimezone(self.tz)
        today = local.date()
        if local.time() < self.at or self._done_on == today:
            return None
        if self._retry_at is not None and now < self._retry_at:
            return None
        out = self.folder / daily_name(today)
        try:
            if out.exists():
                self._done_on = today
                return None
            await take_in_thread(self.database, out)
        except Exception as error:  # disk full, folder not writable, a bug: the job goes on
            self._retry_at = now + RETRY_AFTER
            self._warn(today, "daily database backup failed (retrying later): %s", error)
            return None
        self._done_on, self._retry_at = today, None
        log.info("daily database backup made: %s", out)
        try:
            self._prune(today)
        except Exception as error:
            self._warn(today, "old daily database backups not deleted: %s", error)
        return out

    def _warn(self, today: dt.date, message: str, error: Exception) -> None:
        if self._warned_on != today:
            self._warned_on = today
            log.warning(message, _said(error))

    def _prune(self, today: dt.date) -> None:
        """The newest ``keep`` daily copies stay; copies cut short on an earlier day go."""
        daily: list[tuple[str, Path]] = []
        for path in self.folder.iterdir():
            if found := DAILY.fullmatch(path.name):
                daily.append((found.group(1), path))
            elif (found := LEFTOVER.fullmatch(path.name)) and found.group(1) != today.isoformat():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        daily.sort()
        for _, path in daily[: max(0, len(daily) - self.keep)]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _said(error: Exception) -> str:
    """What went wrong, in the words of SQLite or the system: paths and reasons, never what
    the database holds."""
    if isinstance(error, BackupError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror}"
    return type(error).__name__
