"""The outbox: messages the bot owes people, written in the caller's transaction.

A service that files a complaint and alerts the department commits both at once, so an alert
is never sent for a ticket that was rolled back, nor lost for one that was kept. The sender
(:mod:`bot.delivery.worker`) reads rows from here and records what became of them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.html import Html
from bot.storage.db import Database

log = logging.getLogger(__name__)

_ERROR_LENGTH = 500
_CALLBACK_DATA_BYTES = 64
_TOPIC_LENGTH = 128

Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to deliver.

    ``text`` is HTML the caller has already escaped; with ``photo`` it is the caption. ``ref``
    ties messages about one thing (a ticket) together in a chat: with ``topic`` (forum groups
    only) the first of them opens a forum topic of that name and the rest go into it; without,
    the rest reply to the first. A message without such a thread may name its place itself:
    ``thread_id`` (a forum topic) and ``reply_to`` (a message it answers). ``force_reply``
    asks the reader to answer it (Telegram's reply prompt, in place of buttons). ``dedupe``
    makes enqueuing twice store one row.
    """

    chat_id: int
    text: Html
    ref: str | None = None
    topic: str | None = None
    buttons: Buttons = ()
    photo: str | None = None
    location: tuple[float, float] | None = None
    dedupe: str | None = None
    not_before: dt.datetime | None = None  # held until then (quiet hours)
    thread_id: int | None = None
    reply_to: int | None = None
    force_reply: bool = False

    def __post_init__(self) -> None:
        # Caught here, a mistake fails the caller's transaction and its tests, instead of
        # becoming an alert that Telegram refuses hours later.
        if not self.text.strip() and self.photo is None and self.location is None:
            raise ValueError("an outgoing message needs text, a photo or a location")
        if self.topic is not None:
            if self.ref is None:
                raise ValueError("a topic needs a ref: it holds everything about that ref")
            if not 1 <= len(self.topic) <= _TOPIC_LENGTH:
                raise ValueError(f"a topic name has 1 to {_TOPIC_LENGTH} characters")
        if self.force_reply and self.buttons:
            raise ValueError("a message has either buttons or a reply prompt")
        for row in self.buttons:
            for label, data in row:
                if not label or not 1 <= len(data.encode("utf-8")) <= _CALLBACK_DATA_BYTES:
                    raise ValueError(f"button {label!r}: callback data must be 1 to 64 bytes")

    @property
    def kind(self) -> str:
        if self.photo is not None:
            return "photo"
        return "location" if self.location is not None else "text"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A pending row as the sender sees it."""

    id: int
    item: Outgoing
    attempts: int
    parts_sent: int


@dataclass(frozen=True, slots=True)
class Thread:
    """Where a ref lives in one chat: its forum topic, and its first message."""

    thread_id: int | None
    first_message_id: int | None


def _payload(item: Outgoing) -> str:
    data: dict[str, Any] = {"text": item.text}
    if item.buttons:
        data["buttons"] = [[list(button) for button in row] for row in item.buttons]
    if item.photo is not None:
        data["photo"] = item.photo
    if item.location is not None:
        data["location"] = list(item.location)
    for name in ("thread_id", "reply_to"):
        if getattr(item, name) is not None:
            data[name] = getattr(item, name)
    if item.force_reply:
        data["force_reply"] = True
    return json.dumps(data, ensure_ascii=False)


def _outgoing(row: aiosqlite.Row) -> Outgoing:
    data = json.loads(row["payload"])
    location = data.get("location")
    return Outgoing(
        chat_id=int(row["chat_id"]),
        text=Html(data.get("text", "")),  # stored from an Html, so already safe
        ref=row["ref"],
        topic=row["topic"],
        buttons=tuple(
            tuple((str(label), str(value)) for label, value in line)
            for line in data.get("buttons", ())
        ),
        photo=data.get("photo"),
        location=(float(location[0]), float(location[1])) if location else None,
        dedupe=row["dedupe"],
        thread_id=data.get("thread_id"),
        reply_to=data.get("reply_to"),
        force_reply=bool(data.get("force_reply")),
    )


# The first pending row of each chat: only it may be sent, so a chat's messages keep their order.
_HEAD = (
    "o.state = 'pending' AND NOT EXISTS (SELECT 1 FROM outbox AS p WHERE p.state = 'pending' "
    "AND p.chat_id = o.chat_id AND p.id < o.id) "
    "AND o.chat_id NOT IN (SELECT value FROM json_each(?))"
)


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._listener: Callable[[], None] | None = None

    # ------------------------------------------------------------------ for services
    async def enqueue(self, conn: aiosqlite.Connection, items: Iterable[Outgoing]) -> list[int]:
        """Store messages inside the caller's transaction (``conn`` from
        :meth:`Database.transaction`); returns the new rows' ids, without those whose
        ``dedupe`` key was stored before. The sender is woken once the transaction commits."""
        ids: list[int] = []
        clock = self._db.clock
        now = clock.now()
        for item in items:
            rows = await conn.execute_fetchall(
                "INSERT INTO outbox (chat_id, kind, payload, ref, topic, dedupe, next_at, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (dedupe) DO NOTHING RETURNING id",
                (
                    item.chat_id,
                    item.kind,
                    _payload(item),
                    item.ref,
                    item.topic,
                    item.dedupe,
                    clock.stamp(max(item.not_before or now, now)),
                    clock.stamp(now),
                ),
            )
            ids += [int(row["id"]) for row in rows]
        if ids and self._listener is not None:
            self._db.on_commit(self._listener)  # before the commit the rows are not visible
        return ids

    async def post(self, *items: Outgoing) -> None:
        """Messages with nothing else to commit (a handler's answer into a group): written
        here and delivered at the group's pace, so the handler never waits for it."""
        async with self._db.transaction() as conn:
            await self.enqueue(conn, items)

    def listen(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` (the sender's wake) after each committed enqueue; ``None`` stops."""
        self._listener = callback

    # ------------------------------------------------------------------ lookups
    async def ref_of(self, chat_id: int, message_id: int) -> str | None:
        """The ref of a message the outbox delivered (to trace a reply back to its ticket)."""
        row = await self._db.fetchone(
            "SELECT ref FROM outbox_messages WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return str(row["ref"]) if row else None

    async def thread_of(self, ref: str, chat_id: int) -> int | None:
        """The forum topic the ref's messages go to in that chat, if one was opened."""
        thread = await self.thread(ref, chat_id)
        return thread.thread_id if thread else None

    async def ref_of_thread(self, chat_id: int, thread_id: int) -> str | None:
        """The ref whose forum topic this is (officials write in a topic without replying)."""
        row = await self._db.fetchone(
            "SELECT ref FROM outbox_threads WHERE chat_id = ? AND thread_id = ?",
            (chat_id, thread_id),
        )
        return str(row["ref"]) if row else None

    async def thread(self, ref: str, chat_id: int) -> Thread | None:
        row = await self._db.fetchone(
            "SELECT thread_id, first_message_id FROM outbox_threads WHERE ref = ? AND chat_id = ?",
            (ref, chat_id),
        )
        return Thread(row["thread_id"], row["first_message_id"]) if row else None

    # ------------------------------------------------------------------ for the sender
    async def due(
        self, limit: int, busy: Collection[int] = (), lag: float = 0.0
    ) -> tuple[list[OutboxRow], float | None]:
        """Rows to send now, oldest first, at most one per chat, none for ``busy`` chats, and
        only those due for ``lag`` seconds already; with them, the seconds until the next
        other row is due (negative: due, but held back by ``lag``; ``None``: none waits).
        One query, as the sender asks after every send."""
        clock = self._db.clock
        now = clock.now()
        rows = await self._db.fetchall(
            "SELECT o.id, o.chat_id, o.payload, o.ref, o.topic, o.dedupe, o.attempts, "
            "o.parts_sent, o.next_at <= ? AS ready, "
            "(julianday(o.next_at) - julianday(?)) * 86400.0 AS wait "
            f"FROM outbox AS o WHERE {_HEAD} "
            "ORDER BY ready DESC, CASE WHEN ready THEN o.id END, o.next_at LIMIT ?",
            (
                clock.stamp(now, plus=-max(lag, 0.0)),
                clock.stamp(now),
                json.dumps(list(busy)),
                limit + 1,
            ),
        )
        ready = [
            OutboxRow(int(row["id"]), _outgoing(row), int(row["attempts"]), int(row["parts_sent"]))
            for row in rows
            if row["ready"]
        ][:limit]
        later = [float(row["wait"]) for row in rows if not row["ready"]]
        return ready, (later[0] if later else None)

    async def part_sent(self, row: OutboxRow, part: int, message_id: int, last: bool) -> None:
        """Record one delivered message of a row, so a retry resumes after it."""
        item = row.item
        async with self._db.transaction() as conn:
            if item.ref is not None:
                await conn.execute(
                    "INSERT OR REPLACE INTO outbox_messages (chat_id, message_id, ref) "
                    "VALUES (?, ?, ?)",
                    (item.chat_id, message_id, item.ref),
                )
                await conn.execute(
                    "INSERT INTO outbox_threads (ref, chat_id, first_message_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (ref, chat_id) DO UPDATE SET "
                    "first_message_id = COALESCE(first_message_id, excluded.first_message_id)",
                    (item.ref, item.chat_id, message_id),
                )
            state = "state = 'sent', done_at = :now, last_error = NULL, " if last else ""
            await conn.execute(
                f"UPDATE outbox SET {state}parts_sent = :parts, "
                "sent_message_id = COALESCE(sent_message_id, :message) WHERE id = :id",
                {
                    "now": self._db.clock.stamp(),
                    "parts": part + 1,
                    "message": message_id,
                    "id": row.id,
                },
            )
            if last and item.chat_id > 0:
                await conn.execute(
                    "UPDATE users SET blocked_at = NULL "
                    "WHERE user_id = ? AND blocked_at IS NOT NULL",
                    (item.chat_id,),
                )

    async def retry(self, row_id: int, delay: float, error: str) -> None:
        """Try the row again in ``delay`` seconds."""
        await self._db.write(
            "UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?",
            (self._db.clock.stamp(plus=max(delay, 0.0)), error[:_ERROR_LENGTH], row_id),
        )

    async def fail(self, row_id: int, error: str) -> None:
        """Give the row up: Telegram refused it for good."""
        await self._db.write(
            "UPDATE outbox SET attempts = attempts + 1, state = 'failed', done_at = ?, "
            "last_error = ? WHERE id = ?",
            (self._db.clock.stamp(), error[:_ERROR_LENGTH], row_id),
        )

    async def set_thread(self, ref: str, chat_id: int, thread_id: int | None) -> None:
        """Remember the ref's forum topic in the chat (``None``: the chat has no topics)."""
        await self._db.write(
            "INSERT INTO outbox_threads (ref, chat_id, thread_id) VALUES (?, ?, ?) "
            "ON CONFLICT (ref, chat_id) DO UPDATE SET thread_id = excluded.thread_id",
            (ref, chat_id, thread_id),
        )

    async def forget_thread(self, ref: str, chat_id: int) -> None:
        """The topic is gone (deleted by officials): the next message opens a new one."""
        await self._db.write(
            "DELETE FROM outbox_threads WHERE ref = ? AND chat_id = ?", (ref, chat_id)
        )

    async def retarget(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup with a new id: its pending rows follow it."""
        await self._db.write(
            "UPDATE outbox SET chat_id = ?, next_at = ? WHERE chat_id = ? AND state = 'pending'",
            (new_chat_id, self._db.clock.stamp(), old_chat_id),
        )

    async def mark_blocked(self, user_id: int) -> None:
        """The person blocked the bot; officials can see it rather than wait for a reply."""
        await self._db.write(
            "INSERT INTO users (user_id, blocked_at, created_at, last_seen_at) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET blocked_at = excluded.blocked_at",
            (user_id, *[self._db.clock.stamp()] * 3),
        )

    async def purge(self, older_than_days: int = 90) -> int:
        """Delete delivered and failed rows (and their personal data) after some time; their
        dedupe keys go with them. The ref of each delivered message is kept."""
        rows = await self._db.write(
            "DELETE FROM outbox WHERE state != 'pending' AND done_at < ? RETURNING id",
            (self._db.clock.stamp(plus=-older_than_days * 86400.0),),
        )
        return len(rows)
