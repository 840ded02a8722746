"""Groups, members, forum topics, commands, files and concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest
from telegram.ext import Application

from bot.standin import Limits, StandIn

from .conftest import TOKEN


@pytest.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.api_url, base_file_url=standin.file_url) as client:
        yield client


async def test_get_chat_member_statuses(standin: StandIn, bot: Bot) -> None:
    grp = standin.group(-100123, "Phòng Kinh tế", members={1001: "member", 7: "administrator"})
    standin.user(1001, "Lan")
    assert (await bot.get_chat_member(-100123, 1001)).status == "member"
    admin = await bot.get_chat_member(-100123, 7)
    assert isinstance(admin, ChatMemberAdministrator)
    assert (await bot.get_chat_member(-100123, 55)).status == "left"
    grp.add_member(55, "kicked")
    assert (await bot.get_chat_member(-100123, 55)).status == "kicked"
    grp.add_member(8, "creator")
    assert (await bot.get_chat_member(-100123, 8)).status == "creator"
    grp.remove_member(1001)
    assert (await bot.get_chat_member(-100123, 1001)).status == "left"
    chat = await bot.get_chat(-100123)
    assert chat.title == "Phòng Kinh tế" and chat.type == "supergroup"
    assert {m.user.id for m in await bot.get_chat_administrators(-100123)} == {7, 8}


async def test_forum_topics(standin: StandIn, bot: Bot) -> None:
    forum = standin.group(-100777, "Tổ công tác", forum=True)
    standin.group(-100888, "Thường")
    topic = await bot.create_forum_topic(-100777, "Hồ sơ 42", icon_color=0x6FB9F0)
    assert topic.name == "Hồ sơ 42" and topic.icon_color == 0x6FB9F0
    assert forum.topics == {topic.message_thread_id: "Hồ sơ 42"}
    with pytest.raises(BadRequest, match=r"(?i)not a forum"):
        await bot.create_forum_topic(-100888, "x")
    sent = await bot.send_message(
        -100777, "trong chủ đề", message_thread_id=topic.message_thread_id
    )
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    assert forum.last.message_thread_id == topic.message_thread_id
    await bot.edit_forum_topic(-100777, topic.message_thread_id, name="Hồ sơ 42 (xong)")
    assert forum.topics[topic.message_thread_id] == "Hồ sơ 42 (xong)"
    await bot.close_forum_topic(-100777, topic.message_thread_id)
    with pytest.raises(BadRequest, match=r"(?i)topic_closed"):
        await bot.send_message(-100777, "x", message_thread_id=topic.message_thread_id)
    with pytest.raises(BadRequest, match=r"(?i)topic_not_modified"):
        await bot.close_forum_topic(-100777, topic.message_thread_id)
    await bot.reopen_forum_topic(-100777, topic.message_thread_id)
    with pytest.raises(BadRequest, match=r"(?i)thread not found"):
        await bot.send_message(-100777, "x", message_thread_id=999)


async def test_commands_per_scope_and_language(standin: StandIn, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")])
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    await bot.set_my_commands(
        [BotCommand("queue", "Hàng đợi")], scope=BotCommandScopeAllGroupChats()
    )
    assert standin.commands() == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "help", "description": "Trợ giúp"},
    ]
    assert standin.commands(language_code="en") == [{"command": "start", "description": "Start"}]
    assert standin.commands("all_group_chats") == [{"command": "queue", "description": "Hàng đợi"}]
    assert standin.commands("all_private_chats") is None
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    await bot.delete_my_commands(language_code="en")
    assert standin.commands(language_code="en") is None
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "x")])


async def test_documents_locations_and_replies(standin: StandIn, bot: Bot) -> None:
    lan = standin.user(1001, "Lan")
    await lan.send("gửi tôi mẫu đơn")
    asked = max(standin.chats[1001].user_messages)
    sent = await bot.send_document(
        1001, b"name: mau-don\n", filename="mau-don.yaml", caption="Mẫu đơn",
        reply_to_message_id=asked,
    )  # fmt: skip
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "gửi tôi mẫu đơn"
    msg = lan.last
    assert (msg.kind, msg.filename, msg.file_bytes, msg.caption) == (
        "document", "mau-don.yaml", b"name: mau-don\n", "Mẫu đơn"
    )  # fmt: skip
    assert msg.reply_to_message_id == asked
    assert sent.document is not None
    again = await bot.send_document(1001, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    await bot.send_location(1001, 21.0278, 105.8342)
    assert lan.last.location == (21.0278, 105.8342)
    await bot.send_message(
        1001, "chọn", reply_markup=ReplyKeyboardMarkup([["Có"], [KeyboardButton("Không")]])
    )
    assert lan.last.keyboard == [["Có"], ["Không"]] and lan.reply_keyboard == [["Có"], ["Không"]]
    await bot.send_chat_action(1001, "typing")
    with pytest.raises(BadRequest, match=r"(?i)replied not found"):
        await bot.send_message(1001, "x", reply_to_message_id=9999)
    # The user's file is downloadable through PTB.
    await lan.send_document(b"abc", filename="unit.yaml", mime_type="application/x-yaml")
    doc = standin.chats[1001].user_messages[max(standin.chats[1001].user_messages)]["document"]
    telegram_file = await bot.get_file(doc["file_id"])
    assert bytes(await telegram_file.download_as_bytearray()) == b"abc"
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_many_users_concurrently(standin: StandIn, app: Application) -> None:  # type: ignore[type-arg]
    standin.limits = Limits.off()
    users = [standin.user(5000 + i, f"Dân {i}") for i in range(60)]

    async def talk(index: int) -> None:
        user = users[index]
        for turn in range(3):
            reply = await user.reply(f"tin {index}-{turn}", timeout=10)
            assert reply.text == f"tin {index}-{turn}"

    await asyncio.gather(*(talk(i) for i in range(len(users))))
    assert len(standin.calls_to("sendMessage")) == 180
    assert standin.rate_limited_count == 0


async def test_settle_collects_burst(standin: StandIn, bot: Bot) -> None:
    lan = standin.user(1001, "Lan")

    async def burst() -> None:
        for i in range(3):
            await bot.send_message(1001, f"phần {i}")
            await asyncio.sleep(0.05)

    task = asyncio.create_task(burst())
    got = await lan.settle(quiet=0.2)
    await task
    assert [m.text for m in got] == ["phần 0", "phần 1", "phần 2"]
