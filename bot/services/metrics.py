"""What ``GET /metrics`` shows, in Prometheus's text format: counters the bot keeps as things
happen, and gauges read from the database at each scrape. One registry per bot (never the
library's global one), so two bots in one process (the tests) count apart."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from bot.clock import Clock
from bot.storage.ops import OpsRepository

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A reply is expected within a second or two; the buckets tell a slow day from a stuck one.
REPLY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self, ops: OpsRepository, clock: Clock) -> None:
        # The ``*_created`` series (when each counter began) double a scrape and say nothing
        # a restart count does not.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self._ops = ops
        self._clock = clock
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self._updates = Counter(
            "ubnd_updates_handled", "Updates handled, by kind", ["kind"], registry=registry
        )
        self._reply = Histogram(
            "ubnd_reply_seconds",
            "From an update's arrival to the end of its handling (the reply sent)",
            buckets=REPLY_BUCKETS,
            registry=registry,
        )
        self._answers = Counter(
            "ubnd_telegram_responses",
            "Bot API answers, by HTTP status (429: Telegram asked us to slow down)",
            ["status"],
            registry=registry,
        )
        self._retries = Counter(
            "ubnd_outbox_retries",
            "Outgoing messages put back to be tried again, by reason",
            ["reason"],
            registry=registry,
        )
        self._misses = Counter(
            "ubnd_search_misses",
            "Questions the bot could not answer well, by kind (a list it was not sure of that "
            "the citizen then found wanting counts under both)",
            ["kind"],
            registry=registry,
        )
        self._pending = Gauge(
            "ubnd_outbox_pending", "Messages not yet sent (due or held)", registry=registry
        )
        self._due = Gauge("ubnd_outbox_due", "Messages due and not yet sent", registry=registry)
        self._oldest = Gauge(
            "ubnd_outbox_oldest_due_seconds",
            "How long the longest-waiting due message has been due",
            registry=registry,
        )
        self._tickets = Gauge(
            "ubnd_tickets", "Complaints and questions, by state", ["state"], registry=registry
        )
        self._overdue = Gauge(
            "ubnd_tickets_overdue",
            "Open tickets past a deadline, by stage (acknowledge, resolve)",
            ["stage"],
            registry=registry,
        )

    def handled(self, kind: str, seconds: float) -> None:
        self._updates.labels(kind).inc()
        self._reply.observe(seconds)

    def answered(self, status: int) -> None:
        self._answers.labels(str(status)).inc()

    def retried(self, reason: str) -> None:
        self._retries.labels(reason).inc()

    def missed(self, kind: str) -> None:
        self._misses.labels(kind).inc()

    async def exposition(self) -> bytes:
        """The text a scrape gets, with the database's figures read now."""
        backlog = await self._ops.backlog()
        self._pending.set(backlog.pending)
        self._due.set(backlog.due)
        self._oldest.set(backlog.oldest_due_s)
        for state, count in (await self._ops.tickets_by_state()).items():
            self._tickets.labels(state).set(count)
        overdue = await self._ops.overdue(self._clock.now())
        self._overdue.labels("acknowledge").set(overdue.acknowledge)
        self._overdue.labels("resolve").set(overdue.resolve)
        return generate_latest(self.registry)
