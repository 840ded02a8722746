"""The control API: what tests, the shell, benchmarks and the sims call on the server.

It owns the simulated world (people, groups, chats, files, pending updates) and the ways in:
creating people and groups, pushing their messages, edits and button presses as updates,
reading what the bot did, and steering it (blocking, injected failures). The Bot API methods
(:mod:`bot.standin.methods`) act on the same state; underscore attributes are shared with
them and are not for tests.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from . import registry
from .failures import InjectedFailures
from .limits import Limits, RateLimiter
from .markup_check import MarkupError, MarkupWatch
from .methods.commands import scope_key
from .sims import GroupSim, UserSim
from .state import JSON, ApiCall, Chat, SentMessage, StoredFile, UpdateQueue, image_size
from .webhook import WebhookDelivery

Observer = Callable[[str, SentMessage], None]


class ControlApi:
    """State of the simulated world plus the calls that drive and inspect it."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "ubnd_demo_bot",
        bot_first_name: str = "UBND Demo",
        limits: Limits | None = None,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.limits = limits if limits is not None else Limits()
        self.calls: list[ApiCall] = []
        # Calls are logged when answered; a long poll is answered late, so count arrivals too.
        self.arrived: Counter[str] = Counter()
        self.rate_limited_count = 0
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.updates = UpdateQueue()
        self.bot_settings: dict[str, Any] = {}
        self.webhook: WebhookDelivery | None = None  # set by setWebhook
        self._files_by_path: dict[str, StoredFile] = {}
        self._users: dict[int, UserSim] = {}
        self._groups: dict[int, GroupSim] = {}
        self._commands: dict[tuple[Any, ...], list[JSON]] = {}
        self._callbacks: dict[str, int] = {}
        self._observers: list[Observer] = []
        self._answer_observers: list[Callable[[int, JSON], None]] = []
        self._blocked: set[int] = set()
        self._failures = InjectedFailures()
        self._limiter = RateLimiter()
        self._markup = MarkupWatch()
        self._ids = itertools.count(1)

    # ------------------------------------------------------------------ people and groups
    def user(
        self,
        user_id: int,
        first_name: str = "User",
        language_code: str | None = "vi",
        last_name: str | None = None,
        username: str | None = None,
    ) -> UserSim:
        """A simulated person with a private chat with the bot; same id, same sim."""
        sim = self._users.get(user_id)
        if sim is None:
            chat = Chat(
                user_id,
                "private",
                first_name=first_name,
                last_name=last_name,
                username=username,
            )
            self.chats[user_id] = chat
            sim = UserSim(self, chat, first_name, language_code, last_name, username)
            self._users[user_id] = sim
            for typed in (first_name, last_name, username):
                self._markup.typed(typed)
        return sim

    def group(
        self,
        chat_id: int,
        title: str = "Group",
        forum: bool = False,
        members: dict[int, str] | None = None,
        username: str | None = None,
    ) -> GroupSim:
        """A simulated group (supergroup if the id starts with -100); same id, same sim."""
        sim = self._groups.get(chat_id)
        if sim is None:
            kind = "supergroup" if str(chat_id).startswith("-100") or forum else "group"
            chat = Chat(chat_id, kind, title=title, is_forum=forum, username=username)
            chat.members.update(members or {})
            self.chats[chat_id] = chat
            sim = GroupSim(self, chat)
            self._groups[chat_id] = sim
            self._markup.typed(title)
        return sim

    # ------------------------------------------------------------------ reading what happened
    async def set_webhook(self, delivery: WebhookDelivery | None) -> None:
        """Deliver updates by posting them (``None``: back to getUpdates)."""
        if self.webhook is not None:
            await self.webhook.stop()
        self.webhook = delivery
        if delivery is not None:
            delivery.start(self.updates)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (any capitalisation)."""
        canonical = registry.canonical(method)
        return [call for call in self.calls if call.method == canonical]

    def commands(
        self,
        scope_type: str = "default",
        language_code: str = "",
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> list[JSON] | None:
        """Commands as last set by setMyCommands for that scope and language, else ``None``."""
        scope: JSON = {"type": scope_type}
        if chat_id is not None:
            scope["chat_id"] = chat_id
        if user_id is not None:
            scope["user_id"] = user_id
        return self._commands.get(scope_key(scope, language_code))

    @property
    def markup_errors(self) -> list[MarkupError]:
        """Escaped markup the bot showed people that none of them typed (see
        :mod:`bot.standin.markup_check`); the test fixtures fail a test that leaves any."""
        return self._markup.errors

    def person_typed(self, text: str) -> None:
        """Text people typed outside the bot's chats (its HTTP endpoint, a file on disk): the
        bot may show it, so markup in it is not counted as a markup error."""
        self._markup.typed(text)

    def on_bot_message(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(event, msg)`` for every bot send/edit/delete; returns an unsubscriber."""
        self._observers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._observers.remove(callback)

        return unsubscribe

    def on_callback_answer(self, callback: Callable[[int, JSON], None]) -> None:
        """Call ``callback(user_id, answer)`` when the bot answers someone's button press (the
        pop-up Telegram shows them)."""
        self._answer_observers.append(callback)

    # ------------------------------------------------------------------ steering the bot's world
    def block(self, user_id: int) -> None:
        """The person blocked the bot: sends to them answer 403 from now on."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def fail_next(
        self,
        method: str,
        status: int = 502,
        description: str | None = None,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` only, if given) fail, to
        test the bot's error paths."""
        self._failures.add(method, status, description, times, retry_after, chat_id)

    # ------------------------------------------------------------------ used by the sims
    def next_id(self) -> int:
        """A fresh number for file and callback ids."""
        return next(self._ids)

    def store_file(
        self,
        data: bytes,
        kind: str,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Keep bytes so getFile and the download URL can serve them."""
        n = self.next_id()
        extension = (filename or "").rpartition(".")[2] if filename and "." in filename else ""
        if not extension:
            extension = "jpg" if kind == "photos" else "bin"
        width, height = image_size(data) if kind == "photos" else (0, 0)
        stored = StoredFile(
            file_id=f"AgAD{kind[:3]}{n:08d}",
            file_unique_id=f"AQAD{n:08d}",
            data=data,
            file_path=f"{kind}/file_{n}.{extension}",
            filename=filename,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        if kind == "photos":
            self.files[stored.file_id + "s"] = stored  # the thumbnail size
        self._files_by_path[stored.file_path] = stored
        return stored

    def user_json(self, user_id: int) -> JSON:
        """A User object; people the tests never created get a placeholder name."""
        if user_id == self.bot_id:
            return self._bot_user()
        sim = self._users.get(user_id)
        if sim is None:
            return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        return sim.user_json()

    def message_json(self, msg: SentMessage, nested: bool = False) -> JSON:
        """The Message object Telegram would return for a bot message."""
        chat = self.chats[msg.chat_id]
        data: JSON = {
            "message_id": msg.message_id,
            "date": msg.date,
            "chat": chat.to_json(),
            "from": self._bot_user(),
        }
        if msg.message_thread_id is not None:
            data["message_thread_id"] = msg.message_thread_id
            data["is_topic_message"] = True
        if msg.edited:
            data["edit_date"] = int(time.time())
        if msg.kind == "text":
            data["text"] = msg.plain
            if msg.entities:
                data["entities"] = msg.entities
        elif msg.kind == "photo":
            data["photo"] = msg.media
        elif msg.kind == "document":
            data["document"] = msg.media
        elif msg.kind == "sticker":
            data["sticker"] = msg.media
        elif msg.kind == "location" and msg.location is not None:
            data["location"] = {"latitude": msg.location[0], "longitude": msg.location[1]}
        elif msg.kind == "venue":
            data["venue"] = msg.media
            data["location"] = msg.media["location"]
        if msg.caption:
            data["caption"] = msg.plain
            if msg.entities:
                data["caption_entities"] = msg.entities
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        if not nested and msg.reply_to_message_id is not None:
            replied = self.find_message(chat, msg.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = replied
        return data

    def find_message(self, chat: Chat, message_id: int) -> JSON | None:
        """Any message in the chat (bot's or a person's) as JSON, for reply_to_message."""
        if message_id in chat.bot_messages:
            return self.message_json(chat.bot_messages[message_id], nested=True)
        user_message = chat.user_messages.get(message_id)
        if user_message is None:
            return None
        return {k: v for k, v in user_message.items() if k != "reply_to_message"}

    def push_message(
        self,
        chat: Chat,
        sender: JSON,
        content: JSON,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        """A person's message arrives in ``chat``; returns the update_id."""
        message: JSON = {
            "message_id": chat.new_message_id(),
            "date": int(time.time()),
            "chat": chat.to_json(),
            "from": sender,
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        if reply_to is not None:
            replied = self.find_message(chat, reply_to)
            if replied is None:
                raise LookupError(f"no message {reply_to} in chat {chat.id}")
            message["reply_to_message"] = replied
        message.update(content)
        chat.user_messages[message["message_id"]] = message
        self._note_typed(content)
        return self.updates.push("message", message)

    def push_edit(self, chat: Chat, message_id: int, content: JSON) -> int:
        """A person edits one of their text messages: Telegram sends the whole message again,
        with the new text and an ``edit_date``, as an ``edited_message``; returns the
        update_id."""
        original = chat.user_messages.get(message_id)
        if original is None or "text" not in original:
            raise LookupError(f"no text message {message_id} from a person in chat {chat.id}")
        message = {k: v for k, v in original.items() if k not in ("text", "entities")}
        message.update(content)
        message["edit_date"] = max(int(time.time()), int(original["date"]))
        chat.user_messages[message_id] = message
        self._note_typed(content)
        return self.updates.push("edited_message", message)

    def push_callback(self, user_id: int, msg: SentMessage, data: str) -> int:
        """A person pressed an inline button; the query stays answerable until answered."""
        query_id = str(self.next_id() * 1000003 + user_id)
        self._callbacks[query_id] = user_id
        query: JSON = {
            "id": query_id,
            "from": self.user_json(user_id),
            "message": self.message_json(msg),
            "chat_instance": str(abs(msg.chat_id) * 7 + 1),
            "data": data,
        }
        return self.updates.push("callback_query", query)

    # ------------------------------------------------------------------ shared with the methods
    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _note_typed(self, content: JSON) -> None:
        """Remember what a person wrote (text, caption, a shared contact, a document's name and
        contents), so the bot showing it back is not taken for its own escaped markup."""
        for field in ("text", "caption"):
            self._markup.typed(content.get(field))
        contact = content.get("contact") or {}
        for field in ("first_name", "last_name"):
            self._markup.typed(contact.get(field))
        document = content.get("document") or {}
        self._markup.typed(document.get("file_name"))
        stored = self.files.get(document.get("file_id", ""))
        if stored is not None:
            self._markup.typed(stored.data.decode("utf-8", "replace"))
