"""A person's language: their choice, else their phone's, else the default; it survives restarts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import babel.core
from babel import localedata

from bot.i18n import UNUSED_LOCALE_DATA, I18n
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


def test_dates_and_numbers_come_out_right_without_babels_other_tables() -> None:
    """Babel's global tables and what no text formats in each locale's data (names of units,
    currencies, territories...: some 4.5 MB together) are let go once the locales are loaded:
    every format the texts use still comes out right, and nothing reads them back."""
    i18n = I18n("vi")
    assert babel.core._global_data is None
    assert all(
        key not in localedata.load(name) for name in ("vi", "en") for key in UNUSED_LOCALE_DATA
    )
    vi, en = i18n.texts("vi"), i18n.texts("en")
    moment = dt.datetime(2026, 2, 17, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert vi.datetime(moment, vi.plain("format.moment")) == "08:30, Thứ Ba 17/02/2026"
    assert en.datetime(moment, en.plain("format.moment")) == "8:30 AM, Tuesday 17 February 2026"
    assert vi.date(moment.date(), vi.plain("format.date")) == "17/02/2026"
    assert vi.date(moment.date()) == "17 thg 2, 2026" and en.date(moment.date()) == "Feb 17, 2026"
    assert vi.time(dt.time(17, 0)) == "17:00" and en.time(dt.time(17, 0)) == "5:00\u202fPM"
    assert (vi.number(1234.5), en.number(1234.5)) == ("1.234,5", "1,234.5")
    assert (vi.percent(0.909), en.percent(0.909)) == ("90,9%", "90.9%")
    assert vi.weekday(6) == "Chủ Nhật"
    assert babel.core._global_data is None
    # A format no text uses yet still works: Babel reads back what it needs.
    assert en.datetime(moment, "full").endswith("Indochina Time")
