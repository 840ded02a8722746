"""The one clock: every decision about time — in services and in SQL — asks it.

Two clocks in one program disagree the moment a test (or an operator) moves one of them: the
outbox once decided what was due with SQLite's ``'now'`` while the dossier service read a
clock a test had set, and the suite failed from the next day on. So repositories pass
:meth:`Clock.stamp` to SQL as a parameter and never use ``'now'`` for a decision.

The clock keeps running after :meth:`Clock.travel` (a test set at 23:15 sees 23:16 a minute
later), so retries and delays measured in real seconds still come due.
"""

from __future__ import annotations

import datetime as dt
import time

# Where a new clock starts, relative to the machine's: the test suite sets it to run
# everything at night, on a Sunday or on Tết (``pytest --clock-at``).
_default_offset = dt.timedelta(0)


def start_all_clocks_at(moment: dt.datetime | None) -> None:
    """Clocks made from now on start at ``moment`` (``None``: the machine's time)."""
    global _default_offset
    if moment is None:
        _default_offset = dt.timedelta(0)
        return
    if moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _default_offset = moment - dt.datetime.now(dt.UTC)


class Clock:
    """Aware UTC time; the machine's, moved by an offset."""

    def __init__(self) -> None:
        self._offset = _default_offset

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    def travel(self, moment: dt.datetime) -> None:
        """From now on the clock reads ``moment`` and runs on from there."""
        if moment.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._offset = moment.astimezone(dt.UTC) - dt.datetime.now(dt.UTC)

    def stamp(self, moment: dt.datetime | None = None, *, plus: float = 0.0) -> str:
        """``moment`` (default: now) ``plus`` seconds as SQL stores times, so they compare
        as text: ``2026-11-29T00:00:00.000Z``."""
        at = (moment or self.now()) + dt.timedelta(seconds=plus)
        return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    @staticmethod
    def monotonic() -> float:
        """For intervals (rate limits, pauses), which no offset changes."""
        return time.monotonic()
