"""Where a person is in a conversation survives a restart; /cancel always gets them out."""

from __future__ import annotations

from bot.standin import StandIn
from tests.conftest import ADMIN_ID, BotRunner


async def test_text_step_of_a_flow_survives_a_restart(bot: BotRunner, standin: StandIn) -> None:
    admin = standin.user(ADMIN_ID, "Quản trị", language_code="vi")
    await admin.send_document(FLOW_WITH_TEXT.encode("utf-8"), filename="flows.yaml")
    assert "Đã áp dụng tệp flows.yaml" in (await admin.next_message()).plain

    user = standin.user(301, "Bình", language_code="vi")
    question = await user.reply("/start g-hoi-nha")
    assert question.plain == "Nhà anh/chị ở tổ dân phố nào?"

    await bot.restart()

    answer = await user.reply("Tổ 5")
    # Taken as the answer to the step they were on, not as a new question.
    assert "Đăng ký tạm trú" in answer.plain and "1.004194" in answer.plain
    other = await user.reply("alo")  # the step is over: a greeting, answered as one
    assert other.plain.startswith("Xin chào"), other.plain


FLOW_WITH_TEXT = """
flows:
  - id: hoi-nha
    title: {vi: "Hỏi nơi ở"}
    start: to
    steps:
      to:
        ask: {vi: "Nhà anh/chị ở tổ dân phố nào?"}
        input: {key: to_dan_pho, max_length: 50, next: xong}
      xong:
        result: ["1.004194"]
"""


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
    assert answer.plain.startswith("Đăng ký tạm trú") and "1.004194" in answer.plain
