"""What the send and edit methods share: finding the chat, validating text and keyboards,
flood control, and storing and announcing what the bot sent."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ..errors import ApiError, bad_request
from ..html import HtmlError, parse_html, utf16_len
from ..params import Params, int_param, str_param
from ..state import JSON, Chat, SentMessage

if TYPE_CHECKING:
    from ..server import StandIn

_LOGGER = logging.getLogger(__name__)

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


def chat_of(server: StandIn, params: Params, name: str = "chat_id") -> Chat:
    """The chat a call names, by id or by ``@username``."""
    value = params.get(name)
    if value is None or value == "":
        raise bad_request("chat_id is empty")
    if isinstance(value, str) and value.startswith("@"):
        wanted = value[1:].lower()
        for chat in server.chats.values():
            if (chat.username or "").lower() == wanted:
                return chat
        raise bad_request("chat not found")
    found = server.chats.get(int_param(params, name) or 0)
    if found is None:
        raise bad_request("chat not found")
    return found


def check_blocked(server: StandIn, chat: Chat) -> None:
    if chat.type == "private" and chat.id in server._blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")


def render(
    server: StandIn,
    chat: Chat,
    method: str,
    params: Params,
    field: str,
    entities_field: str,
    caption: bool,
) -> tuple[str | None, list[JSON] | None]:
    """Validate text or caption; returns (raw text, entities) or (None, None) if absent.

    Accepted HTML or plain text is also checked for escaped markup (see
    :mod:`bot.standin.markup_check`)."""
    raw = str_param(params, field)
    if raw is None or raw == "":
        if caption:
            return None, None
        raise bad_request("message text is empty")
    parse_mode = (str_param(params, "parse_mode") or "").lower()
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
    limit = server.limits.max_caption_length if caption else server.limits.max_text_length
    if utf16_len(visible) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    if parse_mode in ("html", ""):  # Markdown's visible text is not worked out here
        server._markup.check(chat.id, method, visible)
    return raw, entities or None


def keyboard(server: StandIn, params: Params, inline_only: bool = False) -> JSON | None:
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
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        max_bytes = server.limits.max_callback_data_bytes
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


def _thread(chat: Chat, params: Params) -> int | None:
    thread_id = int_param(params, "message_thread_id")
    if thread_id is None or not chat.is_forum:
        return None
    topic = chat.topics.get(thread_id)
    if topic is None:
        raise bad_request("message thread not found")
    if topic.closed:
        raise bad_request("TOPIC_CLOSED")
    return thread_id


def _reply_to(chat: Chat, params: Params) -> int | None:
    reply = params.get("reply_parameters")
    allow = bool(params.get("allow_sending_without_reply"))
    message_id = int_param(params, "reply_to_message_id")
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


def count_send(server: StandIn, chat: Chat) -> None:
    """Flood control: count one outgoing message or refuse it with 429."""
    retry = server._limiter.acquire(server.limits, chat.id, time.monotonic())
    if retry is not None:
        raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})


def emit(server: StandIn, chat: Chat, event: str, msg: SentMessage) -> None:
    """Log a bot action on the chat and tell the observers."""
    chat.record(event, msg)
    for observer in list(server._observers):
        try:
            observer(event, msg)
        except Exception:  # an observer's bug must not turn into a Bot API error
            _LOGGER.exception("stand-in observer failed on %s message", event)


def send(server: StandIn, chat: Chat, params: Params, **fields: Any) -> JSON:
    """Shared tail of every send*: checks, flood control, storing, notifying."""
    check_blocked(server, chat)
    thread_id = _thread(chat, params)
    reply_to = _reply_to(chat, params)
    markup = keyboard(server, params)
    count_send(server, chat)
    msg = SentMessage(
        message_id=chat.new_message_id(),
        chat_id=chat.id,
        parse_mode=str_param(params, "parse_mode"),
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
    emit(server, chat, "sent", msg)
    return server.message_json(msg)


def bot_message(server: StandIn, params: Params, action: str = "edit") -> tuple[Chat, SentMessage]:
    """The bot's own message a call acts on (inline messages are not simulated)."""
    if params.get("inline_message_id") is not None:
        raise bad_request(f"message to {action} not found")
    chat = chat_of(server, params)
    message_id = int_param(params, "message_id")
    msg = chat.bot_messages.get(message_id or 0)
    if msg is None:
        if message_id in chat.user_messages:
            raise bad_request(f"message can't be {action}ed")
        raise bad_request(f"message to {action} not found")
    return chat, msg
