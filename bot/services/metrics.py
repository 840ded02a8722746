"""The figures ``GET /metrics`` shows: counts the bot keeps as things happen, and what the
database says at the moment of a scrape.

The counts are plain numbers, not prometheus-client's metric objects: the library (about
1 MB beside what the bot imports anyway) is loaded by the web layer that writes the
exposition, which only a bot serving HTTP has. Each bot keeps its own counts, so two bots
in one process (the tests) count apart."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from bot.clock import Clock
from bot.storage.ops import Backlog, OpsRepository, Overdue

# A reply is expected within a second or two; the buckets tell a slow day from a stuck one.
REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class Figures:
    updates: dict[str, int]  # updates handled, by kind
    # Replies by the first bucket of REPLY_BUCKETS they fit in; the last place counts those
    # over them all.
    replies: tuple[int, ...]
    reply_seconds: float  # all replies' time together
    answers: dict[str, int]  # Bot API answers, by HTTP status
    retries: dict[str, int]  # messages put back to be tried again, by reason
    misses: dict[str, int]  # questions not answered well, by kind
    backlog: Backlog
    tickets: dict[str, int]  # by state, every state listed
    overdue: Overdue


class Metrics:
    def __init__(self, ops: OpsRepository, clock: Clock) -> None:
        self._ops = ops
        self._clock = clock
        self._updates: Counter[str] = Counter()
        self._answers: Counter[str] = Counter()
        self._retries: Counter[str] = Counter()
        self._misses: Counter[str] = Counter()
        self._replies = [0] * (len(REPLY_BUCKETS) + 1)
        self._reply_seconds = 0.0

    def handled(self, kind: str, seconds: float) -> None:
        self._updates[kind] += 1
        self._replies[bisect_left(REPLY_BUCKETS, seconds)] += 1
        self._reply_seconds += seconds

    def answered(self, status: int) -> None:
        self._answers[str(status)] += 1

    def retried(self, reason: str) -> None:
        self._retries[reason] += 1

    def missed(self, kind: str) -> None:
        self._misses[kind] += 1

    async def figures(self) -> Figures:
        """Everything counted so far, with the database's figures read now."""
        return Figures(
            updates=dict(self._updates),
            replies=tuple(self._replies),
            reply_seconds=self._reply_seconds,
            answers=dict(self._answers),
            retries=dict(self._retries),
            misses=dict(self._misses),
            backlog=await self._ops.backlog(),
            tickets=await self._ops.tickets_by_state(),
            overdue=await self._ops.overdue(self._clock.now()),
        )
