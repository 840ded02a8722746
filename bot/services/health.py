"""Is the bot serving? What ``GET /healthz`` answers, for a monitor or a container's health
check: the database takes writes, Telegram answered lately, what people are owed is going out,
and (in webhook mode) Telegram can reach us. Problems are named by stable codes, not prose, so
a monitor can match them."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.storage.ops import OpsRepository

CONTACT_WITHIN_S = 300.0  # polling asks every few seconds; webhook mode asks every minute
STUCK_AFTER_S = 600.0  # a due message still unsent after this long: the sender is stuck
WEBHOOK_ERROR_WITHIN_S = 300.0
PROBE_WITHIN_S = 5.0


@dataclass(frozen=True, slots=True)
class WebhookState:
    """What Telegram said of our webhook at the last look (getWebhookInfo)."""

    url: str
    pending: int
    last_error_at: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class HealthReport:
    problems: list[str]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "unhealthy",
            "problems": self.problems,
            **self.details,
        }


def _stamp(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds") if moment else None


class Health:
    def __init__(self, ops: OpsRepository, clock: Clock, *, webhook_url: str | None) -> None:
        self._ops = ops
        self._clock = clock
        self._webhook_url = webhook_url
        self.last_contact: dt.datetime | None = None
        self.webhook: WebhookState | None = None

    def answered(self, status: int) -> None:
        """The Bot API answered a request (any answer but a 5xx: Telegram is there)."""
        if status < 500:
            self.last_contact = self._clock.now()

    def saw_webhook(self, state: WebhookState) -> None:
        self.webhook = state
        self.last_contact = self._clock.now()

    async def report(self) -> HealthReport:
        problems: list[str] = []
        now = self._clock.now()
        try:
            await asyncio.wait_for(self._ops.probe(), PROBE_WITHIN_S)
            writable: bool | str = True
        except Exception as error:  # any failure to write is the answer, not a crash
            writable = type(error).__name__
            problems.append("database_not_writable")
        contact_s = (now - self.last_contact).total_seconds() if self.last_contact else None
        if contact_s is None or contact_s > CONTACT_WITHIN_S:
            problems.append("telegram_unreachable")
        backlog = await self._ops.backlog()
        if backlog.oldest_due_s > STUCK_AFTER_S:
            problems.append("outbox_stuck")
        telegram: dict[str, Any] = {
            "mode": "webhook" if self._webhook_url else "polling",
            "last_contact": _stamp(self.last_contact),
            "seconds_since": round(contact_s, 1) if contact_s is not None else None,
        }
        if self._webhook_url:
            telegram["webhook"] = self._webhook_details(now, problems)
        return HealthReport(
            problems,
            {
                "database": {"writable": writable},
                "telegram": telegram,
                "outbox": {
                    "pending": backlog.pending,
                    "due": backlog.due,
                    "oldest_due_seconds": round(backlog.oldest_due_s, 1),
                },
            },
        )

    def _webhook_details(self, now: dt.datetime, problems: list[str]) -> dict[str, Any]:
        state = self.webhook
        if state is None:
            return {"registered": None}
        if state.url != self._webhook_url:
            problems.append("webhook_not_registered")
        failing = (
            state.last_error_at is not None
            and state.pending > 0
            and (now - state.last_error_at).total_seconds() < WEBHOOK_ERROR_WITHIN_S
        )
        if failing:
            problems.append("webhook_failing")
        return {
            "registered": state.url == self._webhook_url,
            "pending_updates": state.pending,
            "last_error_at": _stamp(state.last_error_at),
            "last_error": state.last_error,
        }
