"""Webhook delivery as Telegram does it: once ``setWebhook`` names a URL, pending updates are
posted to it one at a time, in order, each with the secret in the
``X-Telegram-Bot-Api-Secret-Token`` header; an update is confirmed by a 2xx answer and posted
again later otherwise, and ``getWebhookInfo`` tells the last error."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import aiohttp

from .state import JSON, UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_S = (0.2, 0.5, 1.0, 2.0)  # Telegram waits longer; tests should not


@dataclass
class Posted:
    """One delivery attempt, for tests to inspect."""

    update_id: int
    status: int | None  # None: no HTTP answer (refused connection, timeout)


@dataclass
class WebhookDelivery:
    url: str
    secret: str | None
    allowed: frozenset[str] | None
    posted: list[Posted] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None
    _task: asyncio.Task[None] | None = None
    _stopping: bool = False

    def start(self, updates: UpdateQueue) -> None:
        self._task = asyncio.create_task(self._deliver(updates), name="standin-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            # Besides cancelling: asyncio.wait_for (3.11) can swallow a cancellation that
            # comes as the awaited update arrives.
            self._stopping = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def info(self, pending: int) -> JSON:
        data: JSON = {"url": self.url, "has_custom_certificate": False}
        data["pending_update_count"] = pending
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        return data

    async def _deliver(self, updates: UpdateQueue) -> None:
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        offset = 0
        failures = 0
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            while not self._stopping:
                found = await updates.fetch(offset, 1, 1.0, self.allowed)
                if not found:  # a second waited, or the queue is closing
                    await asyncio.sleep(0.05)
                    continue
                update = found[0]
                status = await self._post(session, update)
                self.posted.append(Posted(int(update["update_id"]), status))
                if status is not None and 200 <= status < 300:
                    offset = int(update["update_id"]) + 1
                    failures = 0
                    continue
                self.last_error_date = int(time.time())
                self.last_error_message = (
                    f"Wrong response from the webhook: {status}"
                    if status is not None
                    else "Connection refused"
                )
                await asyncio.sleep(RETRY_S[min(failures, len(RETRY_S) - 1)])
                failures += 1

    async def _post(self, session: aiohttp.ClientSession, update: JSON) -> int | None:
        try:
            async with session.post(self.url, json=update) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, TimeoutError):
            return None
