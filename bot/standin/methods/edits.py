"""Changing what the bot already sent (text, caption, inline keyboard) and answering button
presses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ApiError, bad_request
from ..params import Params, int_param, str_param
from ..registry import method
from ..state import JSON, Chat, SentMessage
from .outgoing import bot_message, count_send, emit, keyboard, render

if TYPE_CHECKING:
    from ..server import StandIn


def _not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message"
    )


def _edited(server: StandIn, chat: Chat, msg: SentMessage) -> JSON:
    msg.edited += 1
    emit(server, chat, "edited", msg)
    return server.message_json(msg)


def _edit_content(server: StandIn, params: Params, method_name: str, field: str) -> JSON:
    """editMessageText / editMessageCaption: same checks, on the text or the caption."""
    chat, msg = bot_message(server, params)
    is_caption = field == "caption"
    if is_caption and msg.kind not in ("photo", "document"):
        raise bad_request("there is no caption in the message to edit")
    if not is_caption and msg.kind != "text":
        raise bad_request("there is no text in the message to edit")
    entities_field = "caption_entities" if is_caption else "entities"
    content, entities = render(server, chat, method_name, params, field, entities_field, is_caption)
    markup = keyboard(server, params, inline_only=True)
    candidate = SentMessage(0, chat.id, parse_mode=str_param(params, "parse_mode"))
    setattr(candidate, field, content)
    if (
        candidate.plain == msg.plain
        and (entities or None) == (msg.entities or None)
        and markup == msg.reply_markup
    ):
        raise _not_modified()
    count_send(server, chat)
    setattr(msg, field, content)
    msg.parse_mode, msg.entities = candidate.parse_mode, entities
    msg.reply_markup = markup
    return _edited(server, chat, msg)


@method("editMessageText")
async def edit_message_text(server: StandIn, params: Params) -> Any:
    return _edit_content(server, params, "editMessageText", "text")


@method("editMessageCaption")
async def edit_message_caption(server: StandIn, params: Params) -> Any:
    return _edit_content(server, params, "editMessageCaption", "caption")


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(server: StandIn, params: Params) -> Any:
    chat, msg = bot_message(server, params)
    markup = keyboard(server, params, inline_only=True)
    if markup == msg.reply_markup or (
        markup is None and "inline_keyboard" not in (msg.reply_markup or {})
    ):
        raise _not_modified()
    count_send(server, chat)
    msg.reply_markup = markup
    return _edited(server, chat, msg)


@method("answerCallbackQuery")
async def answer_callback_query(server: StandIn, params: Params) -> Any:
    query_id = str_param(params, "callback_query_id") or ""
    user_id = server._callbacks.pop(query_id, None)
    if user_id is None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = str_param(params, "text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer: JSON = {
        "text": text,
        "show_alert": bool(params.get("show_alert")),
        "url": str_param(params, "url"),
        "cache_time": int_param(params, "cache_time"),
    }
    sim = server._users.get(user_id)
    if sim is not None:
        sim.callback_answers.append(answer)
    for observer in server._answer_observers:
        observer(user_id, answer)
    return True
