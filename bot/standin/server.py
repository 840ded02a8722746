"""The stand-in's HTTP side: decode Bot API requests, dispatch them, answer as Telegram does.

A real PTB ``Application`` long-polls this server on 127.0.0.1, so the bot under test runs
unmodified while tests play the people it talks to (see :mod:`bot.standin.sims`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from .html import HtmlError, parse_html, utf16_len
from .limits import Limits, RateLimiter
from .sims import GroupSim, UserSim
from .state import (
    JSON,
    ApiCall,
    Chat,
    SentMessage,
    StoredFile,
    Topic,
    UpdateQueue,
    chat_member_json,
    image_size,
    photo_sizes,
    sticker_json,
)

_LOGGER = logging.getLogger(__name__)

Observer = Callable[[str, SentMessage], None]
Handler = Callable[[dict[str, Any]], Awaitable[Any]]

# How PTB encodes parameters: strings raw, everything else JSON. Decode by name.
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "icon_color",
        "until_date",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "duration",
        "width",
        "height",
        "max_connections",
    }
)
_FLOAT_PARAMS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "media",
        "menu_button",
        "rights",
        "message_ids",
        "permissions",
    }
)
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "drop_pending_updates",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
        "show_caption_above_media",
        "disable_content_type_detection",
        "for_channels",
        "allow_paid_broadcast",
        "revoke_messages",
        "only_if_banned",
    }
)
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "web_app",
        "login_url",
        "pay",
        "callback_game",
        "copy_text",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_ACCEPTED_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}
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


class ApiError(Exception):
    """A refusal, carried to the HTTP layer and answered with Telegram's JSON shape."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class Upload:
    """A file part of a multipart request (what the bot uploads)."""

    filename: str
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None = None  # only calls to this chat


def _decode_value(name: str, value: Any) -> Any:
    """Turn one form value back into what the bot meant, by parameter name."""
    if not isinstance(value, str):
        return value
    try:
        if name in _INT_PARAMS:
            if name in ("chat_id", "from_chat_id") and value.startswith("@"):
                return value
            return int(value)
        if name in _FLOAT_PARAMS:
            return float(value)
        if name in _JSON_PARAMS or name in _BOOL_PARAMS:
            return json.loads(value)
    except ValueError as exc:
        if name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object") from exc
        if name in ("chat_id", "from_chat_id"):
            raise bad_request("chat not found") from exc
        raise bad_request(f"can't parse parameter {name}") from exc
    return value


async def _decode_request(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {k: _decode_value(k, v) for k, v in request.query.items()}
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON encoded request") from exc
        if isinstance(body, dict):
            params.update({k: _decode_value(k, v) for k, v in body.items()})
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = Upload(value.filename, value.content_type, value.file.read())
        else:
            params[name] = _decode_value(name, value)
    return params


def _int(params: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name, default)
    if value is None or isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid {name} specified") from exc


def _str(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


class StandIn:
    """A loopback Telegram Bot API server plus simulated people, for end-to-end tests."""

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
        self.port = 0
        self._host = "127.0.0.1"
        self._files_by_path: dict[str, StoredFile] = {}
        self._users: dict[int, UserSim] = {}
        self._groups: dict[int, GroupSim] = {}
        self._commands: dict[tuple[Any, ...], list[JSON]] = {}
        self._callbacks: dict[str, int] = {}
        self._observers: list[Observer] = []
        self._answer_observers: list[Callable[[int, JSON], None]] = []
        self._blocked: set[int] = set()
        self._failures: dict[str, deque[_Failure]] = {}
        self._limiter = RateLimiter()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler) for name, handler in self._handlers().items()
        }

    # ------------------------------------------------------------------ lifecycle
    @property
    def api_url(self) -> str:
        """Base URL for PTB's ``base_url``; PTB appends the token."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """Base URL for PTB's ``base_file_url``."""
        return f"http://{self._host}:{self.port}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (port 0 picks a free port, see :attr:`port`)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        self.updates.reopen()
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._host = host
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving; pending long polls are answered first so shutdown is quick."""
        self.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ test-facing API
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
        return sim

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method (any capitalisation)."""
        canonical = self._canonical(method)
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
        return self._commands.get(self._scope_key(scope, language_code))

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
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = _DEFAULT_FAILURE_TEXT.get(status, "Internal Server Error")
        if status == 429 and retry_after is None:
            retry_after = 1
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(_Failure(status, description, retry_after, chat_id) for _ in range(times))

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

    # ------------------------------------------------------------------ HTTP
    def _failure_for(self, method: str, params: dict[str, Any]) -> _Failure | None:
        """The first injected failure this call matches, taken off its queue."""
        queue = self._failures.get(method.lower(), deque())
        for failure in queue:
            if failure.chat_id is None or str(failure.chat_id) == str(params.get("chat_id")):
                queue.remove(failure)  # and stop iterating at once
                return failure
        return None

    def _canonical(self, method: str) -> str:
        entry = self._methods.get(method.lower())
        return entry[0] if entry else method

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        canonical = self._canonical(method)
        self.arrived[canonical] += 1
        params: dict[str, Any] = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(404, "Not Found")
            params = await _decode_request(request)
            failure = self._failure_for(method, params)
            if failure is not None:
                extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                raise ApiError(failure.status, failure.description, extra)
            result = await entry[1](params)
        except ApiError as err:
            if err.code == 429:
                self.rate_limited_count += 1
            self.calls.append(
                ApiCall(canonical, params, False, err.code, err.description, None, at)
            )
            body: JSON = {"ok": False, "error_code": err.code, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
            return web.json_response(body, status=err.code)
        self.calls.append(ApiCall(canonical, params, True, None, None, result, at))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ helpers
    def _bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat(self, params: dict[str, Any], name: str = "chat_id") -> Chat:
        value = params.get(name)
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            wanted = value[1:].lower()
            for chat in self.chats.values():
                if (chat.username or "").lower() == wanted:
                    return chat
            raise bad_request("chat not found")
        found = self.chats.get(_int(params, name) or 0)
        if found is None:
            raise bad_request("chat not found")
        return found

    def _check_blocked(self, chat: Chat) -> None:
        if chat.type == "private" and chat.id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _render(
        self, params: dict[str, Any], field: str, entities_field: str, caption: bool
    ) -> tuple[str | None, list[JSON] | None]:
        """Validate text or caption; returns (raw text, entities) or (None, None) if absent."""
        raw = _str(params, field)
        if raw is None or raw == "":
            if caption:
                return None, None
            raise bad_request("message text is empty")
        parse_mode = (_str(params, "parse_mode") or "").lower()
        entities: list[JSON] | None
        if parse_mode == "html":
            try:
                parsed = parse_html(raw)
            except HtmlError as err:
                raise bad_request(f"can't parse entities: {err}") from err
            visible, entities = parsed.text, parsed.entities
        else:
            visible = raw
            given = params.get(entities_field)
            entities = given if isinstance(given, list) else None
        if not visible.strip():
            if caption:
                return None, None
            raise bad_request("message text is empty")
        limit = self.limits.max_caption_length if caption else self.limits.max_text_length
        if utf16_len(visible) > limit:
            raise bad_request("message caption is too long" if caption else "message is too long")
        return raw, entities or None

    def _markup(self, params: dict[str, Any], inline_only: bool = False) -> JSON | None:
        """Validate reply_markup as Telegram does; returns it or ``None``."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup '
                    "should be an Array of Arrays"
                )
            max_bytes = self.limits.max_callback_data_bytes
            for button in (b for row in rows for b in row):
                if not isinstance(button, dict) or not str(button.get("text", "")):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if not _INLINE_ACTIONS & button.keys() or button.get("callback_data") == "":
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if "callback_data" in button:
                    data = str(button["callback_data"])
                    if len(data.encode("utf-8")) > max_bytes:
                        raise bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]):
                    raise bad_request("BUTTON_URL_INVALID")
            return markup
        if inline_only:
            raise bad_request("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
                )
            for button in (b for row in rows for b in row):
                text = button if isinstance(button, str) else (button or {}).get("text", "")
                if not text:
                    raise bad_request("can't parse keyboard button: Text must be non-empty")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise bad_request("can't parse reply keyboard markup JSON object")

    def _thread(self, chat: Chat, params: dict[str, Any]) -> int | None:
        thread_id = _int(params, "message_thread_id")
        if thread_id is None or not chat.is_forum:
            return None
        topic = chat.topics.get(thread_id)
        if topic is None:
            raise bad_request("message thread not found")
        if topic.closed:
            raise bad_request("TOPIC_CLOSED")
        return thread_id

    def _reply_to(self, chat: Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        allow = bool(params.get("allow_sending_without_reply"))
        message_id = _int(params, "reply_to_message_id")
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            message_id = int(reply["message_id"])
            allow = allow or bool(reply.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        if message_id in chat.bot_messages or message_id in chat.user_messages:
            return message_id
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def _count_send(self, chat: Chat) -> None:
        retry = self._limiter.acquire(self.limits, chat.id, time.monotonic())
        if retry is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    def _emit(self, chat: Chat, event: str, msg: SentMessage) -> None:
        chat.record(event, msg)
        for observer in list(self._observers):
            try:
                observer(event, msg)
            except Exception:  # an observer's bug must not turn into a Bot API error
                _LOGGER.exception("stand-in observer failed on %s message", event)

    def _send(self, chat: Chat, params: dict[str, Any], **fields: Any) -> JSON:
        """Shared tail of every send*: checks, flood control, storing, notifying."""
        self._check_blocked(chat)
        thread_id = self._thread(chat, params)
        reply_to = self._reply_to(chat, params)
        markup = self._markup(params)
        self._count_send(chat)
        msg = SentMessage(
            message_id=chat.new_message_id(),
            chat_id=chat.id,
            parse_mode=_str(params, "parse_mode"),
            reply_markup=markup,
            message_thread_id=thread_id,
            reply_to_message_id=reply_to,
            at=time.monotonic(),
            date=int(time.time()),
            **fields,
        )
        if markup is not None and chat.type == "private":
            if "keyboard" in markup:
                chat.reply_keyboard = msg.keyboard
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        chat.bot_messages[msg.message_id] = msg
        self._emit(chat, "sent", msg)
        return self.message_json(msg)

    def _file_param(self, params: dict[str, Any], name: str, kind: str) -> StoredFile:
        value = params.get(name)
        if isinstance(value, Upload):
            mime = value.content_type if kind != "photos" else "image/jpeg"
            return self.store_file(value.data, kind, value.filename, mime)
        if isinstance(value, str) and value:
            if value in self.files:
                return self.files[value]
            if value.startswith(("http://", "https://")):
                return self.store_file(b"", kind, value.rsplit("/", 1)[-1] or None)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _bot_message(
        self, params: dict[str, Any], action: str = "edit"
    ) -> tuple[Chat, SentMessage]:
        if params.get("inline_message_id") is not None:
            raise bad_request(f"message to {action} not found")
        chat = self._chat(params)
        message_id = _int(params, "message_id")
        msg = chat.bot_messages.get(message_id or 0)
        if msg is None:
            if message_id in chat.user_messages:
                raise bad_request(f"message can't be {action}ed")
            raise bad_request(f"message to {action} not found")
        return chat, msg

    @staticmethod
    def _scope_key(scope: Any, language_code: str | None) -> tuple[Any, ...]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return (
            scope.get("type", "default"),
            scope.get("chat_id"),
            scope.get("user_id"),
            language_code or "",
        )

    # ------------------------------------------------------------------ methods
    def _handlers(self) -> dict[str, Handler]:
        harmless: dict[str, Any] = {
            "logOut": True,
            "close": True,
            "setWebhook": True,
            "setMyDescription": True,
            "setMyShortDescription": True,
            "setMyName": True,
            "setChatMenuButton": True,
            "setMyDefaultAdministratorRights": True,
            "pinChatMessage": True,
            "unpinChatMessage": True,
            "unpinAllChatMessages": True,
            "setMessageReaction": True,
            "leaveChat": True,
        }
        handlers: dict[str, Handler] = {
            name: self._accepting(name, value) for name, value in harmless.items()
        }
        handlers.update(
            {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyDescription": self._getter("description"),
                "getMyShortDescription": self._getter("short_description"),
                "getMyName": self._getter("name"),
                "getChatMenuButton": self._get_menu_button,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "sendSticker": self._send_sticker,
                "sendLocation": self._send_location,
                "sendChatAction": self._send_chat_action,
                "copyMessage": self._copy_message,
                "forwardMessage": self._forward_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "getFile": self._get_file,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
                "getChatAdministrators": self._get_chat_administrators,
                "getChatMemberCount": self._get_chat_member_count,
                "createForumTopic": self._create_forum_topic,
                "editForumTopic": self._edit_forum_topic,
                "closeForumTopic": self._close_forum_topic,
                "reopenForumTopic": self._reopen_forum_topic,
                "deleteForumTopic": self._delete_forum_topic,
            }
        )
        return handlers

    def _accepting(self, name: str, value: Any) -> Handler:
        async def accept(params: dict[str, Any]) -> Any:
            self.bot_settings[name] = params
            return value

        return accept

    def _getter(self, field: str) -> Handler:
        setter = {
            "description": "setMyDescription",
            "short_description": "setMyShortDescription",
            "name": "setMyName",
        }[field]

        async def get(params: dict[str, Any]) -> Any:
            return {field: str(self.bot_settings.get(setter, {}).get(field, ""))}

        return get

    async def _get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: dict[str, Any]) -> Any:
        timeout = float(params.get("timeout") or 0)
        return await self.updates.fetch(
            offset=_int(params, "offset") or 0,
            limit=_int(params, "limit") or 100,
            timeout=timeout,
            allowed=params.get("allowed_updates"),
        )

    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def _get_menu_button(self, params: dict[str, Any]) -> Any:
        return {"type": "default"}

    async def _set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands is empty")
        stored: list[JSON] = []
        for item in commands:
            if not isinstance(item, dict) or not _COMMAND_RE.fullmatch(str(item.get("command"))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = str(item.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            stored.append({"command": item["command"], "description": description})
        key = self._scope_key(params.get("scope"), _str(params, "language_code"))
        if stored:
            self._commands[key] = stored
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> Any:
        key = self._scope_key(params.get("scope"), _str(params, "language_code"))
        return self._commands.get(key, [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> Any:
        self._commands.pop(
            self._scope_key(params.get("scope"), _str(params, "language_code")), None
        )
        return True

    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        text, entities = self._render(params, "text", "entities", caption=False)
        return self._send(chat, params, text=text, entities=entities)

    async def _send_photo(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        caption, entities = self._render(params, "caption", "caption_entities", caption=True)
        self._check_blocked(chat)
        stored = self._file_param(params, "photo", "photos")
        return self._send(
            chat, params, kind="photo", caption=caption, entities=entities,
            file_bytes=stored.data, file_id=stored.file_id, media=photo_sizes(stored),
        )  # fmt: skip

    async def _send_document(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        caption, entities = self._render(params, "caption", "caption_entities", caption=True)
        self._check_blocked(chat)
        stored = self._file_param(params, "document", "documents")
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.filename:
            document["file_name"] = stored.filename
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return self._send(
            chat, params, kind="document", caption=caption, entities=entities,
            file_bytes=stored.data, file_id=stored.file_id, filename=stored.filename,
            mime_type=stored.mime_type, media=document,
        )  # fmt: skip

    async def _send_sticker(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        self._check_blocked(chat)
        stored = self._file_param(params, "sticker", "stickers")
        sticker = sticker_json(stored, emoji=None)
        return self._send(chat, params, kind="sticker", file_id=stored.file_id, media=sticker)

    async def _send_location(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        latitude, longitude = params.get("latitude"), params.get("longitude")
        if not isinstance(latitude, float | int) or not isinstance(longitude, float | int):
            raise bad_request("wrong latitude/longitude specified")
        return self._send(chat, params, kind="location", location=(latitude, longitude))

    async def _send_chat_action(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        self._check_blocked(chat)
        if not params.get("action"):
            raise bad_request("wrong parameter action in request")
        return True

    async def _copy_message(self, params: dict[str, Any]) -> Any:
        source = self._chat(params, "from_chat_id")
        chat = self._chat(params)
        message_id = _int(params, "message_id") or 0
        original = source.bot_messages.get(message_id)
        if original is None:
            user_message = source.user_messages.get(message_id)
            if user_message is None or "text" not in user_message:
                raise bad_request("message to copy not found")
            sent = self._send(chat, params, text=user_message["text"])
        else:
            sent = self._send(
                chat, params, kind=original.kind, text=original.text, caption=original.caption,
                entities=original.entities, file_bytes=original.file_bytes,
                file_id=original.file_id, filename=original.filename, media=original.media,
                location=original.location, mime_type=original.mime_type,
            )  # fmt: skip
        return {"message_id": sent["message_id"]}

    async def _forward_message(self, params: dict[str, Any]) -> Any:
        result = await self._copy_message(params)
        chat = self._chat(params)
        return self.message_json(chat.bot_messages[result["message_id"]])

    def _not_modified(self) -> ApiError:
        return bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )

    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        return self._edit_content(params, "text")

    async def _edit_message_caption(self, params: dict[str, Any]) -> Any:
        return self._edit_content(params, "caption")

    def _edit_content(self, params: dict[str, Any], field: str) -> JSON:
        """editMessageText / editMessageCaption: same checks, on the text or the caption."""
        chat, msg = self._bot_message(params)
        is_caption = field == "caption"
        if is_caption and msg.kind not in ("photo", "document"):
            raise bad_request("there is no caption in the message to edit")
        if not is_caption and msg.kind != "text":
            raise bad_request("there is no text in the message to edit")
        entities_field = "caption_entities" if is_caption else "entities"
        content, entities = self._render(params, field, entities_field, caption=is_caption)
        markup = self._markup(params, inline_only=True)
        candidate = SentMessage(0, chat.id, parse_mode=_str(params, "parse_mode"))
        setattr(candidate, field, content)
        if (
            candidate.plain == msg.plain
            and (entities or None) == (msg.entities or None)
            and markup == msg.reply_markup
        ):
            raise self._not_modified()
        self._count_send(chat)
        setattr(msg, field, content)
        msg.parse_mode, msg.entities = candidate.parse_mode, entities
        msg.reply_markup = markup
        return self._edited(chat, msg)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        chat, msg = self._bot_message(params)
        markup = self._markup(params, inline_only=True)
        if markup == msg.reply_markup or (
            markup is None and "inline_keyboard" not in (msg.reply_markup or {})
        ):
            raise self._not_modified()
        self._count_send(chat)
        msg.reply_markup = markup
        return self._edited(chat, msg)

    def _edited(self, chat: Chat, msg: SentMessage) -> JSON:
        msg.edited += 1
        self._emit(chat, "edited", msg)
        return self.message_json(msg)

    async def _delete_message(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        message_id = _int(params, "message_id") or 0
        msg = chat.bot_messages.pop(message_id, None)
        if msg is not None:
            self._emit(chat, "deleted", msg)
            return True
        if chat.user_messages.pop(message_id, None) is not None:
            return True
        raise bad_request("message to delete not found")

    async def _answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = _str(params, "callback_query_id") or ""
        user_id = self._callbacks.pop(query_id, None)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = _str(params, "text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer: JSON = {
            "text": text,
            "show_alert": bool(params.get("show_alert")),
            "url": _str(params, "url"),
            "cache_time": _int(params, "cache_time"),
        }
        sim = self._users.get(user_id)
        if sim is not None:
            sim.callback_answers.append(answer)
        for observer in self._answer_observers:
            observer(user_id, answer)
        return True

    async def _get_file(self, params: dict[str, Any]) -> Any:
        file_id = _str(params, "file_id") or ""
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _get_chat(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        return {
            **chat.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict(_ACCEPTED_GIFTS),
        }

    def _status(self, chat: Chat, user_id: int) -> str:
        if chat.type == "private":
            return "member" if user_id in (chat.id, self.bot_id) else "left"
        if user_id == self.bot_id:
            return chat.members.get(user_id, "administrator")
        return chat.members.get(user_id, "left")

    async def _get_chat_member(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        user_id = _int(params, "user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        return chat_member_json(self.user_json(user_id), self._status(chat, user_id))

    async def _get_chat_administrators(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        admins = [
            chat_member_json(self.user_json(uid), status)
            for uid, status in chat.members.items()
            if status in ("creator", "administrator")
        ]
        return admins

    async def _get_chat_member_count(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        if chat.type == "private":
            return 2
        present = ("creator", "administrator", "member", "restricted")
        return sum(1 for status in chat.members.values() if status in present)

    def _forum(self, params: dict[str, Any]) -> Chat:
        chat = self._chat(params)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        return chat

    def _topic(self, params: dict[str, Any]) -> tuple[Chat, Topic]:
        chat = self._forum(params)
        topic = chat.topics.get(_int(params, "message_thread_id") or 0)
        if topic is None:
            raise bad_request("message thread not found")
        return chat, topic

    async def _create_forum_topic(self, params: dict[str, Any]) -> Any:
        chat = self._forum(params)
        name = _str(params, "name") or ""
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
        icon_color = _int(params, "icon_color") or 7322096
        emoji = _str(params, "icon_custom_emoji_id")
        topic = Topic(chat.new_message_id(), name, icon_color, emoji)
        chat.topics[topic.thread_id] = topic
        result: JSON = {
            "message_thread_id": topic.thread_id,
            "name": name,
            "icon_color": icon_color,
        }
        if emoji:
            result["icon_custom_emoji_id"] = emoji
        return result

    async def _edit_forum_topic(self, params: dict[str, Any]) -> Any:
        _, topic = self._topic(params)
        name = _str(params, "name")
        emoji = _str(params, "icon_custom_emoji_id")
        if (name is None or name == topic.name) and (
            emoji is None or emoji == topic.icon_custom_emoji_id
        ):
            raise bad_request("TOPIC_NOT_MODIFIED")
        if name is not None:
            if not 1 <= len(name) <= 128:
                raise bad_request("TOPIC_TITLE_INVALID")
            topic.name = name
        if emoji is not None:
            topic.icon_custom_emoji_id = emoji or None
        return True

    async def _close_forum_topic(self, params: dict[str, Any]) -> Any:
        _, topic = self._topic(params)
        if topic.closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    async def _reopen_forum_topic(self, params: dict[str, Any]) -> Any:
        _, topic = self._topic(params)
        if not topic.closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    async def _delete_forum_topic(self, params: dict[str, Any]) -> Any:
        chat, topic = self._topic(params)
        del chat.topics[topic.thread_id]
        return True
