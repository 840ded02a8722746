"""Failures tests inject with ``fail_next``, so the bot's error paths can be driven on demand."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .params import Params

_DEFAULT_FAILURE_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Failure:
    """One injected refusal, answered instead of running the method."""

    status: int
    description: str
    retry_after: int | None
    chat_id: int | None = None  # only calls to this chat


class InjectedFailures:
    """Queues of pending failures per method (any capitalisation), taken in order."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Failure]] = {}

    def add(
        self,
        method: str,
        status: int,
        description: str | None,
        times: int,
        retry_after: int | None,
        chat_id: int | None,
    ) -> None:
        """Queue ``times`` failures; a 429 always carries a retry_after, as Telegram's does."""
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_FAILURE_TEXT.get(status, "Internal Server Error")
        if status == 429 and retry_after is None:
            retry_after = 1
        queue = self._queues.setdefault(method.lower(), deque())
        queue.extend(Failure(status, description, retry_after, chat_id) for _ in range(times))

    def take(self, method: str, params: Params) -> Failure | None:
        """The first failure this call matches, taken off its queue."""
        queue = self._queues.get(method.lower(), deque())
        for failure in queue:
            if failure.chat_id is None or str(failure.chat_id) == str(params.get("chat_id")):
                queue.remove(failure)  # and stop iterating at once
                return failure
        return None
