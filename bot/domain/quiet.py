"""Quiet hours: news that can wait (a dossier's status, an announcement) is not sent at night."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: dt.time  # e.g. 21:00
    end: dt.time  # e.g. 07:00, the next morning when it is before start

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """``"21:00-07:00"``; ``"off"`` (or empty) for none. ValueError says what is wrong."""
        text = text.strip().lower()
        if text in ("", "off", "none"):
            return None
        first, sep, second = text.partition("-")
        try:
            start, end = dt.time.fromisoformat(first.strip()), dt.time.fromisoformat(second.strip())
        except ValueError:
            sep = ""
        if not sep or start == end:
            raise ValueError("expected two different times such as 21:00-07:00, or off")
        return cls(start, end)

    def _quiet(self, moment: dt.time) -> bool:
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def wait_until(self, now: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
        """When a message written at ``now`` may go: ``None`` if now is fine, else the end
        of the quiet hours (in UTC)."""
        local = now.astimezone(tz)
        if not self._quiet(local.time()):
            return None
        end = dt.datetime.combine(local.date(), self.end, tzinfo=tz)
        if end <= local:
            end += dt.timedelta(days=1)
        return end.astimezone(dt.UTC)
