"""A person's language: their choice, else their phone's, else the default; it survives restarts."""

from __future__ import annotations

from bot.standin import StandIn
from tests.conftest import BotRunner


async def test_language_switch_persists_across_restart(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(201, "Lan", language_code="vi")
    await user.reply("/start")
    choose = await user.reply("/language")
    assert choose.plain == "Mời anh/chị chọn ngôn ngữ:"
    assert choose.buttons == [["✓ 🇻🇳 Tiếng Việt"], ["🇬🇧 English"]]
    changed = await user.click("🇬🇧 English")
    assert changed is not None and changed.plain == "Switched to English."
    menu = await user.next_message()
    assert menu.buttons[0] == ["📋 Ask about a procedure"]
    # The chat's command menu follows the choice.
    last_commands = standin.calls_to("setMyCommands")[-1].params
    assert last_commands["scope"] == {"type": "chat", "chat_id": 201}

    await bot.restart()
    again = await user.reply("/start")
    assert again.plain.startswith("Hello Lan!")


async def test_explicit_choice_beats_phone_language(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(202, "Anna", language_code="en")
    await user.reply("/language")
    await user.click("🇻🇳 Tiếng Việt")
    menu = await user.next_message()
    assert menu.plain == "Anh/chị cần hỗ trợ việc gì? Mời chọn một mục bên dưới."
    reply = await user.reply("/help")
    assert reply.plain.startswith("Hướng dẫn sử dụng")
