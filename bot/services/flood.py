"""Messages a minute per person: past the limit the person is told once to slow down, then
ignored until the minute has passed, so a spammer cannot make the bot spam back."""

from __future__ import annotations

from collections import deque
from enum import Enum

WINDOW_S = 60.0


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"  # the first message over the limit: say so politely
    DROP = "drop"  # further ones in the same minute: say nothing


class FloodGuard:
    def __init__(self, per_minute: int) -> None:
        self._per_minute = per_minute
        self._sent: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def check(self, user_id: int, now: float) -> Verdict:
        """Count a message from ``user_id`` at ``now`` (seconds, monotonic)."""
        times = self._sent.setdefault(user_id, deque())
        while times and now - times[0] >= WINDOW_S:
            times.popleft()
        if len(times) < self._per_minute:
            times.append(now)
            self._warned.pop(user_id, None)
            return Verdict.OK
        warned = self._warned.get(user_id)
        if warned is not None and now - warned < WINDOW_S:
            return Verdict.DROP
        self._warned[user_id] = now
        return Verdict.WARN

    def forget_idle(self, now: float) -> None:
        """Drop people who have been quiet for a minute, so memory follows the active ones."""
        for user_id in [u for u, t in self._sent.items() if not t or now - t[-1] >= WINDOW_S]:
            del self._sent[user_id]
            self._warned.pop(user_id, None)
