"""Request parameters: decoded by name, because PTB sends strings raw and everything else JSON.

A form value alone cannot say whether ``"123"`` was meant as a number or a text, so each
parameter's type is looked up by its name, as Telegram's own server does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import bad_request

Params = dict[str, Any]

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


@dataclass
class Upload:
    """A file part of a multipart request (what the bot uploads)."""

    filename: str
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


def decode_value(name: str, value: Any) -> Any:
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


async def decode_request(request: web.Request) -> Params:
    """Query string, then a JSON, form or multipart body; uploaded files become :class:`Upload`."""
    params: Params = {k: decode_value(k, v) for k, v in request.query.items()}
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON encoded request") from exc
        if isinstance(body, dict):
            params.update({k: decode_value(k, v) for k, v in body.items()})
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params[name] = Upload(value.filename, value.content_type, value.file.read())
        else:
            params[name] = decode_value(name, value)
    return params


def int_param(params: Params, name: str, default: int | None = None) -> int | None:
    """An integer parameter, or ``default``; a value that is no number is a 400."""
    value = params.get(name, default)
    if value is None or isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid {name} specified") from exc


def str_param(params: Params, name: str) -> str | None:
    """A text parameter, or ``None`` if absent (a decoded number becomes its digits again)."""
    value = params.get(name)
    return None if value is None else str(value)
