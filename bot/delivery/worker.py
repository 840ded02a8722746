"""Delivering the outbox: alerts to officials' groups and notifications to citizens.

Rows are sent oldest first, several chats at a time but one message at a time per chat, so a
chat reads its messages in the order they were written. What Telegram refuses for now (429,
5xx, network trouble) is tried again later — a 429 holds back that chat only; what it
refuses for good (400, 403) is set aside with the reason. A chat that must wait (a group at
its 20 a minute, a private chat within its second, a 429) is not given a sending slot until
it may have its message, so a busy group never holds up citizens' news. The rows
hold what citizens wrote: logs name a row by id and an error by its class, nothing more.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Bot, ForceReply, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.delivery.pace import BACKGROUND, retry_after_seconds
from bot.html import Html
from bot.logs import redact
from bot.storage.outbox import OutboxRepository, OutboxRow, Outgoing, Thread
from bot.ui import keyboards
from bot.ui.text import CAPTION_LIMIT, split_html, visible_length

log = logging.getLogger(__name__)

# A row that keeps failing for reasons we do not understand (a bug) is set aside after this
# many attempts; Telegram's own temporary refusals are retried for as long as it takes.
_MAX_UNEXPECTED = 5
# Officials deleted or closed a ref's forum topic: open a new one or reopen it, a few times.
_MAX_TOPIC_REPAIRS = 10
_TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")
_TOPIC_CLOSED = "topic_closed"
# How long a reply to a message still being recorded waits for the record.
SETTLE_S = 3.0


class Pace(Protocol):
    """What the rate limiter knows of chats that must wait."""

    def waiting(self) -> dict[int, float]:
        """Chats that may not get a message yet, with the ``time.monotonic()`` they may."""
        ...


class _Stopping(Exception):
    """The sender is stopping: leave the row pending for the next start."""


@dataclass(frozen=True, slots=True)
class Part:
    """One Telegram message of a row: a row may need several (a long text, a map pin)."""

    kind: str  # text | photo | location
    text: Html | None = None
    photo: str | None = None
    location: tuple[float, float] | None = None


def _has_text(text: str) -> bool:
    return bool(html.unescape(re.sub(r"<[^>]+>", "", text)).strip())


def parts_of(item: Outgoing) -> list[Part]:
    """The messages that deliver ``item``, in order; buttons go under the last.

    A photo carries the text as its caption when it fits (1024), else the text follows it;
    a text over 4096 is split; a location comes last. Deterministic, so a retry after a
    restart resumes at the first part not yet delivered.
    """
    parts: list[Part] = []
    text = item.text if _has_text(item.text) else Html()
    if item.photo is not None:
        caption = text if text and visible_length(text) <= CAPTION_LIMIT else None
        parts.append(Part("photo", text=caption, photo=item.photo))
        if caption is not None:
            text = Html()
    if text:
        parts.extend(Part("text", text=piece) for piece in split_html(text))
    if item.location is not None:
        parts.append(Part("location", location=item.location))
    return parts or [Part("text", text=item.text)]  # Telegram will say what is wrong with it


ReplyMarkup = InlineKeyboardMarkup | ForceReply


def _keyboard(item: Outgoing) -> InlineKeyboardMarkup | None:
    return keyboards.inline(item.buttons)


class DeliveryWorker:
    """Delivers due outbox rows with the application's ``Bot`` until stopped.

    ``start(bot)`` when the application starts (pending rows from before a restart go out
    first), ``await stop()`` before the database closes. Enqueuing through the same
    :class:`OutboxRepository` wakes the sender once the transaction commits; :meth:`wake`
    does it by hand.
    """

    def __init__(
        self,
        outbox: OutboxRepository,
        *,
        concurrency: int = 8,
        backoff: float = 2.0,
        max_backoff: float = 300.0,
        idle_poll: float = 5.0,
        grace: float = 5.0,
        interactive: Callable[[], bool] = lambda: False,
        defer: float = 1.0,
        chat_gap: float = 1.0,
        pace: Pace | None = None,
    ) -> None:
        # Several chats at once, so a group held back by its 20-a-minute limit (the rate
        # limiter waits inside the call) does not hold up everyone else's messages.
        self._outbox = outbox
        self._concurrency = max(1, concurrency)
        self._backoff = backoff
        self._max_backoff = max_backoff
        # Rows written here wake the sender at once; rows another process wrote (the CLI's
        # CSV import while the bot runs) are found by looking again this often.
        self._idle_poll = idle_poll
        self._grace = grace
        # People waiting for an answer on screen go first: while ``interactive()`` says the
        # bot is handling their updates, a row waits up to ``defer`` seconds (never longer),
        # and :meth:`idle` sends it as soon as they are answered.
        self._interactive = interactive
        self.on_retry: Callable[[str], None] = lambda kind: None  # the metrics count them
        self._defer = defer
        self._deferred = False
        # Telegram asks for about one message a second into a private chat; groups have their
        # own 20-a-minute limit, which the Application's rate limiter (``pace``) keeps and
        # tells us about, so that a group at its limit waits without taking a slot.
        self._chat_gap = chat_gap
        self._pace = pace
        self._resting: dict[int, float] = {}  # chat -> time.monotonic() it may get more
        self._bot: Bot | None = None
        self._task: asyncio.Task[None] | None = None
        self._wakeup = asyncio.Event()
        self._stopped = asyncio.Event()
        self._stopping = False
        self._inflight: dict[int, asyncio.Task[None]] = {}  # chat_id -> its one send

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, bot: Bot) -> None:
        """Begin delivering with ``bot`` (the Application's, so its rate limiter applies)."""
        if self.running:
            raise RuntimeError("the outbox sender is already running")
        self._bot = bot
        self._stopping = False
        self._wakeup = asyncio.Event()
        self._stopped = asyncio.Event()
        self._outbox.listen(self.wake)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-sender")

    def wake(self) -> None:
        """Look for due rows now instead of at the next scheduled time."""
        self._wakeup.set()

    def idle(self) -> None:
        """The bot has answered everyone waiting: what was held back for them goes now."""
        if self._deferred:
            self._deferred = False
            self._wakeup.set()

    async def settled(self, chat_id: int) -> None:
        """Wait, a few seconds at most, for what is being sent to ``chat_id`` to be sent and
        recorded: a reply to a message Telegram has shown, but the bot has not yet noted."""
        sending = self._inflight.get(chat_id)
        if sending is not None:
            await asyncio.wait({sending}, timeout=SETTLE_S)

    async def stop(self) -> None:
        """Stop; a request already made gets ``grace`` seconds to finish and be recorded, and
        nothing new is sent. A row cut short stays pending and goes out at the next start (a
        request cut short may then arrive twice; nothing is lost)."""
        self._outbox.listen(None)
        self._stopping = True
        self._stopped.set()
        task, self._task = self._task, None
        if task is None:
            return
        self._wakeup.set()
        await task
        inflight = list(self._inflight.values())
        if inflight:
            _, late = await asyncio.wait(inflight, timeout=self._grace)
            for pending in late:
                pending.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    # ------------------------------------------------------------------ the loop
    async def _run(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            try:
                timeout = await self._step()
            except Exception as error:  # the database is busy or closing: look again soon
                log.error("outbox sender: %s", type(error).__name__)
                timeout = min(self._idle_poll, 5.0)
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout)

    async def _step(self) -> float:
        """Start what is due; returns how long to wait before looking again."""
        free = self._concurrency - len(self._inflight)
        if free <= 0:
            return self._idle_poll  # a finishing send wakes us
        lag = self._defer if self._interactive() else 0.0
        self._deferred = lag > 0
        now = time.monotonic()
        if self._pace is not None:
            for chat, until in self._pace.waiting().items():
                self._resting[chat] = max(self._resting.get(chat, 0.0), until)
        self._resting = {chat: until for chat, until in self._resting.items() if until > now}
        busy = [*self._inflight, *self._resting]
        rows, wait = await self._outbox.due(free, busy=busy, lag=lag)
        self._deferred = self._deferred and wait is not None and wait <= 0  # held back
        for row in rows:
            chat_id = row.item.chat_id
            self._inflight[chat_id] = asyncio.get_running_loop().create_task(
                self._deliver(row), name=f"outbox-{row.id}"
            )
        if len(rows) == free:
            return self._idle_poll
        timeout = self._idle_poll if wait is None else min(max(wait + lag, 0.01), self._idle_poll)
        if self._resting:  # a resting chat may have more waiting
            timeout = min(timeout, max(min(self._resting.values()) - now, 0.01))
        return timeout

    def _check_stopping(self) -> None:
        """Raise :class:`_Stopping` rather than make a new request once stopping."""
        if self._stopping:
            raise _Stopping

    def _rest(self, chat_id: int, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._resting[chat_id] = max(self._resting.get(chat_id, 0.0), until)

    # ------------------------------------------------------------------ one row
    async def _deliver(self, row: OutboxRow) -> None:
        BACKGROUND.set(True)  # this task's own context: people being answered go first
        try:
            try:
                await self._send_row(row)
            except _Stopping:
                log.debug("outbox row %d left for the next start", row.id)
            except TelegramError as error:
                await self._refused(row, error)
            except Exception as error:
                await self._unexpected(row, error)
        except Exception as error:  # recording the outcome failed; the row is still pending
            log.error("outbox row %d: outcome not recorded (%s)", row.id, type(error).__name__)
        finally:
            chat_id = row.item.chat_id
            self._inflight.pop(chat_id, None)
            if chat_id > 0 and self._chat_gap > 0:
                self._rest(chat_id, self._chat_gap)
            self._wakeup.set()

    async def _send_row(self, row: OutboxRow) -> None:
        item = row.item
        place: Thread | None = None
        if item.ref is not None:
            place = await self._outbox.thread(item.ref, item.chat_id)
            if place is None and item.topic is not None:
                place = await self._open_topic(row)
        parts = parts_of(item)
        for index in range(min(row.parts_sent, len(parts) - 1), len(parts)):
            last = index == len(parts) - 1
            self._check_stopping()
            message = await self._send_part(item, parts[index], place, last)
            await self._outbox.part_sent(row, index, message.message_id, last)
            if item.ref is not None and (place is None or place.first_message_id is None):
                place = Thread(place.thread_id if place else None, message.message_id)
        log.debug("outbox row %d sent", row.id)

    async def _open_topic(self, row: OutboxRow) -> Thread:
        item = row.item
        assert item.ref is not None and item.topic is not None
        self._check_stopping()
        try:
            topic = await self._require_bot().create_forum_topic(item.chat_id, item.topic)
        except BadRequest as error:
            # Not a forum, or no right to manage topics: the general chat beats no alert.
            log.warning("outbox row %d: no forum topic (%s)", row.id, type(error).__name__)
            await self._outbox.set_thread(item.ref, item.chat_id, None)
            return Thread(None, None)
        await self._outbox.set_thread(item.ref, item.chat_id, topic.message_thread_id)
        return Thread(topic.message_thread_id, None)

    async def _send_part(
        self, item: Outgoing, part: Part, place: Thread | None, last: bool
    ) -> Message:
        bot = self._require_bot()
        markup: ReplyMarkup | None = None
        if last:
            markup = ForceReply(selective=True) if item.force_reply else _keyboard(item)
        options: dict[str, Any] = {"reply_markup": markup}
        if isinstance(bot, ExtBot):
            # A 429 comes straight back here (no retry inside the rate limiter), so the row
            # is rescheduled and its sending slot goes to another chat meanwhile.
            options["rate_limit_args"] = 0
        thread_id = place.thread_id if place is not None else item.thread_id
        reply_to = place.first_message_id if place is not None else item.reply_to
        if thread_id is not None:
            options["message_thread_id"] = thread_id
        if reply_to is not None and (place is None or place.thread_id is None):
            options["reply_parameters"] = ReplyParameters(
                reply_to, allow_sending_without_reply=True
            )
        if part.kind == "photo":
            assert part.photo is not None
            return await bot.send_photo(
                item.chat_id, part.photo, caption=part.text, parse_mode=ParseMode.HTML, **options
            )
        if part.kind == "location":
            assert part.location is not None
            latitude, longitude = part.location
            return await bot.send_location(
                item.chat_id, latitude=latitude, longitude=longitude, **options
            )
        assert part.text is not None
        return await bot.send_message(item.chat_id, part.text, parse_mode=ParseMode.HTML, **options)

    # ------------------------------------------------------------------ refusals
    async def _refused(self, row: OutboxRow, error: TelegramError) -> None:
        item, name = row.item, type(error).__name__
        reason = self._reason(error)
        if isinstance(error, RetryAfter):
            seconds = retry_after_seconds(error)
            self._rest(item.chat_id, seconds)
            await self._again(row, seconds, reason, name)
            log.warning("outbox row %d: %s, its chat waits %.0fs", row.id, name, seconds)
        elif isinstance(error, Forbidden):
            # The citizen blocked the bot, or the bot left the group: asking again won't help.
            await self._outbox.fail(row.id, reason)
            if item.chat_id > 0:
                await self._outbox.mark_blocked(item.chat_id)
            log.info("outbox row %d: %s, not retried", row.id, name)
        elif isinstance(error, ChatMigrated):
            await self._outbox.retarget(item.chat_id, error.new_chat_id)
            log.warning("outbox row %d: %s, the group's rows follow it", row.id, name)
        elif isinstance(error, BadRequest):
            if not await self._repair_topic(row, error):
                await self._outbox.fail(row.id, reason)
                log.warning("outbox row %d: %s, not retried", row.id, name)
        else:  # NetworkError, TimedOut, 5xx, or something Telegram may add: try later
            delay = self._delay(row.attempts)
            await self._again(row, delay, reason, name)
            log.warning("outbox row %d: %s, retry in %.1fs", row.id, name, delay)

    async def _repair_topic(self, row: OutboxRow, error: BadRequest) -> bool:
        """A deleted topic is replaced by a new one, a closed one reopened; True if retried."""
        item, message = row.item, error.message.lower()
        gone = any(sign in message for sign in _TOPIC_GONE)
        closed = _TOPIC_CLOSED in message
        if item.ref is None or not (gone or closed) or row.attempts >= _MAX_TOPIC_REPAIRS:
            return False
        thread_id = await self._outbox.thread_of(item.ref, item.chat_id)
        reopened = False
        if closed and thread_id is not None:
            with contextlib.suppress(TelegramError):  # cannot reopen it: open a new topic
                reopened = await self._require_bot().reopen_forum_topic(item.chat_id, thread_id)
        if not reopened:
            await self._outbox.forget_thread(item.ref, item.chat_id)
        await self._again(row, 0.0, self._reason(error), type(error).__name__)
        log.warning("outbox row %d: %s about its topic, retrying", row.id, type(error).__name__)
        return True

    async def _unexpected(self, row: OutboxRow, error: Exception) -> None:
        name = type(error).__name__
        if row.attempts + 1 >= _MAX_UNEXPECTED:
            await self._outbox.fail(row.id, f"{name} (unexpected)")
            log.error("outbox row %d: unexpected %s, given up", row.id, name)
        else:
            await self._again(row, self._delay(row.attempts), f"{name} (unexpected)", name)
            log.error("outbox row %d: unexpected %s, will retry", row.id, name)

    def _delay(self, attempts: int) -> float:
        """Capped exponential backoff: 2 s, 4 s, 8 s ... up to 5 minutes."""
        return float(min(self._max_backoff, self._backoff * 2 ** min(attempts, 30)))

    async def _again(self, row: OutboxRow, delay: float, reason: str, kind: str) -> None:
        await self._outbox.retry(row.id, delay, reason)
        self.on_retry(kind)

    def _reason(self, error: TelegramError) -> str:
        """What to store about a refusal: Telegram's words, never the token."""
        name, message = type(error).__name__, error.message
        text = message if message.startswith(name) else f"{name}: {message}"
        return redact(text, [self._bot.token] if self._bot is not None else [])

    def _require_bot(self) -> Bot:
        if self._bot is None:
            raise RuntimeError("the outbox sender was not started")
        return self._bot
