"""Rule 1 and 2: a warm greeting by name, who we are, office hours, and a menu that answers."""

from __future__ import annotations

import unicodedata

from bot.standin import StandIn
from tests.conftest import BotRunner

MENU_VI = [
    "📋 Hỏi về thủ tục hành chính",
    "📣 Gửi phản ánh, kiến nghị",
    "🔎 Tra cứu hồ sơ",
    "🗂 Yêu cầu của tôi",
    "🌐 Ngôn ngữ / Language",
]


async def test_start_greets_in_vietnamese_by_name(bot: BotRunner, standin: StandIn) -> None:
    lan = standin.user(101, "Lan", language_code="vi")
    reply = await lan.reply("/start")
    text = reply.plain
    assert text.startswith("Xin chào Lan!")
    assert "UBND phường Đống Đa" in text
    assert "Giờ làm việc" in text and "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00" in text
    assert "Thứ Bảy: 07:30–11:30" in text
    assert "Đường dây nóng" in text
    assert [row[0] for row in reply.buttons] == MENU_VI
    assert unicodedata.is_normalized("NFC", reply.plain)


async def test_start_greets_in_english_for_an_english_phone(
    bot: BotRunner, standin: StandIn
) -> None:
    tom = standin.user(102, "Tom", language_code="en-US")
    reply = await tom.reply("/start")
    assert reply.plain.startswith("Hello Tom!")
    assert "Dong Da Ward People's Committee" in reply.plain
    assert "Monday – Friday: 7:30 AM" in reply.plain.replace("\u202f", " ")
    assert reply.buttons[0] == ["📋 Ask about a procedure"]


async def test_unknown_phone_language_falls_back_to_default(
    bot: BotRunner, standin: StandIn
) -> None:
    reply = await standin.user(103, "Ivan", language_code="ru").reply("/start")
    assert reply.plain.startswith("Xin chào Ivan!")


async def test_name_with_markup_is_shown_literally(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(104, "<b>Tí & Tèo</b>", language_code="vi")
    reply = await user.reply("/start")
    assert reply.plain.startswith("Xin chào <b>Tí & Tèo</b>!")
    assert "&lt;b&gt;Tí &amp; Tèo&lt;/b&gt;" in (reply.text or "")


async def test_a_menu_item_that_asks_something_can_be_left(
    bot: BotRunner, standin: StandIn
) -> None:
    user = standin.user(105, "Hà", language_code="vi")
    await user.reply("/start")
    reply = await user.click("🔎 Tra cứu hồ sơ")
    assert reply is not None and "mã hồ sơ" in reply.plain
    assert reply.buttons == [["✖️ Hủy"]]
    back = await user.click("✖️ Hủy")
    assert back is not None and [row[0] for row in back.buttons] == MENU_VI


async def test_help_lists_commands_and_contacts(bot: BotRunner, standin: StandIn) -> None:
    reply = await standin.user(106, "Minh", language_code="vi").reply("/help")
    assert "/language" in reply.plain and "/cancel" in reply.plain
    assert "Địa chỉ" in reply.plain


async def test_deep_link_opens_a_menu_item(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(107, "Nga", language_code="vi")
    reply = await user.reply("/start m-ask")
    assert "Anh/chị muốn hỏi về thủ tục nào?" in reply.plain


async def test_unknown_deep_link_still_greets_and_says_so(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(108, "Quân", language_code="vi")
    reply = await user.reply("/start zz-123")
    assert reply.plain.startswith("Xin chào Quân!")
    assert "không còn hiệu lực" in reply.plain


async def test_command_menus_are_set_per_language(bot: BotRunner, standin: StandIn) -> None:
    vi = standin.commands(language_code="vi")
    en = standin.commands(language_code="en")
    default = standin.commands()
    assert vi is not None and en is not None
    assert {c["command"] for c in vi} == {
        "start",
        "menu",
        "phananh",
        "hoso",
        "mine",
        "help",
        "language",
        "xoadulieu",  # erase one's personal data (Decree 13/2023)
        "cancel",
    }
    assert next(c for c in vi if c["command"] == "language")["description"] == "Đổi ngôn ngữ"
    assert next(c for c in en if c["command"] == "language")["description"] == "Change language"
    assert default == vi  # Vietnamese is the default language


async def test_start_in_a_group_points_citizens_to_a_private_chat(
    bot: BotRunner, standin: StandIn
) -> None:
    official = standin.user(109, "Cán bộ", language_code="vi")
    group = standin.group(-100109, "Phòng Kinh tế", members={109: "member"})
    await group.send(official, "/start")
    reply = await group.next_message()
    assert "trò chuyện riêng" in reply.plain
    assert reply.buttons == []
