"""Where a person is in a conversation survives a restart; /cancel always gets them out."""

from __future__ import annotations

from bot.standin import StandIn
from tests.conftest import BotRunner


async def test_question_typed_after_restart_continues(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(301, "Bình", language_code="vi")
    await user.reply("/start")
    prompt = await user.click("📋 Hỏi về thủ tục hành chính")
    assert prompt is not None and "muốn hỏi về thủ tục nào" in prompt.plain

    await bot.restart()

    answer = await user.reply("làm giấy khai sinh cho con cần gì")
    # Treated as the question they were asked for, not as stray text.
    assert "Cảm ơn anh/chị đã đặt câu hỏi" in answer.plain
    assert "Bộ phận Một cửa" in answer.plain
    # The conversation is over: the next text is ordinary free text again.
    other = await user.reply("alo")
    assert other.plain.startswith("Xin lỗi, tôi chưa hiểu ý anh/chị")


async def test_cancel_leaves_the_conversation(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(302, "Chi", language_code="vi")
    await user.reply("/start m-ask")
    cancelled = await user.reply("/cancel")
    assert cancelled.plain.startswith("Đã hủy thao tác đang làm")
    assert len(cancelled.buttons) == 5
    nothing = await user.reply("/cancel")
    assert nothing.plain.startswith("Hiện không có thao tác nào cần hủy")


async def test_photo_mid_conversation_keeps_the_step(bot: BotRunner, standin: StandIn) -> None:
    user = standin.user(303, "Dũng", language_code="vi")
    await user.reply("/start m-ask")
    await user.send_photo(b"\x89PNG fake")
    reply = await user.next_message()
    assert "trả lời bằng chữ" in reply.plain
    answer = await user.reply("đăng ký tạm trú")
    assert "Cảm ơn anh/chị đã đặt câu hỏi" in answer.plain
