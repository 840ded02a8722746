"""Updates from many chats at once, but one at a time within a chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

_WAITING_UPDATES = 100_000  # updates taken in at once; how many run at once is ours to say
_KINDS = tuple(Update.ALL_TYPES)


def update_kind(update: object) -> str:
    """``message``, ``callback_query``…: the one field an update carries."""
    if isinstance(update, Update):
        for kind in _KINDS:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, but one update at a time within a chat, so a person's messages are
    handled in the order they were sent and never race on their conversation state."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        # PTB's own semaphore is left wide so that every update is seen on arrival (a tap
        # made before an earlier one was answered is known as such: ``received_up_to``);
        # ours bounds how many are handled at once. Handlers into groups never wait for the
        # group's minute (their messages go through the outbox), so a slot is held briefly.
        super().__init__(_WAITING_UPDATES)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.on_idle: Callable[[], None] = lambda: None  # the last update in hand is done
        # Each update's kind and the seconds from its arrival to the end of its handling.
        self.on_handled: Callable[[str, float], None] = lambda kind, seconds: None
        self.received_up_to = 0  # the newest update id handed to us, waiting or not

    def busy(self) -> bool:
        """Someone is waiting for the bot to answer."""
        return bool(self._waiting)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        arrived = time.monotonic()
        key = 0
        if isinstance(update, Update):
            self.received_up_to = max(self.received_up_to, update.update_id)
            if update.effective_chat is not None:
                key = update.effective_chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with self._slots, lock:
                await coroutine
            self.on_handled(update_kind(update), time.monotonic() - arrived)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]
                if not self._waiting:
                    self.on_idle()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
