"""Telegram's pace, kept per chat: the overall rate, 20 messages in any rolling minute into a
group, and a 429 that holds back only the chat it was about.

python-telegram-bot's ``AIORateLimiter`` pauses *every* request of the bot after any 429 and
then lets the queue go in a burst, and its group bucket allows 20 at once plus one every
3 seconds, more than 20 in a rolling minute. One busy group then stalled every citizen (a
``/start`` waited 80 s). Here a chat's wait is that chat's alone.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.clock import Clock

log = logging.getLogger(__name__)

# Set in the tasks that deliver what nobody is waiting for on screen (the outbox, edits of
# alerts): they give the overall rate to people being answered, for up to _YIELD_S.
BACKGROUND: ContextVar[bool] = ContextVar("telegram_background", default=False)
_YIELD_S = 5.0

GROUP_WINDOW_S = 60.0
# Telegram's window is its own: a send exactly 60 s after the 20th-last could land inside it.
_WINDOW_MARGIN_S = 0.5
# What counts towards Telegram's message limits: sending and editing messages.
_COUNTED = ("send", "edit", "copy", "forward")


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait, whichever type this PTB version gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramPace(BaseRateLimiter[int]):
    """Overall sends evenly spaced at ``per_second``; at most ``group_per_minute`` counted
    requests into one group in any 60 seconds; a 429 waits out its ``retry_after`` for that
    chat only and is retried up to ``max_retries`` times (``rate_limit_args`` per call:
    the outbox passes 0 and reschedules the row itself rather than hold a sending slot)."""

    def __init__(
        self,
        per_second: float,
        group_per_minute: int,
        max_retries: int = 3,
        now: Callable[[], float] = Clock.monotonic,
        group_window: float = GROUP_WINDOW_S,
    ) -> None:
        self._gap = 1.0 / per_second if per_second > 0 else 0.0
        self._group_limit = max(1, group_per_minute)
        self._max_retries = max_retries
        self._now = now
        self._window = group_window
        self._next_overall = 0.0  # the earliest time of the next counted send
        self._answers_until = 0.0  # the last slot taken by a request someone waits for
        self._groups: dict[int, deque[float]] = {}  # chat -> times of its counted sends
        self._held: dict[int, float] = {}  # chat -> time its 429 ends

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def waiting(self) -> dict[int, float]:
        """Chats held by a 429 or at their group limit, with the time they may have more."""
        now = self._now()
        found = {chat: until for chat, until in self._held.items() if until > now}
        for chat in self._groups:
            slot = self._group_slot(chat, now)
            if slot > now:
                found[chat] = max(found.get(chat, 0.0), slot)
        return found

    def _group_slot(self, chat_id: int, now: float) -> float:
        sent = self._groups.get(chat_id)
        if sent is None:
            return now
        while sent and sent[0] <= now - self._window:
            sent.popleft()
        if len(sent) < self._group_limit:
            return now
        return sent[-self._group_limit] + self._window + _WINDOW_MARGIN_S

    def _reserve_chat(self, chat_id: int | None, counted: bool) -> float:
        """When this chat may get the request; a group's place is taken now, so callers
        waiting at once are spread over the window instead of all leaving when it opens."""
        now = self._now()
        if chat_id is None or not counted:  # asking about a chat is not writing into it
            return now
        at = max(now, self._held.get(chat_id, 0.0))
        if chat_id < 0:
            sent = self._groups.setdefault(chat_id, deque())
            at = max(at, self._group_slot(chat_id, at), sent[-1] if sent else at)
            sent.append(at)
        return at

    def _went(self, chat_id: int, reserved: float) -> None:
        """The send reserved for ``reserved`` goes now, later if it waited for the overall
        rate: the group's window counts it from now (and the places after it no earlier),
        so that 20 in any minute holds for the sends as Telegram sees them."""
        sent, now = self._groups.get(chat_id), self._now()
        if not sent or now <= reserved:
            return
        for index in range(len(sent) - 1, -1, -1):
            if sent[index] == reserved:
                for later in range(index, len(sent)):
                    sent[later] = max(sent[later], now)
                return

    def _reserve_overall(self) -> float:
        """Evenly spaced rather than a bucket: a full bucket goes at once after any pause,
        and Telegram, counting a rolling window, answered those bursts with 429s. Taken
        only when the request is about to go, so a group waiting for its minute holds no
        one else's place."""
        at = max(self._now(), self._next_overall)
        self._next_overall = at + self._gap
        return at

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat_id = _chat_id(data.get("chat_id"))
        counted = chat_id is not None and endpoint.startswith(_COUNTED)
        for attempt in range(retries + 1):
            reserved = self._reserve_chat(chat_id, counted)
            await self._until(reserved)
            if counted:
                await self._overall()
                if chat_id is not None and chat_id < 0:
                    self._went(chat_id, reserved)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                if chat_id is not None:
                    self._held[chat_id] = max(
                        self._held.get(chat_id, 0.0), self._now() + seconds + 0.1
                    )
                if attempt == retries:
                    raise
                log.info("429 for %s: that chat waits %.1fs", endpoint, seconds)
                if chat_id is None:
                    await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _overall(self) -> None:
        """Wait for an overall slot; a background send first lets the answers people are
        waiting for go (for a while: a long wave must not hold news back for ever)."""
        background = BACKGROUND.get()
        if background:
            give_up = self._now() + _YIELD_S
            while True:  # the answers' last slot moves on while more of them come
                wait = min(self._answers_until, give_up) - self._now()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
        at = self._reserve_overall()
        if not background:
            self._answers_until = max(self._answers_until, at)
        await self._until(at)

    async def _until(self, moment: float) -> None:
        wait = moment - self._now()
        if wait > 0:
            await asyncio.sleep(wait)

    def forget_idle(self) -> None:
        """Drop windows and holds that are over (called now and then, so a year of groups and
        private chats does not pile up)."""
        now = self._now()
        self._held = {chat: until for chat, until in self._held.items() if until > now}
        over = now - self._window
        for chat in [c for c, sent in self._groups.items() if not sent or sent[-1] <= over]:
            del self._groups[chat]


def _chat_id(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return -1  # a channel's @name: counted as a group
    return None
