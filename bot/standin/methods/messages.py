"""Sending messages: text, photo, document, sticker, location, venue, chat actions, copies and
forwards, and deleting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..params import Params, int_param
from ..registry import method
from ..state import JSON, photo_sizes, sticker_json
from .files import file_param
from .outgoing import chat_of, check_blocked, emit, render, send

if TYPE_CHECKING:
    from ..server import StandIn


@method("sendMessage")
async def send_message(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    text, entities = render(server, chat, "sendMessage", params, "text", "entities", False)
    return send(server, chat, params, text=text, entities=entities)


@method("sendPhoto")
async def send_photo(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    caption, entities = render(
        server, chat, "sendPhoto", params, "caption", "caption_entities", True
    )
    check_blocked(server, chat)
    stored = file_param(server, params, "photo", "photos")
    return send(
        server, chat, params, kind="photo", caption=caption, entities=entities,
        file_bytes=stored.data, file_id=stored.file_id, media=photo_sizes(stored),
    )  # fmt: skip


@method("sendDocument")
async def send_document(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    caption, entities = render(
        server, chat, "sendDocument", params, "caption", "caption_entities", True
    )
    check_blocked(server, chat)
    stored = file_param(server, params, "document", "documents")
    document: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.filename:
        document["file_name"] = stored.filename
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return send(
        server, chat, params, kind="document", caption=caption, entities=entities,
        file_bytes=stored.data, file_id=stored.file_id, filename=stored.filename,
        mime_type=stored.mime_type, media=document,
    )  # fmt: skip


@method("sendSticker")
async def send_sticker(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    check_blocked(server, chat)
    stored = file_param(server, params, "sticker", "stickers")
    sticker = sticker_json(stored, emoji=None)
    return send(server, chat, params, kind="sticker", file_id=stored.file_id, media=sticker)


def _location(params: Params) -> tuple[float, float]:
    latitude, longitude = params.get("latitude"), params.get("longitude")
    if not isinstance(latitude, float | int) or not isinstance(longitude, float | int):
        raise bad_request("wrong latitude/longitude specified")
    return latitude, longitude


@method("sendLocation")
async def send_location(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    return send(server, chat, params, kind="location", location=_location(params))


@method("sendVenue")
async def send_venue(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    latitude, longitude = _location(params)
    title, address = params.get("title"), params.get("address")
    if not isinstance(title, str) or not title or not isinstance(address, str) or not address:
        raise bad_request("venue title and address must be non-empty")
    venue: JSON = {
        "location": {"latitude": latitude, "longitude": longitude},
        "title": title,
        "address": address,
    }
    return send(
        server, chat, params, kind="venue", location=(latitude, longitude), caption=None,
        text=f"{title}\n{address}", media=venue,
    )  # fmt: skip


@method("sendChatAction")
async def send_chat_action(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    check_blocked(server, chat)
    if not params.get("action"):
        raise bad_request("wrong parameter action in request")
    return True


@method("copyMessage")
async def copy_message(server: StandIn, params: Params) -> Any:
    source = chat_of(server, params, "from_chat_id")
    chat = chat_of(server, params)
    message_id = int_param(params, "message_id") or 0
    original = source.bot_messages.get(message_id)
    if original is None:
        user_message = source.user_messages.get(message_id)
        if user_message is None or "text" not in user_message:
            raise bad_request("message to copy not found")
        sent = send(server, chat, params, text=user_message["text"])
    else:
        sent = send(
            server, chat, params, kind=original.kind, text=original.text,
            caption=original.caption, entities=original.entities,
            file_bytes=original.file_bytes, file_id=original.file_id,
            filename=original.filename, media=original.media, location=original.location,
            mime_type=original.mime_type,
        )  # fmt: skip
    return {"message_id": sent["message_id"]}


@method("forwardMessage")
async def forward_message(server: StandIn, params: Params) -> Any:
    result = await copy_message(server, params)
    chat = chat_of(server, params)
    return server.message_json(chat.bot_messages[result["message_id"]])


@method("deleteMessage")
async def delete_message(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    message_id = int_param(params, "message_id") or 0
    msg = chat.bot_messages.pop(message_id, None)
    if msg is not None:
        emit(server, chat, "deleted", msg)
        return True
    if chat.user_messages.pop(message_id, None) is not None:
        return True
    raise bad_request("message to delete not found")
