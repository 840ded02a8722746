"""Telegram's size and flood limits, so the bot meets the same refusals it would in production."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Limits:
    """Configurable limits; ``None`` switches a rate limit off.

    The defaults follow Telegram's published guidance: about 30 messages a second overall,
    20 a minute into one group. A per-private-chat limit of one a second exists in Telegram's
    advice but short bursts pass in practice, so it is off by default.
    """

    global_per_second: int | None = 30
    group_per_minute: int | None = 20
    private_per_second: int | None = None
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64

    @classmethod
    def off(cls) -> Limits:
        """No rate limits at all: benchmarks measure the bot, not Telegram's flood control."""
        return cls(global_per_second=None, group_per_minute=None, private_per_second=None)


@dataclass
class _Window:
    """Timestamps of counted sends within one rolling window (oldest first)."""

    seconds: float
    stamps: deque[float] = field(default_factory=deque)

    def retry_after(self, limit: int, now: float) -> int | None:
        """Seconds until one more send fits, or ``None`` if it fits now."""
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.seconds:
            stamps.popleft()
        if len(stamps) < limit:
            return None
        # The send fits once enough of the oldest stamps have left the window.
        oldest_blocking = stamps[len(stamps) - limit]
        return max(1, math.ceil(oldest_blocking + self.seconds - now))


class RateLimiter:
    """Rolling-window counters; O(1) amortised per send so benchmarks are not slowed down."""

    def __init__(self) -> None:
        self._global = _Window(1.0)
        self._groups: dict[int, _Window] = {}
        self._privates: dict[int, _Window] = {}

    def _windows(self, limits: Limits, chat_id: int) -> list[tuple[_Window, int]]:
        windows: list[tuple[_Window, int]] = []
        if limits.global_per_second is not None:
            windows.append((self._global, limits.global_per_second))
        if chat_id < 0 and limits.group_per_minute is not None:
            window = self._groups.setdefault(chat_id, _Window(60.0))
            windows.append((window, limits.group_per_minute))
        if chat_id > 0 and limits.private_per_second is not None:
            window = self._privates.setdefault(chat_id, _Window(1.0))
            windows.append((window, limits.private_per_second))
        return windows

    def acquire(self, limits: Limits, chat_id: int, now: float) -> int | None:
        """Count one outgoing message, or return retry_after seconds if a limit is reached.

        A refused send is not counted, as with Telegram.
        """
        windows = self._windows(limits, chat_id)
        waits = [w for window, limit in windows if (w := window.retry_after(limit, now))]
        if waits:
            return max(waits)
        for window, _ in windows:
            window.stamps.append(now)
        return None

    def reset(self) -> None:
        """Forget all counted sends (tests that change limits mid-way start clean)."""
        self._global = _Window(1.0)
        self._groups.clear()
        self._privates.clear()
