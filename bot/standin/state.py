"""In-memory world of the stand-in: chats, messages, files and the update queue.

Everything lives on one event loop, so plain containers suffice; waiting is done with
``asyncio.Event`` objects that are set and replaced on every change, which wakes all waiters
at once without polling.
"""

# Waiting helpers take a plain `timeout` argument: it is the public API tests are written in.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .html import to_plain

JSON = dict[str, Any]

# Update kinds Telegram sends when the bot never said which it wants.
DEFAULT_ALLOWED = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
    }
)


@dataclass
class ApiCall:
    """One Bot API request as the stand-in saw and answered it."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None = None
    description: str | None = None
    result: Any = None
    at: float = 0.0


@dataclass
class StoredFile:
    """A file uploaded by the bot or sent by a simulated person."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent, kept current as the bot edits it (compared by identity)."""

    message_id: int
    chat_id: int
    text: str | None = None
    parse_mode: str | None = None
    reply_markup: JSON | None = None
    kind: str = "text"
    caption: str | None = None
    file_bytes: bytes | None = None
    filename: str | None = None
    location: tuple[float, float] | None = None
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    edited: int = 0
    at: float = 0.0
    date: int = 0
    entities: list[JSON] | None = None
    file_id: str | None = None
    mime_type: str | None = None
    media: Any = None

    @property
    def plain(self) -> str:
        """Visible text (or caption), tags stripped and entities unescaped."""
        raw = self.text if self.text is not None else self.caption
        if raw is None:
            return ""
        if (self.parse_mode or "").lower() == "html":
            return to_plain(raw)
        return raw

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button texts, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[str(b.get("text", "")) for b in row] for row in rows]

    @property
    def button_data(self) -> list[list[str]]:
        """Inline buttons' callback data ("" for URL and other non-callback buttons)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[str(b.get("callback_data", "")) for b in row] for row in rows]

    @property
    def keyboard(self) -> list[list[str]] | None:
        """Reply-keyboard button texts, or ``None`` if the message carries no reply keyboard."""
        rows = (self.reply_markup or {}).get("keyboard")
        if rows is None:
            return None
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]

    def inline_buttons(self) -> list[JSON]:
        """All inline buttons, flattened in reading order (what ``press(index)`` counts)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [b for row in rows for b in row]


@dataclass
class ChatEvent:
    """A bot action on a chat: "sent", "edited" or "deleted"."""

    event: str
    message: SentMessage
    at: float


@dataclass
class Topic:
    """A forum topic in a forum supergroup."""

    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False


@dataclass
class Chat:
    """A private chat with one person, or a group."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None
    is_forum: bool = False
    members: dict[int, str] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    bot_messages: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: dict[int, JSON] = field(default_factory=dict)
    log: list[ChatEvent] = field(default_factory=list)
    last_event_at: float = 0.0
    reply_keyboard: list[list[str]] | None = None
    _next_message_id: int = 1
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def new_message_id(self) -> int:
        """Message ids are shared by the bot and people, so replies work both ways."""
        mid = self._next_message_id
        self._next_message_id += 1
        return mid

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or ""
            if self.last_name:
                data["last_name"] = self.last_name
        else:
            data["title"] = self.title or ""
            if self.is_forum:
                data["is_forum"] = True
        if self.username:
            data["username"] = self.username
        return data

    def record(self, event: str, message: SentMessage) -> None:
        """Log a bot action and wake everyone waiting on this chat."""
        now = time.monotonic()
        self.log.append(ChatEvent(event, message, now))
        self.last_event_at = now
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, timeout: float) -> bool:
        """Wait for the next bot action on this chat; ``False`` on timeout."""
        if timeout <= 0:
            return False
        changed = self._changed
        try:
            await asyncio.wait_for(changed.wait(), timeout)
        except TimeoutError:
            return False
        return True


class UpdateQueue:
    """Pending updates with increasing ids, served to getUpdates like Telegram does."""

    def __init__(self, first_id: int = 1) -> None:
        self._items: deque[JSON] = deque()
        self._ids = itertools.count(first_id)
        self._arrived = asyncio.Event()
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self._closed = False

    def close(self) -> None:
        """Answer every pending long poll now, so the server can shut down promptly."""
        self._closed = True
        self._arrived.set()

    def reopen(self) -> None:
        self._closed = False
        self._arrived = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def push(self, kind: str, payload: JSON) -> int:
        update_id = next(self._ids)
        self._items.append({"update_id": update_id, kind: payload})
        self._arrived.set()
        self._arrived = asyncio.Event()
        return update_id

    def clear(self) -> None:
        self._items.clear()

    def _confirm(self, offset: int) -> None:
        items = self._items
        if offset < 0:
            while len(items) > -offset:
                items.popleft()
        else:
            while items and items[0]["update_id"] < offset:
                items.popleft()

    def _take(self, limit: int) -> list[JSON]:
        allowed = self.allowed
        found: list[JSON] = []
        for item in self._items:
            kind = next(k for k in item if k != "update_id")
            if kind in allowed:
                found.append(item)
                if len(found) >= limit:
                    break
        return found

    async def fetch(
        self, offset: int, limit: int, timeout: float, allowed: Iterable[str] | None
    ) -> list[JSON]:
        """Confirm updates below ``offset``, then return up to ``limit`` updates.

        Waits up to ``timeout`` seconds and returns as soon as an update arrives.
        """
        if allowed is not None:
            self.allowed = frozenset(allowed) or DEFAULT_ALLOWED
        if offset:
            self._confirm(offset)
        limit = min(max(limit, 1), 100)
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            found = self._take(limit)
            remaining = deadline - time.monotonic()
            if found or remaining <= 0 or self._closed:
                return found
            arrived = self._arrived
            try:
                await asyncio.wait_for(arrived.wait(), remaining)
            except TimeoutError:
                return self._take(limit)


def chat_member_json(user: JSON, status: str) -> JSON:
    """A ChatMember object with every field PTB requires for the given status."""
    data: JSON = {"status": status, "user": user}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
            can_manage_topics=True,
        )
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "restricted":
        data.update(
            is_member=True,
            until_date=0,
            can_edit_tag=False,
            **{
                f"can_{right}": False
                for right in (
                    "change_info",
                    "invite_users",
                    "pin_messages",
                    "send_messages",
                    "send_polls",
                    "send_other_messages",
                    "add_web_page_previews",
                    "manage_topics",
                    "send_audios",
                    "send_documents",
                    "send_photos",
                    "send_videos",
                    "send_video_notes",
                    "send_voice_notes",
                    "react_to_messages",
                )
            },
        )
    return data


def photo_sizes(stored: StoredFile) -> list[JSON]:
    """A thumbnail and a full size, as Telegram offers; both download the same bytes."""
    width, height = stored.width or 800, stored.height or 600
    scale = min(1.0, 90 / max(width, height))
    sizes: list[JSON] = []
    for suffix, w, h in (
        ("s", max(1, int(width * scale)), max(1, int(height * scale))),
        ("", width, height),
    ):
        sizes.append(
            {
                "file_id": stored.file_id + suffix,
                "file_unique_id": stored.file_unique_id + suffix,
                "width": w,
                "height": h,
                "file_size": len(stored.data),
            }
        )
    return sizes


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG, or (0, 0) when unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                h = int.from_bytes(data[i + 5 : i + 7], "big")
                w = int.from_bytes(data[i + 7 : i + 9], "big")
                return w, h
            i += 2 + length
    return 0, 0


def sticker_json(stored: StoredFile, emoji: str | None) -> JSON:
    """A regular static sticker, as Telegram describes one."""
    sticker: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    if emoji:
        sticker["emoji"] = emoji
    return sticker
