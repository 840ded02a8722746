"""Chats and their members, and forum topics in forum supergroups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..params import Params, int_param, str_param
from ..registry import method
from ..state import JSON, Chat, Topic, chat_member_json
from .outgoing import chat_of

if TYPE_CHECKING:
    from ..server import StandIn

_ACCEPTED_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


def _status(server: StandIn, chat: Chat, user_id: int) -> str:
    if chat.type == "private":
        return "member" if user_id in (chat.id, server.bot_id) else "left"
    if user_id == server.bot_id:
        return chat.members.get(user_id, "administrator")
    return chat.members.get(user_id, "left")


@method("getChat")
async def get_chat(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    return {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict(_ACCEPTED_GIFTS),
    }


@method("getChatMember")
async def get_chat_member(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    user_id = int_param(params, "user_id")
    if user_id is None:
        raise bad_request("user_id is empty")
    return chat_member_json(server.user_json(user_id), _status(server, chat, user_id))


@method("getChatAdministrators")
async def get_chat_administrators(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    return [
        chat_member_json(server.user_json(uid), status)
        for uid, status in chat.members.items()
        if status in ("creator", "administrator")
    ]


@method("getChatMemberCount")
async def get_chat_member_count(server: StandIn, params: Params) -> Any:
    chat = chat_of(server, params)
    if chat.type == "private":
        return 2
    present = ("creator", "administrator", "member", "restricted")
    return sum(1 for status in chat.members.values() if status in present)


def _forum(server: StandIn, params: Params) -> Chat:
    chat = chat_of(server, params)
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    return chat


def _topic(server: StandIn, params: Params) -> tuple[Chat, Topic]:
    chat = _forum(server, params)
    topic = chat.topics.get(int_param(params, "message_thread_id") or 0)
    if topic is None:
        raise bad_request("message thread not found")
    return chat, topic


@method("createForumTopic")
async def create_forum_topic(server: StandIn, params: Params) -> Any:
    chat = _forum(server, params)
    name = str_param(params, "name") or ""
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
    icon_color = int_param(params, "icon_color") or 7322096
    emoji = str_param(params, "icon_custom_emoji_id")
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


@method("editForumTopic")
async def edit_forum_topic(server: StandIn, params: Params) -> Any:
    _, topic = _topic(server, params)
    name = str_param(params, "name")
    emoji = str_param(params, "icon_custom_emoji_id")
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


@method("closeForumTopic")
async def close_forum_topic(server: StandIn, params: Params) -> Any:
    _, topic = _topic(server, params)
    if topic.closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = True
    return True


@method("reopenForumTopic")
async def reopen_forum_topic(server: StandIn, params: Params) -> Any:
    _, topic = _topic(server, params)
    if not topic.closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = False
    return True


@method("deleteForumTopic")
async def delete_forum_topic(server: StandIn, params: Params) -> Any:
    chat, topic = _topic(server, params)
    del chat.topics[topic.thread_id]
    return True
