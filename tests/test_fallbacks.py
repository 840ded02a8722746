"""Free text, media, unknown commands, old and forged buttons: a polite answer, never silence."""

from __future__ import annotations

import asyncio

from bot.standin import StandIn
from tests.conftest import BotRunner, pressed


async def test_free_text_is_never_met_with_silence(bot: BotRunner, standin: StandIn) -> None:
    reply = await standin.user(401, "Lan", language_code="vi").reply("xyzqwv lorem")
    assert reply.plain.startswith(
        "Xin lỗi, tôi chưa tìm thấy thủ tục nào phù hợp với «xyzqwv lorem»"
    )
    assert "Đường dây nóng" in reply.plain
    assert reply.buttons == [
        ["📚 Xem theo lĩnh vực"],
        ["🙋 Hỏi cán bộ"],
        ["📣 Gửi phản ánh, kiến nghị"],
        ["🔎 Tra cứu hồ sơ"],
        ["⬅️ Về menu chính"],
    ]


async def test_a_complaint_told_as_a_story_finds_its_way_to_the_complaint_form(
    bot: BotRunner, standin: StandIn
) -> None:
    lan = standin.user(402, "Lan", language_code="vi")
    story = await lan.reply("tôi muốn phản ánh rác ở ngõ 5 không ai dọn")
    assert "bấm «Gửi phản ánh, kiến nghị» nếu muốn báo một sự việc" in story.plain
    notice = await pressed(lan, "📣 Gửi phản ánh, kiến nghị", story)
    assert notice.plain.startswith("🔒 Trước khi gửi phản ánh")


async def test_sticker_gets_a_polite_answer(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(402, "Lan", language_code="vi")
    await user.send_sticker()
    reply = await user.next_message()
    assert "chỉ đọc được tin nhắn dạng chữ" in reply.plain


async def test_unknown_command(bot: BotRunner, standin: StandIn) -> None:
    reply = await standin.user(403, "Tom", language_code="en").reply("/frobnicate")
    assert reply.plain.startswith("Sorry, I don't know that command.")


async def test_forged_callback_is_refused_and_menu_offered(
    bot: BotRunner, standin: StandIn
) -> None:
    user = standin.user(404, "Lan", language_code="vi")
    await user.reply("/start")
    await user.press_data("admin:drop_all_tables")
    menu = await user.next_message()
    assert len(menu.buttons) == 5
    answer = user.callback_answers[-1]
    assert answer["show_alert"] is True
    assert "Nút này đã cũ" in answer["text"]


async def test_stale_language_button_is_refused(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(405, "Lan", language_code="vi")
    await user.reply("/start")
    await user.press_data("lang:fr")
    await user.next_message()
    assert "Nút này đã cũ" in user.callback_answers[-1]["text"]


async def test_group_chatter_gets_no_reply(bot: BotRunner, standin: StandIn) -> None:
    official = standin.user(406, "Cán bộ", language_code="vi")
    group = standin.group(-100406, "Phòng Văn hóa - Xã hội", members={406: "member"})
    await group.send(official, "mọi người họp lúc 3 giờ nhé")
    await asyncio.sleep(0.5)
    assert group.messages == []
