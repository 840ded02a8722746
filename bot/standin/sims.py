"""Simulated people and groups: tests act through these and wait for the bot's answers.

Each sim keeps an inbox cursor into its chat's log of bot actions. Acting (``send``,
``press``) moves the cursor to "now", so an answer to an earlier message is never mistaken
for the answer to this one; waiting (``next_message``, ``click``, ``settle``) consumes events
after the cursor.
"""

# Waiting helpers take a plain `timeout` argument: it is the public API tests are written in.
# ruff: noqa: ASYNC109

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from .html import utf16_len
from .state import JSON, Chat, SentMessage, chat_member_json, photo_sizes, sticker_json

if TYPE_CHECKING:
    from .control import ControlApi

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def command_entities(text: str) -> list[JSON]:
    """A bot_command entity for a leading "/cmd" or "/cmd@bot", as Telegram adds it."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def _text_content(text: str) -> JSON:
    content: JSON = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


def _short(msg: SentMessage) -> str:
    text = msg.plain.replace("\n", " ")
    if len(text) > 80:
        text = text[:77] + "..."
    buttons = f" buttons={msg.buttons}" if msg.buttons else ""
    return f"#{msg.message_id} {msg.kind} {text!r}{buttons}"


class _ChatSim:
    """What people and groups share: a chat, its bot messages and an inbox cursor."""

    def __init__(self, standin: ControlApi, chat: Chat) -> None:
        self._standin = standin
        self.chat = chat
        self._cursor = len(chat.log)
        self._calls_mark = len(standin.calls)

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[SentMessage]:
        """Bot messages currently in the chat (edits applied, deleted ones gone), oldest first."""
        return list(self.chat.bot_messages.values())

    @property
    def last(self) -> SentMessage:
        """The newest bot message still in the chat."""
        if not self.chat.bot_messages:
            raise AssertionError(f"the bot has sent nothing (left) to chat {self.chat.id}")
        return next(reversed(self.chat.bot_messages.values()))

    def _advance(self) -> None:
        self._cursor = len(self.chat.log)
        self._calls_mark = len(self._standin.calls)

    async def _wait_for(self, kinds: tuple[str, ...], timeout: float) -> SentMessage | None:
        deadline = time.monotonic() + timeout
        index = self._cursor
        while True:
            log = self.chat.log
            while index < len(log):
                event = log[index]
                index += 1
                if event.event in kinds:
                    self._cursor = index
                    return event.message
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            await self.chat.wait_change(remaining)

    def _explain(self, what: str, timeout: float) -> str:
        """Timeout message: what the chat did get, and the bot's failed calls to it."""
        lines = [f"chat {self.chat.id}: no {what} within {timeout}s."]
        since = self.chat.log[self._cursor :]
        lines.append(
            "since the cursor: "
            + (", ".join(f"{e.event} {_short(e.message)}" for e in since) or "nothing")
        )
        recent = self.messages[-3:]
        lines.append("latest bot messages: " + (", ".join(map(_short, recent)) or "none"))
        failed = [
            c
            for c in self._standin.calls[self._calls_mark :]
            if not c.ok and c.params.get("chat_id") in (self.chat.id, str(self.chat.id))
        ]
        for call in failed:
            lines.append(f"refused {call.method}: {call.error_code} {call.description}")
        pending = len(self._standin.updates)
        if pending:
            lines.append(f"{pending} update(s) not yet confirmed by the bot (is it polling?)")
        return "\n".join(lines)

    async def next_message(self, timeout: float = 5.0) -> SentMessage:
        """The next new bot message after the cursor; AssertionError on timeout."""
        msg = await self._wait_for(("sent",), timeout)
        if msg is None:
            raise AssertionError(self._explain("new bot message", timeout))
        return msg

    async def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until the bot has been silent in this chat for ``quiet`` seconds.

        Silence counts from the later of the call and the bot's last action here, so calling
        right after ``send`` gives the bot ``quiet`` seconds to start answering. Returns the new
        messages since the cursor and moves the cursor to the end.
        """
        start = time.monotonic()
        deadline = start + timeout
        while True:
            now = time.monotonic()
            quiet_since = max(start, self.chat.last_event_at)
            if now - quiet_since >= quiet:
                break
            if now >= deadline:
                raise AssertionError(self._explain(f"quiet period of {quiet}s", timeout))
            await self.chat.wait_change(min(quiet_since + quiet, deadline) - now)
        new: list[SentMessage] = []
        for event in self.chat.log[self._cursor :]:
            if event.event == "sent" and event.message not in new:
                new.append(event.message)
        self._cursor = len(self.chat.log)
        return new

    def _find_message(self, message: SentMessage | None) -> SentMessage:
        if message is not None:
            return message
        for msg in reversed(self.chat.bot_messages.values()):
            if msg.inline_buttons():
                return msg
        raise LookupError(f"no bot message with an inline keyboard in chat {self.chat.id}")

    async def _press(self, user_id: int, button: str | int, message: SentMessage | None) -> int:
        msg = self._find_message(message)
        buttons = msg.inline_buttons()
        if isinstance(button, int):
            if not 0 <= button < len(buttons):
                raise LookupError(f"no button #{button} on {_short(msg)}")
            chosen = buttons[button]
        else:
            matches = [b for b in buttons if b.get("text") == button]
            if not matches:
                raise LookupError(f"no button {button!r} on {_short(msg)}")
            chosen = matches[0]
        if "callback_data" not in chosen:
            raise LookupError(f"button {chosen.get('text')!r} has no callback_data: {chosen}")
        return await self._press_data(user_id, str(chosen["callback_data"]), msg)

    async def _press_data(self, user_id: int, data: str, message: SentMessage | None) -> int:
        if message is None:
            try:
                message = self._find_message(None)
            except LookupError:
                message = self.last
        self._advance()
        return self._standin.push_callback(user_id, message, data)

    async def _click(
        self, user_id: int, button: str | int, message: SentMessage | None, timeout: float
    ) -> SentMessage | None:
        await self._press(user_id, button, message)
        return await self._wait_for(("sent", "edited"), timeout)


class UserSim(_ChatSim):
    """A person in a private chat with the bot."""

    def __init__(
        self,
        standin: ControlApi,
        chat: Chat,
        first_name: str,
        language_code: str | None,
        last_name: str | None,
        username: str | None,
    ) -> None:
        super().__init__(standin, chat)
        self.id = chat.id
        self.first_name = first_name
        self.language_code = language_code
        self.last_name = last_name
        self.username = username
        self.callback_answers: list[JSON] = []

    def __repr__(self) -> str:
        return f"UserSim({self.id}, {self.first_name!r})"

    def user_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard the bot last showed this person (``None`` once removed)."""
        return self.chat.reply_keyboard

    def _push(self, content: JSON, reply_to: SentMessage | int | None = None) -> int:
        self._advance()
        target = reply_to.message_id if isinstance(reply_to, SentMessage) else reply_to
        return self._standin.push_message(self.chat, self.user_json(), content, target)

    async def send(self, text: str, reply_to: SentMessage | int | None = None) -> int:
        """Send a text; a leading "/cmd" becomes a bot command. Returns the update_id."""
        return self._push(_text_content(text), reply_to)

    async def reply(self, text: str, timeout: float = 5.0) -> SentMessage:
        """Send a text and return the bot's next new message."""
        await self.send(text)
        return await self.next_message(timeout)

    @property
    def last_sent_id(self) -> int:
        """The message_id of this person's latest message still in the chat."""
        if not self.chat.user_messages:
            raise AssertionError(f"{self!r} has sent nothing (left) to the bot")
        return next(reversed(self.chat.user_messages))

    async def edit(self, message: int | None, new_text: str) -> int:
        """Edit one of one's own text messages (by message_id; ``None`` for the latest), as
        Telegram's "Edit" does: the bot gets an ``edited_message``. Returns the update_id."""
        target = self.last_sent_id if message is None else message
        self._advance()
        return self._standin.push_edit(self.chat, target, _text_content(new_text))

    async def send_photo(self, data: bytes, caption: str | None = None) -> int:
        stored = self._standin.store_file(data, "photos", mime_type="image/jpeg")
        content: JSON = {"photo": photo_sizes(stored)}
        if caption:
            content["caption"] = caption
        return self._push(content)

    async def send_document(
        self,
        data: bytes,
        filename: str = "document.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> int:
        stored = self._standin.store_file(data, "documents", filename, mime_type)
        content: JSON = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": filename,
                "mime_type": mime_type,
                "file_size": len(data),
            }
        }
        if caption:
            content["caption"] = caption
        return self._push(content)

    async def send_sticker(self, emoji: str = "👍") -> int:
        stored = self._standin.store_file(b"RIFF-sticker", "stickers", "sticker.webp")
        sticker = sticker_json(stored, emoji)
        return self._push({"sticker": sticker})

    async def send_location(self, latitude: float, longitude: float) -> int:
        return self._push({"location": {"latitude": latitude, "longitude": longitude}})

    async def share_contact(self, phone: str = "+84901234567") -> int:
        """Share one's own contact, as the "share my phone number" keyboard button does."""
        contact: JSON = {"phone_number": phone, "first_name": self.first_name, "user_id": self.id}
        if self.last_name:
            contact["last_name"] = self.last_name
        return self._push({"contact": contact})

    async def press(self, button: str | int, message: SentMessage | None = None) -> int:
        """Press an inline button by exact text or flat index; LookupError if none."""
        return await self._press(self.id, button, message)

    async def press_data(self, data: str, message: SentMessage | None = None) -> int:
        """A callback query with arbitrary (possibly forged) data."""
        return await self._press_data(self.id, data, message)

    async def click(
        self, button: str | int, message: SentMessage | None = None, timeout: float = 5.0
    ) -> SentMessage | None:
        """Press, then return the message the bot sends or edits next (``None`` if none)."""
        return await self._click(self.id, button, message, timeout)


class GroupSim(_ChatSim):
    """A group (or forum supergroup) where simulated people talk with the bot."""

    def __repr__(self) -> str:
        return f"GroupSim({self.chat.id}, {self.chat.title!r})"

    @property
    def topics(self) -> dict[int, str]:
        """Forum topics: thread id -> name."""
        return {tid: topic.name for tid, topic in self.chat.topics.items()}

    @property
    def members(self) -> dict[int, str]:
        return dict(self.chat.members)

    def add_member(self, user_id: int, status: str = "member") -> None:
        self.chat.members[user_id] = status

    def remove_member(self, user_id: int) -> None:
        self.chat.members.pop(user_id, None)

    def _push(
        self,
        user: UserSim,
        content: JSON,
        reply_to: SentMessage | int | None,
        thread_id: int | None,
    ) -> int:
        self._advance()
        target = reply_to.message_id if isinstance(reply_to, SentMessage) else reply_to
        return self._standin.push_message(self.chat, user.user_json(), content, target, thread_id)

    async def send(
        self,
        user: UserSim,
        text: str,
        reply_to: SentMessage | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        """``user`` writes ``text`` in the group (optionally as a reply / in a topic)."""
        return self._push(user, _text_content(text), reply_to, thread_id)

    async def reply(
        self,
        user: UserSim,
        text: str,
        reply_to: SentMessage | int | None = None,
        thread_id: int | None = None,
        timeout: float = 5.0,
    ) -> SentMessage:
        await self.send(user, text, reply_to, thread_id)
        return await self.next_message(timeout)

    async def send_photo(
        self,
        user: UserSim,
        data: bytes,
        caption: str | None = None,
        reply_to: SentMessage | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        stored = self._standin.store_file(data, "photos", mime_type="image/jpeg")
        content: JSON = {"photo": photo_sizes(stored)}
        if caption:
            content["caption"] = caption
        return self._push(user, content, reply_to, thread_id)

    async def press(
        self, user: UserSim, button: str | int, message: SentMessage | None = None
    ) -> int:
        return await self._press(user.id, button, message)

    async def press_data(self, user: UserSim, data: str, message: SentMessage | None = None) -> int:
        return await self._press_data(user.id, data, message)

    async def click(
        self,
        user: UserSim,
        button: str | int,
        message: SentMessage | None = None,
        timeout: float = 5.0,
    ) -> SentMessage | None:
        return await self._click(user.id, button, message, timeout)

    async def add_bot(self, by: UserSim, status: str = "member") -> int:
        """``by`` adds the bot to the group: a my_chat_member update, as Telegram sends."""
        standin = self._standin
        old = self.chat.members.get(standin.bot_id, "left")
        self.chat.members[standin.bot_id] = status
        self.chat.members.setdefault(by.id, "administrator")
        bot_user = standin.user_json(standin.bot_id)
        payload: dict[str, Any] = {
            "chat": self.chat.to_json(),
            "from": by.user_json(),
            "date": int(time.time()),
            "old_chat_member": chat_member_json(bot_user, old),
            "new_chat_member": chat_member_json(bot_user, status),
        }
        self._advance()
        return standin.updates.push("my_chat_member", payload)
