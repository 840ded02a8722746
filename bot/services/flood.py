"""Messages a minute per person: past the limit the person is told once to slow down, then
ignored until the minute has passed, so a spammer cannot make the bot spam back."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
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


class RepeatGuard:
    """The same button pressed again on the same message before its first press was answered
    is one press: an official tapping twenty times while the answer comes gets one prompt,
    one picker, one QR code. Told apart by update ids, not by time: a press that had already
    arrived when the first one was answered was made without seeing the answer; one that
    arrives later is a new decision. (Each action is also idempotent on its own: a ticket is
    taken once, a status set once.)"""

    def __init__(self) -> None:
        self._answered: dict[Hashable, tuple[int, float]] = {}  # -> (received up to, when)

    def repeated(self, key: Hashable, update_id: int) -> bool:
        """Whether the press ``key`` in update ``update_id`` was made before the same press
        was answered."""
        answered = self._answered.get(key)
        return answered is not None and update_id <= answered[0]

    def done(self, key: Hashable, received_up_to: int, now: float) -> None:
        """The press ``key`` is answered; updates up to ``received_up_to`` had arrived."""
        self._answered[key] = (received_up_to, now)

    def forget_idle(self, now: float) -> None:
        self._answered = {k: v for k, v in self._answered.items() if now - v[1] < WINDOW_S}
